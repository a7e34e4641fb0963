package io.commandcenter.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.commandcenter.cli.SharedHub.Result;
import static io.commandcenter.cli.SharedHub.cc;
import static io.commandcenter.cli.SharedHub.ccAs;
import static io.commandcenter.cli.SharedHub.project;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code cc keys}: keys are created with a role and a project, work as they say, and stop when revoked. */
@ExtendWith(SharedHub.class)
class KeysCliTest {

    static String token(Result created) {
        return created.out().lines().filter(l -> l.startsWith("token (shown once"))
                .map(l -> l.substring(l.indexOf(": ") + 2)).findFirst().orElseThrow();
    }

    @Test
    void aViewerKey_reads_butMayNotDecide_andStopsWhenRevoked() {
        String p = project();
        Result created = cc("--project", p, "keys", "create", "--role", "viewer", "--name", "dash", "--expires", "90d");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("viewer, project " + p);
        String viewer = token(created);
        String keyId = viewer.substring(4, 20);

        Result read = ccAs(viewer, "--project", p, "runs", "list");
        Result pause = ccAs(viewer, "--project", p, "autonomy", "pause", "--reason", "x");
        Result elsewhere = ccAs(viewer, "--project", project(), "runs", "list");

        assertThat(read.exit()).as(read.err()).isZero();
        assertThat(pause.exit()).isEqualTo(Errors.NOT_ALLOWED);
        assertThat(pause.err()).startsWith("cc: PERMISSION_DENIED").contains("role viewer");
        assertThat(elsewhere.exit()).isEqualTo(Errors.NOT_ALLOWED);
        assertThat(elsewhere.err()).startsWith("cc: PERMISSION_DENIED");
        assertThat(cc("--project", p, "keys", "list").out()).contains(keyId).contains("dash").contains("active");

        Result revoked = cc("--project", p, "keys", "revoke", keyId);
        Result after = ccAs(viewer, "--project", p, "runs", "list");

        assertThat(revoked.out()).isEqualTo("key " + keyId + " (dash) revoked\n");
        assertThat(after.exit()).isEqualTo(Errors.NOT_ALLOWED);
        assertThat(after.err()).startsWith("cc: UNAUTHENTICATED").contains("revoked");
        assertThat(cc("--project", p, "keys", "list").out()).contains("revoked");
    }

    @Test
    void whoami_saysWhatTheKeyMayDo_andInWhichProject() {
        String p = project();
        String operator = token(cc("--project", p, "keys", "create", "--role", "operator", "--name", "ops"));

        Result me = ccAs(operator, "--user", "ana", "whoami");

        assertThat(me.exit()).as(me.err()).isZero();
        assertThat(me.out()).contains("name         ops\n").contains("role         operator\n")
                .contains("may          read, ingest, decide\n").contains("covers       project " + p + "\n")
                .contains("project      " + p + "\n").contains("recorded as  ana (key ops)\n");
        assertThat(ccAs(operator, "whoami", "--json").out()).contains("\"role\":\"KEY_ROLE_OPERATOR\"");
    }

    @Test
    void withoutAKey_theHubSaysWhatToSend() {
        Result none = ccAs(null, "runs", "list");

        assertThat(none.exit()).isEqualTo(Errors.NOT_ALLOWED);
        assertThat(none.err()).startsWith("cc: UNAUTHENTICATED").contains("authorization: Bearer");
    }

    @Test
    void aKeyIsNeverPrintedAgain_andBadRequestsNameTheirField() {
        String p = project();
        Result created = cc("--project", p, "keys", "create", "--role", "operator", "--name", "ops");
        String secret = token(created).substring(21);

        assertThat(cc("--project", p, "keys", "list", "--json").out()).doesNotContain(secret);
        Result badName = cc("--project", p, "keys", "create", "--role", "viewer", "--name", "bad name");
        assertThat(badName.exit()).isEqualTo(2);
        assertThat(badName.err()).contains("INVALID_ARGUMENT").contains("name");
        Result badRole = cc("--project", p, "keys", "create", "--role", "root", "--name", "x");
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.err()).containsIgnoringCase("--role must be one of viewer, operator, admin, agent");
        Result badId = cc("--project", p, "keys", "revoke", "nope");
        assertThat(badId.exit()).isEqualTo(2);
        assertThat(badId.err()).contains("key_id");
    }
}
