package io.commandcenter.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where cc finds its key, first found wins. */
class TokenTest {
    @TempDir
    Path dir;

    @Test
    void anExplicitToken_winsOverTheEnvironmentAndFiles() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/admin.key"), "from-file\n");

        assertThat(Token.find("explicit", Map.of("CC_TOKEN", "env"), dir)).contains("explicit");
        assertThat(Token.find(null, Map.of("CC_TOKEN", "env"), dir)).contains("env");
        assertThat(Token.find(null, Map.of(), dir)).contains("from-file");
    }

    @Test
    void aTokenFile_thenTheDataDirectory_thenTheWorkingDirectorysData() throws Exception {
        Files.writeString(dir.resolve("t.key"), " from-token-file \n");
        Files.createDirectories(dir.resolve("hub2"));
        Files.writeString(dir.resolve("hub2/admin.key"), "from-data-dir");

        assertThat(Token.find(null, Map.of("CC_TOKEN_FILE", dir.resolve("t.key").toString()), dir))
                .contains("from-token-file");
        assertThat(Token.find(null, Map.of("CC_DATA_DIR", dir.resolve("hub2").toString()), dir))
                .contains("from-data-dir");
        assertThat(Token.find(null, Map.of(), dir)).isEmpty();
        assertThatThrownBy(() -> Token.find(null, Map.of("CC_TOKEN_FILE", dir.resolve("none").toString()), dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CC_TOKEN_FILE");
    }
}
