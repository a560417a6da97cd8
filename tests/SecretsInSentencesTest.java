package bnagpt;

import static bnagpt.GroqResponses.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ChatException;
import bnagpt.chat.Config;
import bnagpt.chat.GroqClient;
import bnagpt.chat.Message;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sentences about a failure never show a secret: not a key that cannot go into a header (a
 * line break, a letter outside ASCII), nor the "user:password@" written into a server's
 * address.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SecretsInSentencesTest {
    private static final List<Message> HI = List.of(Message.user("Hi"));

    @AutoClose
    private final MockWebServer server = Clients.startedMockServer();

    @TempDir
    Path home;

    // ---------------------------------------------------------------------------------
    // A key with a character no key has.
    // ---------------------------------------------------------------------------------

    @Test
    void a_key_with_a_line_break_gives_a_sentence_that_names_GROQ_API_KEY_and_not_the_key() {
        Config config = Config.fromEnvironment(Map.of("GROQ_API_KEY", "gsk_test_first_half\ngsk_test_second_half",
                "GROQ_BASE_URL", server.url("/openai/v1").toString(), "BNAGPT_HOME", home.toString()));

        ChatException error = assertThrows(ChatException.class, () -> new GroqClient(config));

        assertEquals("The API key in GROQ_API_KEY has a character no key has (a line break, a space, or a letter "
                + "outside plain ASCII). Copy it again from https://console.groq.com/keys.", error.getMessage());
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void a_key_with_a_letter_outside_ascii_gives_the_same_sentence() {
        Config config = new Config("gsk_test_clé_not_real_000", server.url("/openai/v1").toString(), Clients.MODEL);

        ChatException error = assertThrows(ChatException.class, () -> new GroqClient(config));

        assertTrue(error.getMessage().startsWith("The API key in GROQ_API_KEY has a character no key has"),
                error.getMessage());
        assertFalse(error.getMessage().contains("gsk_test"), error.getMessage());
    }

    @Test
    void a_key_file_with_two_lines_gives_a_sentence_that_names_the_file() throws IOException {
        Path file = Files.writeString(home.resolve("key"), "gsk_test_first_not_real_000\ngsk_test_second_not_real\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Config config = Config.fromEnvironment(Map.of("BNAGPT_HOME", home.toString()));

        ChatException error = assertThrows(ChatException.class, () -> new GroqClient(config));

        assertTrue(error.getMessage().startsWith("The API key in the key file " + file + " has a character no key"),
                error.getMessage());
        assertFalse(error.getMessage().contains("gsk_test"), error.getMessage());
    }

    // ---------------------------------------------------------------------------------
    // user:password@ in GROQ_BASE_URL.
    // ---------------------------------------------------------------------------------

    @Test
    void a_server_that_is_not_there_is_named_without_its_password() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        GroqClient client = Clients.of("http://alice:s3cret-pw@127.0.0.1:" + closedPort + "/v1", Clients.KEY,
                Clients.MODEL, Clients.QUICK_RETRIES);
        RecordingListener retries = new RecordingListener();

        ChatException error = assertThrows(ChatException.class, () -> client.stream(HI, retries));

        assertTrue(error.getMessage().startsWith("Could not reach http://127.0.0.1:" + closedPort + "/v1 ("),
                error.getMessage());
        assertFalse(error.getMessage().contains("s3cret") || error.getMessage().contains("alice"), error.getMessage());
        assertFalse(retries.retries.toString().contains("s3cret"), retries.retries.toString());
    }

    @Test
    void a_404_names_the_server_without_its_password() {
        server.enqueue(error(404, "unknown_url", "Unknown request URL"));
        String withPassword = server.url("/v1").toString().replace("http://", "http://alice:s3cret-pw@");
        GroqClient client = Clients.of(withPassword, Clients.KEY, Clients.MODEL, Clients.QUICK_RETRIES);

        ChatException error = assertThrows(ChatException.class, () -> client.stream(HI, text -> { }));

        assertTrue(error.getMessage().startsWith("Nothing answers at " + server.url("/v1") + " (404)."),
                error.getMessage());
        assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
    }

    @Test
    void an_address_that_is_not_one_is_shown_without_its_password() {
        GroqClient client = Clients.of("htp:/alice:s3cret-pw@127.0.0.1/v1", Clients.KEY, Clients.MODEL,
                Clients.QUICK_RETRIES);
        GroqClient noScheme = Clients.of("alice:s3cret-pw@127.0.0.1/v1", Clients.KEY, Clients.MODEL,
                Clients.QUICK_RETRIES);

        for (GroqClient broken : List.of(client, noScheme)) {
            ChatException error = assertThrows(ChatException.class, () -> broken.stream(HI, text -> { }));

            assertTrue(error.getMessage().contains("is not a web address"), error.getMessage());
            assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
        }
    }

    @Test
    void the_configuration_shows_the_server_without_its_password() {
        Config config = new Config(null, "http://alice:s3cret-pw@127.0.0.1:8765/v1", Clients.MODEL);

        assertEquals("Config[baseUrl=http://127.0.0.1:8765/v1, model=" + Clients.MODEL + ", apiKey=none]",
                config.toString());
    }
}
