package io.commandcenter.common.proto;

import com.google.protobuf.Api;
import com.google.protobuf.SourceContext;
import com.google.protobuf.Struct;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtoJsonTest {

    @Test
    void print_keepsZerosAndEmptyValues() {
        assertThat(ProtoJson.print(ErrorInfo.getDefaultInstance()))
                .isEqualTo("{\"reason\":\"\",\"domain\":\"\",\"metadata\":{}}");
        assertThat(ProtoJson.print(BadRequest.getDefaultInstance())).isEqualTo("{\"fieldViolations\":[]}");
    }

    @Test
    void print_leavesOutAnUnsetMessage_butNotASetOne() {
        assertThat(ProtoJson.print(Api.getDefaultInstance())).doesNotContain("sourceContext");
        assertThat(ProtoJson.print(Api.newBuilder().setSourceContext(SourceContext.getDefaultInstance()).build()))
                .contains("\"sourceContext\":{\"fileName\":\"\"}");
    }

    @Test
    void parse_mergesTheDocument_andNamesTheFieldOfABadOne() {
        ErrorInfo.Builder parsed = ProtoJson.parse("{\"reason\":\"R\"}", ErrorInfo.newBuilder(), "body");

        assertThat(parsed.getReason()).isEqualTo("R");
        assertThat(ProtoJson.parse(" ", Struct.newBuilder(), "body").build()).isEqualTo(Struct.getDefaultInstance());
        assertThatThrownBy(() -> ProtoJson.parse("{\"nope\":1}", ErrorInfo.newBuilder(), "body"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("BAD_JSON");
                    assertThat(e.violations()).singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("body"));
                });
    }
}
