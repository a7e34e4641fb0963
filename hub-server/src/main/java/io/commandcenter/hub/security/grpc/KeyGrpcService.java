package io.commandcenter.hub.security.grpc;

import com.google.protobuf.Timestamp;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.common.error.grpc.Unary;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.security.ApiKey;
import io.commandcenter.hub.security.Keys;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.security.Principal;
import io.commandcenter.hub.security.Role;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.proto.v1.CreateKeyRequest;
import io.commandcenter.proto.v1.CreateKeyResponse;
import io.commandcenter.proto.v1.KeyRole;
import io.commandcenter.proto.v1.KeyServiceGrpc;
import io.commandcenter.proto.v1.ListKeysRequest;
import io.commandcenter.proto.v1.ListKeysResponse;
import io.commandcenter.proto.v1.RevokeKeyRequest;
import io.commandcenter.proto.v1.RevokeKeyResponse;
import io.commandcenter.proto.v1.WhoAmIRequest;
import io.commandcenter.proto.v1.WhoAmIResponse;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code KeyService}: API keys over gRPC. The interceptor has checked the caller may administer;
 * the scope rules (an administrator of one project manages that project's keys) are {@link Keys}'.
 */
public final class KeyGrpcService extends KeyServiceGrpc.KeyServiceImplBase {
    private final Keys keys;

    public KeyGrpcService(Keys keys) {
        this.keys = keys;
    }

    @Override
    public void createKey(CreateKeyRequest request, StreamObserver<CreateKeyResponse> observer) {
        Unary.answer(observer, () -> {
            Caller caller = CallContext.caller();
            Violations v = new Violations();
            Role role = switch (request.getRole()) {
                case KEY_ROLE_VIEWER -> Role.VIEWER;
                case KEY_ROLE_OPERATOR -> Role.OPERATOR;
                case KEY_ROLE_ADMIN -> Role.ADMIN;
                case KEY_ROLE_AGENT -> Role.AGENT;
                case KEY_ROLE_UNSPECIFIED, UNRECOGNIZED -> {
                    v.add("role", "REQUIRED", "role is required: viewer, operator, admin or agent");
                    yield null;
                }
            };
            ProjectId project = null;
            if (!request.getProjectId().isEmpty()) {
                if (ProjectId.isValid(request.getProjectId())) {
                    project = ProjectId.of(request.getProjectId());
                } else {
                    v.add("project_id", "INVALID_PROJECT", "project_id must be 1-63 lowercase letters, digits,"
                            + " '-', '_' or '.', starting with a letter or digit");
                }
            }
            Duration lifetime = null;
            if (request.hasExpiresIn()) {
                lifetime = Duration.ofSeconds(request.getExpiresIn().getSeconds(), request.getExpiresIn().getNanos());
            }
            v.throwIfAny("INVALID_ARGUMENT", "invalid request");
            Keys.Created created = keys.create(project, role, request.getName(), lifetime, caller.who());
            return CreateKeyResponse.newBuilder().setKey(toProto(created.key())).setToken(created.token()).build();
        });
    }

    @Override
    public void listKeys(ListKeysRequest request, StreamObserver<ListKeysResponse> observer) {
        Unary.answer(observer, () -> {
            Caller caller = CallContext.caller();
            ProjectId project = null;
            if (!request.getProjectId().isEmpty()) {
                if (!ProjectId.isValid(request.getProjectId())) {
                    throw CommandCenterException.invalid("INVALID_PROJECT", "project_id", "project_id is not a"
                            + " project id");
                }
                project = ProjectId.of(request.getProjectId());
            }
            ListKeysResponse.Builder b = ListKeysResponse.newBuilder();
            keys.list(caller.who(), project).forEach(k -> b.addKeys(toProto(k)));
            return b.build();
        });
    }

    @Override
    public void revokeKey(RevokeKeyRequest request, StreamObserver<RevokeKeyResponse> observer) {
        Unary.answer(observer, () -> {
            if (!request.getKeyId().matches("[0-9a-f]{16}")) {
                throw CommandCenterException.invalid("INVALID_KEY_ID", "key_id", "key_id must be 16 hexadecimal"
                        + " characters (cc keys list shows them)");
            }
            return RevokeKeyResponse.newBuilder().setKey(toProto(keys.revoke(request.getKeyId(),
                    CallContext.caller().who()))).build();
        });
    }

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> observer) {
        Unary.answer(observer, () -> whoAmI(CallContext.caller()));
    }

    /** Who {@code caller} is, as {@code WhoAmI} answers it (the REST mirror calls this too). */
    public static WhoAmIResponse whoAmI(Caller caller) {
        Principal who = caller.who();
        WhoAmIResponse.Builder b = WhoAmIResponse.newBuilder().setName(who.name()).setRole(role(who.role()))
                .setKeyProjectId(who.projectScope().map(ProjectId::value).orElse(""))
                .setProjectId(caller.project().value()).setActor(caller.actor()).setCredentialId(who.keyId());
        for (Permission p : who.role().permissions()) {
            if (p != Permission.PUBLIC) {
                b.addPermissions(p.name());
            }
        }
        return b.build();
    }

    private static KeyRole role(Role role) {
        return switch (role) {
            case VIEWER -> KeyRole.KEY_ROLE_VIEWER;
            case OPERATOR -> KeyRole.KEY_ROLE_OPERATOR;
            case ADMIN -> KeyRole.KEY_ROLE_ADMIN;
            case AGENT -> KeyRole.KEY_ROLE_AGENT;
        };
    }

    static io.commandcenter.proto.v1.ApiKey toProto(ApiKey k) {
        io.commandcenter.proto.v1.ApiKey.Builder b = io.commandcenter.proto.v1.ApiKey.newBuilder()
                .setKeyId(k.keyId()).setName(k.name()).setProjectId(k.project() == null ? "" : k.project().value())
                .setRole(role(k.role()))
                .setCreateTime(ts(k.createdAt())).setCreatedBy(k.createdBy());
        if (k.expiresAt() != null) {
            b.setExpireTime(ts(k.expiresAt()));
        }
        if (k.revokedAt() != null) {
            b.setRevokeTime(ts(k.revokedAt()));
        }
        if (k.lastUsedAt() != null) {
            b.setLastUseTime(ts(k.lastUsedAt()));
        }
        return b.build();
    }

    private static Timestamp ts(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
