package io.commandcenter.cli.command;

import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.proto.v1.ApiKey;
import io.commandcenter.proto.v1.CreateKeyRequest;
import io.commandcenter.proto.v1.CreateKeyResponse;
import io.commandcenter.proto.v1.KeyRole;
import io.commandcenter.proto.v1.KeyServiceGrpc;
import io.commandcenter.proto.v1.ListKeysRequest;
import io.commandcenter.proto.v1.ListKeysResponse;
import io.commandcenter.proto.v1.RevokeKeyRequest;
import io.commandcenter.proto.v1.RevokeKeyResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc keys}: API keys (an administrator's job). */
@Command(name = "keys", description = "API keys: create (the token is shown once), list, revoke.",
        subcommands = {KeysCommand.CreateCommand.class, KeysCommand.ListCommand.class, KeysCommand.RevokeCommand.class})
public final class KeysCommand implements Callable<Integer> {
    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    static KeyServiceGrpc.KeyServiceBlockingStub stub(HubConnection hub) {
        return hub.scoped(KeyServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** {@code cc keys create}. */
    @Command(name = "create", description = "Create a key; its token is printed once and not kept by the hub.")
    static final class CreateCommand implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;

        @Option(names = "--role", required = true, description = "viewer, operator, admin or agent.")
        String role;
        @Option(names = "--name", required = true, description = "Who or what holds it (recorded as the actor).")
        String name;
        @Option(names = "--key-project", description = "The project it covers (default: the --project of the call;"
                + " 'all' for every project).")
        String keyProject;
        @Option(names = "--expires", description = "Lifetime: 90d, 12h, 30m (default: until revoked).")
        String expires;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            CreateKeyRequest.Builder request = CreateKeyRequest.newBuilder().setName(name)
                    .setRole(Text.constant(KeyRole.class, "KEY_ROLE_", role, "--role"));
            try (HubConnection hub = parent.cc.connect()) {
                String project = keyProject == null ? hub.project() : keyProject;
                if (project != null && !project.equalsIgnoreCase("all")) {
                    request.setProjectId(project);
                }
                if (expires != null) {
                    Duration d = lifetime(expires);
                    request.setExpiresIn(com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()));
                }
                CreateKeyResponse response = stub(hub).createKey(request.build());
                PrintWriter out = parent.spec.commandLine().getOut();
                if (json) {
                    out.println(ProtoJson.print(response));
                    return 0;
                }
                ApiKey k = response.getKey();
                out.printf("key %s created: %s, %s, %s%n", k.getKeyId(), k.getName(), role(k), scope(k));
                out.printf("token (shown once, keep it secret): %s%n", response.getToken());
                out.println("use it with --token or CC_TOKEN; clients send 'authorization: Bearer <token>'");
                return 0;
            }
        }
    }

    /** {@code cc keys list}. */
    @Command(name = "list", description = "The keys you administer, newest first (never their tokens).")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;

        @Option(names = "--key-project", description = "Only keys covering this project.")
        String keyProject;
        @Option(names = "--json", description = "Print JSON, one key per line.")
        boolean json;

        @Override
        public Integer call() {
            ListKeysResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = stub(hub).listKeys(ListKeysRequest.newBuilder()
                        .setProjectId(keyProject == null ? "" : keyProject).build());
            }
            PrintWriter out = parent.spec.commandLine().getOut();
            if (json) {
                response.getKeysList().forEach(k -> out.println(ProtoJson.print(k)));
                return 0;
            }
            Table table = new Table("KEY", "NAME", "ROLE", "PROJECT", "CREATED", "EXPIRES", "LAST USED", "STATE");
            for (ApiKey k : response.getKeysList()) {
                table.row(k.getKeyId(), k.getName(), role(k), scope(k), Text.time(k.getCreateTime()),
                        Text.isSet(k.getExpireTime()) ? Text.time(k.getExpireTime()) : "never",
                        Text.isSet(k.getLastUseTime()) ? Text.time(k.getLastUseTime()) : "-",
                        Text.isSet(k.getRevokeTime()) ? "revoked " + Text.time(k.getRevokeTime()) : "active");
            }
            table.print(out);
            return 0;
        }
    }

    /** {@code cc keys revoke}. */
    @Command(name = "revoke", description = "Revoke a key: it stops working at once (within seconds on other hubs).")
    static final class RevokeCommand implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;

        @Parameters(index = "0", description = "The key's id (cc keys list).")
        String keyId;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            RevokeKeyResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = stub(hub).revokeKey(RevokeKeyRequest.newBuilder().setKeyId(keyId).build());
            }
            PrintWriter out = parent.spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(response));
            } else {
                out.printf("key %s (%s) revoked%n", response.getKey().getKeyId(), response.getKey().getName());
            }
            return 0;
        }
    }

    static String role(ApiKey k) {
        return k.getRole().name().substring("KEY_ROLE_".length()).toLowerCase(Locale.ROOT);
    }

    static String scope(ApiKey k) {
        return k.getProjectId().isEmpty() ? "every project" : "project " + k.getProjectId();
    }

    /** {@code 90d}, {@code 12h}, {@code 30m}, or ISO-8601. */
    static Duration lifetime(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.matches("\\d+[dhm]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 'd' -> Duration.ofDays(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofMinutes(n);
                };
            }
            return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--expires must be like 90d, 12h, 30m or PT1H; got '" + text + "'");
        }
    }
}
