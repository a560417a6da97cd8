package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import bnagpt.chat.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the key comes from: GROQ_API_KEY, else the key you chose to keep in $BNAGPT_HOME/key.
 * (Typing it in at the first run, on a terminal, is in TerminalChatTest.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KeyFileTest {
    @TempDir
    Path home;

    @Test
    void the_environment_variable_wins_over_the_key_file() throws IOException {
        Files.writeString(home.resolve("key"), "gsk_test_kept_in_the_file_000\n");

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString(),
                "GROQ_API_KEY", "gsk_test_from_the_environment_000"));

        assertEquals("gsk_test_from_the_environment_000", config.apiKey());
    }

    @Test
    void without_the_environment_variable_the_key_file_is_used_without_its_line_end() throws IOException {
        Files.writeString(home.resolve("key"), "gsk_test_kept_in_the_file_000\n");

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString()));

        assertEquals("gsk_test_kept_in_the_file_000", config.apiKey());
    }

    @Test
    void a_blank_environment_variable_counts_as_none() throws IOException {
        Files.writeString(home.resolve("key"), "gsk_test_kept_in_the_file_000\n");

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString(), "GROQ_API_KEY", "  "));

        assertEquals("gsk_test_kept_in_the_file_000", config.apiKey());
    }

    @Test
    void with_neither_there_is_no_key() {
        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString()));

        assertNull(config.apiKey());
    }

    @Test
    void an_empty_key_file_is_no_key() throws IOException {
        Files.writeString(home.resolve("key"), "\n");

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString()));

        assertNull(config.apiKey());
    }

    @Test
    void the_configuration_never_shows_the_key_when_printed() {
        Config config = new Config("gsk_test_not_a_real_key_000", "http://127.0.0.1:1/v1", "m");

        assertEquals("Config[baseUrl=http://127.0.0.1:1/v1, model=m, apiKey=set]", config.toString());
    }
}
