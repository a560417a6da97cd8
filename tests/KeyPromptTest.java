package bnagpt;

import static bnagpt.GroqResponses.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ChatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first run without a key, on a terminal: the key pasted at the prompt is kept in
 * $BNAGPT_HOME/key only once it has the shape of a Groq key and the server accepted it
 * (GET /models). Here the "server" is MockWebServer, and what is typed comes from a list.
 * (That the key does not show as it is typed is in TerminalChatTest, in a real terminal.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KeyPromptTest {
    private static final String GOOD_KEY = "gsk_test_pasted_not_a_real_key_000";
    private static final String OTHER_KEY = "gsk_test_pasted_again_not_real_000";

    @TempDir
    Path home;

    @AutoClose
    private final MockWebServer server = Clients.startedMockServer();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final chat.Terminal terminal = new chat.Terminal(new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(stderr, true, StandardCharsets.UTF_8), true, false);

    @Test
    void a_key_the_server_accepts_is_kept_for_its_owner_only() throws Exception {
        server.enqueue(models());

        String key = ask(GOOD_KEY);

        assertEquals(GOOD_KEY, key);
        RecordedRequest check = server.takeRequest(10, TimeUnit.SECONDS);
        assertNotNull(check, "the key was not checked");
        assertEquals("/openai/v1/models", check.getUrl().encodedPath());
        assertEquals("Bearer " + GOOD_KEY, check.getHeaders().get("Authorization"));
        assertEquals(GOOD_KEY + "\n", Files.readString(home.resolve("key")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("key"))));
        assertTrue(said().contains("Groq accepted the key. Kept in " + home.resolve("key") + ", readable only by you."),
                said());
    }

    @Test
    void a_key_of_the_wrong_shape_is_refused_before_anything_is_sent_and_asked_again() {
        ChatException error = assertThrows(ChatException.class, () -> ask("sk-proj-this-is-an-openai-key", ""));

        assertEquals(0, server.getRequestCount());
        assertTrue(said().contains("That is not a Groq key: they start with gsk_, then some fifty letters and digits. "
                + "Nothing was sent or kept."), said());
        assertEquals(2, said().split("Paste it here", -1).length - 1, said());
        assertTrue(error.getMessage().startsWith("No key, no chat."), error.getMessage());
        assertFalse(Files.exists(home.resolve("key")));
        assertFalse(said().contains("sk-proj"), said());
    }

    @Test
    void a_key_the_server_refuses_is_not_kept_and_the_next_one_is() throws Exception {
        server.enqueue(error(401, "invalid_api_key", "Invalid API Key"));
        server.enqueue(models());

        String key = ask(GOOD_KEY, OTHER_KEY);

        assertEquals(OTHER_KEY, key);
        assertTrue(said().contains("Groq did not accept that key (401): it may be mistyped, or revoked. "
                + "It was not kept."), said());
        assertEquals(OTHER_KEY + "\n", Files.readString(home.resolve("key")));
        assertFalse(said().contains(GOOD_KEY.substring(0, 8)), said());
    }

    @Test
    void three_refused_keys_end_the_run_with_nothing_kept() {
        ChatException error = assertThrows(ChatException.class, () -> ask("nope", "still nope", "gsk_"));

        assertTrue(error.getMessage().startsWith("No key was kept after three tries."), error.getMessage());
        assertFalse(Files.exists(home.resolve("key")));
    }

    @Test
    void a_key_that_cannot_be_checked_serves_this_run_only() throws IOException {
        server.close(); // nothing answers any more

        String key = ask(GOOD_KEY);

        assertEquals(GOOD_KEY, key);
        assertTrue(said().contains("Could not check the key: Could not reach "), said());
        assertTrue(said().contains("It serves this run only, and was not kept."), said());
        assertFalse(Files.exists(home.resolve("key")));
    }

    // ---------------------------------------------------------------------------------

    /** Runs the prompt with these lines typed, one per question; past the last, Enter alone. */
    private String ask(String... typed) {
        Deque<String> lines = new ArrayDeque<>(List.of(typed));
        return chat.KeyFile.askAndRemember(home, server.url("/openai/v1").toString(), terminal,
                () -> lines.isEmpty() ? new char[0] : lines.removeFirst().toCharArray());
    }

    private String said() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    private static MockResponse models() {
        return new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body("{\"object\":\"list\",\"data\":[{\"id\":\"openai/gpt-oss-120b\",\"active\":true,"
                        + "\"context_window\":131072}]}")
                .build();
    }
}
