package bnagpt;

import static bnagpt.GroqResponses.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ChatException;
import bnagpt.chat.Config;
import bnagpt.chat.GroqClient;
import bnagpt.chat.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the key comes from: GROQ_API_KEY, else the key you chose to keep in $BNAGPT_HOME/key.
 * The key file serves Groq's URL only, and only while no one else can read it.
 * (Pasting the key at the first run is in KeyPromptTest and TerminalChatTest.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KeyFileTest {
    private static final String FILE_KEY = "gsk_test_kept_in_the_file_000";

    @TempDir
    Path home;

    @AutoClose
    private final MockWebServer server = Clients.startedMockServer();

    @Test
    void the_environment_variable_wins_over_the_key_file() throws IOException {
        keyFile(FILE_KEY + "\n");

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString(),
                "GROQ_API_KEY", "gsk_test_from_the_environment_000"));

        assertEquals("gsk_test_from_the_environment_000", config.apiKey());
    }

    @Test
    void without_the_environment_variable_the_key_file_is_used_without_its_line_end() throws IOException {
        keyFile(FILE_KEY + "\n");

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString()));

        assertEquals(FILE_KEY, config.apiKey());
    }

    @Test
    void a_blank_environment_variable_counts_as_none() throws IOException {
        keyFile(FILE_KEY + "\n");

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString(), "GROQ_API_KEY", "  "));

        assertEquals(FILE_KEY, config.apiKey());
    }

    @Test
    void with_neither_there_is_no_key() {
        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString()));

        assertNull(config.apiKey());
    }

    @Test
    void an_empty_key_file_is_no_key() throws IOException {
        keyFile("\n");

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString()));

        assertNull(config.apiKey());
    }

    @Test
    void the_configuration_never_shows_the_key_when_printed() {
        Config config = new Config("gsk_test_not_a_real_key_000", "http://127.0.0.1:1/v1", "m");

        assertEquals("Config[baseUrl=http://127.0.0.1:1/v1, model=m, apiKey=set]", config.toString());
    }

    // ---------------------------------------------------------------------------------
    // The key file serves Groq's URL only.
    // ---------------------------------------------------------------------------------

    @Test
    void the_key_file_is_not_sent_to_the_server_of_GROQ_BASE_URL() throws Exception {
        keyFile(FILE_KEY + "\n");
        server.enqueue(GroqResponses.hello());

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString(),
                "GROQ_BASE_URL", server.url("/v1").toString()));
        new GroqClient(config).stream(List.of(Message.user("Hi")), text -> { });

        RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
        assertNotNull(request, "no request came");
        assertNull(config.apiKey());
        assertNull(request.getHeaders().get("Authorization"), request.getHeaders().toString());
    }

    @Test
    void the_key_file_is_not_sent_to_the_server_of_the_base_url_flag() throws IOException {
        keyFile(FILE_KEY + "\n");

        chat.Options options = chat.Options.parse(new String[] {"--base-url", "http://127.0.0.1:8765/v1", "Hi"},
                Map.of("BNAGPT_HOME", home.toString()));

        assertNull(options.config().apiKey());
    }

    @Test
    void a_look_alike_of_groqs_address_does_not_get_the_key_file() throws IOException {
        keyFile(FILE_KEY + "\n");

        for (String lookAlike : List.of("https://api.groq.com.example.net/openai/v1",
                "https://api.groq.com@example.net/openai/v1", "http://api.groq.com/openai/v1")) {
            Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString(), "GROQ_BASE_URL", lookAlike));

            assertNull(config.apiKey(), lookAlike);
        }
    }

    @Test
    void the_base_url_flag_back_to_groq_gets_the_key_file() throws IOException {
        keyFile(FILE_KEY + "\n");

        chat.Options options = chat.Options.parse(new String[] {"--base-url", "https://api.groq.com/openai/v1", "Hi"},
                Map.of("BNAGPT_HOME", home.toString(), "GROQ_BASE_URL", "http://127.0.0.1:8765/v1"));

        assertEquals(FILE_KEY, options.config().apiKey());
    }

    @Test
    void the_environment_variable_goes_to_any_server() {
        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString(),
                "GROQ_API_KEY", "gsk_test_from_the_environment_000", "GROQ_BASE_URL", "http://127.0.0.1:8765/v1"));

        assertEquals("gsk_test_from_the_environment_000", config.apiKey());
    }

    // ---------------------------------------------------------------------------------
    // A key file others can read is refused, as ssh refuses such a private key.
    // ---------------------------------------------------------------------------------

    @Test
    void a_key_file_others_can_read_is_refused_with_the_chmod_to_run() throws IOException {
        Path file = keyFile(FILE_KEY + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        ChatException error = assertThrows(ChatException.class,
                () -> Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString())));

        assertEquals("Your key file " + file + " is open to other users of this machine (rw-r--r--), so it was "
                + "not used. Make it yours alone with: chmod 600 " + file, error.getMessage());
    }

    @Test
    void a_key_file_its_group_can_write_is_refused_too() throws IOException {
        Path file = keyFile(FILE_KEY + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));

        ChatException error = assertThrows(ChatException.class,
                () -> Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString())));

        assertTrue(error.getMessage().endsWith("chmod 600 " + file), error.getMessage());
    }

    @Test
    void a_key_file_others_can_read_is_not_even_looked_at_for_another_server() throws IOException {
        Files.setPosixFilePermissions(keyFile(FILE_KEY + "\n"), PosixFilePermissions.fromString("rw-r--r--"));

        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString(),
                "GROQ_BASE_URL", "http://127.0.0.1:8765/v1"));

        assertNull(config.apiKey());
    }

    @Test
    void a_key_file_others_can_read_is_not_even_looked_at_for_the_server_of_the_base_url_flag() throws IOException {
        Files.setPosixFilePermissions(keyFile(FILE_KEY + "\n"), PosixFilePermissions.fromString("rw-r--r--"));

        chat.Options options = chat.Options.parse(new String[] {"--base-url", "http://127.0.0.1:8765/v1", "Hi"},
                Map.of("BNAGPT_HOME", home.toString()));

        assertNull(options.config().apiKey());
    }

    @Test
    void help_is_shown_even_when_the_key_file_would_be_refused() throws IOException {
        Files.setPosixFilePermissions(keyFile(FILE_KEY + "\n"), PosixFilePermissions.fromString("rw-r--r--"));

        chat.Options options = chat.Options.parse(new String[] {"--help"}, Map.of("BNAGPT_HOME", home.toString()));

        assertTrue(options.help());
        assertNull(options.config().apiKey(), "--help reads no key");
    }

    // ---------------------------------------------------------------------------------
    // A rejected key: the sentence says where it came from.
    // ---------------------------------------------------------------------------------

    @Test
    void a_401_for_the_key_file_names_the_file() {
        Path file = home.resolve("key");
        server.enqueue(error(401, "invalid_api_key", "Invalid API Key"));
        GroqClient client = new GroqClient(new Config(FILE_KEY, server.url("/openai/v1").toString(), Clients.MODEL,
                file), new OkHttpClient(), Clients.QUICK_RETRIES);

        ChatException error = assertThrows(ChatException.class, () -> client.stream(List.of(Message.user("Hi")),
                text -> { }));

        assertEquals("The server rejected the API key (401), which came from the key file " + file + ". Check it, "
                + "or create a new key at https://console.groq.com/keys and delete " + file + " to be asked for it.",
                error.getMessage());
    }

    @Test
    void a_401_for_the_environment_variable_names_GROQ_API_KEY() {
        server.enqueue(error(401, "invalid_api_key", "Invalid API Key"));

        ChatException error = assertThrows(ChatException.class,
                () -> Clients.of(server).stream(List.of(Message.user("Hi")), text -> { }));

        assertEquals("The server rejected the API key (401), which came from GROQ_API_KEY. Check it, or create a "
                + "new key at https://console.groq.com/keys and export it again.", error.getMessage());
        assertFalse(error.getMessage().contains(Clients.KEY));
    }

    // ---------------------------------------------------------------------------------

    /** The key file as the chat writes it: readable and writable by its owner only. */
    private Path keyFile(String text) throws IOException {
        Path file = Files.writeString(home.resolve("key"), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
