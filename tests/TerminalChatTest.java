package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.chat.Conversation;
import bnagpt.chat.ConversationStore;
import bnagpt.chat.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat in a real terminal (tmux): what only a terminal has. Ctrl-C and Ctrl-D, the
 * prompt, colours, and typing a key that must not show.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TerminalChatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalGroq groq;

    @TempDir
    Path home;
    @TempDir
    Path terminal;

    @BeforeAll
    static void startLocalGroq() throws IOException {
        assumeTrue(Tmux.installed(), "tmux is not installed: these tests need a real terminal (apt-get install tmux)");
        groq = LocalGroq.start(new LocalGroq.Options(0, 0, Clients.KEY, true));
    }

    @AfterAll
    static void stopLocalGroq() {
        if (groq != null) {
            groq.close();
        }
    }

    // ---------------------------------------------------------------------------------
    // 7. The stop button.
    // ---------------------------------------------------------------------------------

    /**
     * A slow answer (20 tokens a second, 400 of them: 20 s) is stopped with Ctrl-C once a
     * few words are on the screen; then one more question; then Ctrl-C at the prompt.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Ctrl_C_in_the_middle_of_a_slow_answer {
        Path home;
        String screenAfterTheStop;
        String screenASecondLater;
        String screenAfterTheNextAnswer;
        JsonNode nextRequest;
        JsonNode saved;
        boolean chatRunningAfterTheStop;
        String screenAtTheEnd;
        int exitStatus;

        @BeforeAll
        void stopTheAnswer(@TempDir Path home, @TempDir Path terminal) throws Exception {
            this.home = home;
            try (Tmux tmux = Tmux.start(terminal, environment(home))) {
                tmux.waitForPrompt();
                tmux.type("Tell me a long story #mock:tps=20 #mock:tokens=400");
                tmux.press("Enter");
                tmux.waitForText("The quick brown fox jumps");
                tmux.press("C-c");
                screenAfterTheStop = tmux.waitFor(
                        screen -> screen.contains("You stopped the answer.") && Tmux.lastLine(screen).equals("you>"),
                        "the stop and the next prompt", Duration.ofSeconds(30));
                Thread.sleep(1000);
                screenASecondLater = tmux.screen();
                chatRunningAfterTheStop = tmux.chatRunning();

                tmux.type("And then?");
                tmux.press("Enter");
                tmux.waitForText("You said \"And then?\".");
                screenAfterTheNextAnswer = tmux.waitForPrompt();
                nextRequest = JSON.readTree(groq.lastRequestBody());
                saved = savedConversation(home);

                tmux.press("C-c");
                exitStatus = tmux.waitForExit();
                screenAtTheEnd = tmux.screen();
            }
        }

        @Test
        void the_answer_stops_growing() {
            assertEquals(screenAfterTheStop, screenASecondLater);
            int words = screenAfterTheStop.split("fox", -1).length - 1;
            assertTrue(words < 40, "400 tokens hold 40 foxes; the screen showed " + words);
        }

        @Test
        void it_says_you_stopped_the_answer() {
            assertTrue(screenAfterTheStop.contains("You stopped the answer. What arrived is kept."), screenAfterTheStop);
        }

        @Test
        void the_chat_goes_on() {
            assertTrue(chatRunningAfterTheStop);
            assertTrue(screenAfterTheNextAnswer.contains("You said \"And then?\". This is message 2 of our conversation; "
                    + "your first message was \"Tell me a long story\"."), screenAfterTheNextAnswer);
        }

        @Test
        void the_next_request_holds_the_stopped_answer() {
            JsonNode messages = nextRequest.path("messages");
            assertEquals(3, messages.size(), messages.toString());
            assertEquals("assistant", messages.get(1).path("role").asText());
            assertEquals(saved.path("messages").get(1).path("content").asText(), messages.get(1).path("content").asText());
        }

        @Test
        void the_saved_file_keeps_the_partial_answer_marked_cut() {
            JsonNode answer = saved.path("messages").get(1);
            assertTrue(answer.path("cut").asBoolean(), answer.toString());
            assertTrue(answer.path("content").asText().startsWith("The quick brown fox jumps"), answer.toString());
            assertTrue(answer.path("content").asText().split("fox", -1).length - 1 < 40, answer.toString());
        }

        @Test
        void ctrl_c_at_the_prompt_ends_the_chat_and_says_where_it_is_saved() {
            assertEquals(0, exitStatus, screenAtTheEnd);
            assertTrue(screenAtTheEnd.contains("Saved as " + saved.path("id").asText() + "."), screenAtTheEnd);
        }
    }

    @Test
    void ctrl_c_stops_the_answer_to_a_single_question_keeps_it_and_exits_with_130() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, environment(home), "Tell me a long story #mock:tps=20 #mock:tokens=400")) {
            tmux.waitForText("The quick brown fox jumps");

            tmux.press("C-c");

            assertEquals(130, tmux.waitForExit(), tmux.screen());
            assertTrue(tmux.screen().contains("You stopped the answer. What arrived is kept."), tmux.screen());
            assertTrue(savedConversation(home).path("messages").get(1).path("cut").asBoolean());
        }
    }

    @Test
    void ctrl_d_at_the_prompt_ends_the_chat_and_says_where_it_is_saved() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, environment(home))) {
            tmux.waitForPrompt();
            tmux.type("Hello");
            tmux.press("Enter");
            tmux.waitForText("You said \"Hello\".");
            tmux.waitForPrompt();

            tmux.press("C-d");

            assertEquals(0, tmux.waitForExit(), tmux.screen());
            assertTrue(tmux.screen().contains("Saved as " + savedConversation(home).path("id").asText() + "."),
                    tmux.screen());
        }
    }

    // ---------------------------------------------------------------------------------
    // Continuing a conversation, and colours.
    // ---------------------------------------------------------------------------------

    @Test
    void continuing_shows_the_history_above_the_prompt() throws Exception {
        Conversation mars = new Conversation("20260101-100000-mars", Instant.parse("2026-01-01T10:00:00Z"));
        mars.add(Message.user("Tell me about Mars"));
        mars.add(Message.assistant("Mars is red."));
        new ConversationStore(home).save(mars);

        try (Tmux tmux = Tmux.start(terminal, environment(home), "-c")) {
            List<String> lines = tmux.waitForPrompt().strip().lines().toList();

            assertEquals(List.of("  you: Tell me about Mars", "  bnaGPT: Mars is red.", "you>"),
                    lines.subList(lines.size() - 3, lines.size()));
        }
    }

    @Test
    void on_a_terminal_the_chat_has_colours() throws Exception {
        Map<String, String> colours = new HashMap<>(environment(home));
        colours.remove("NO_COLOR");

        try (Tmux tmux = Tmux.start(terminal, colours)) {
            tmux.waitForPrompt();

            assertTrue(tmux.screenWithEscapes().contains("\033["), tmux.screenWithEscapes());
        }
    }

    @Test
    void with_NO_COLOR_set_the_terminal_shows_no_escape_sequences() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, environment(home))) {
            tmux.waitForPrompt();
            tmux.type("Hello");
            tmux.press("Enter");
            tmux.waitForText("You said \"Hello\".");
            tmux.waitForPrompt();

            assertFalse(tmux.screenWithEscapes().contains("\033"), tmux.screenWithEscapes());
        }
    }

    // ---------------------------------------------------------------------------------
    // Line editing (JLine): what a shell's prompt does.
    // ---------------------------------------------------------------------------------

    @Test
    void the_arrows_and_Home_move_in_the_line_before_it_is_sent() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, environment(home), "-q")) {
            tmux.waitForPrompt();

            tmux.type("ello wrld");
            tmux.press("Left");
            tmux.press("Left");
            tmux.press("Left");
            tmux.type("o");
            tmux.press("Home");
            tmux.type("H");
            tmux.press("Enter");

            tmux.waitForText("You said \"Hello world\".");
        }
    }

    @Test
    void up_brings_back_a_message_of_an_earlier_chat_kept_in_a_history_file_for_its_owner_only() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, environment(home), "-q")) {
            tmux.waitForPrompt();
            tmux.type("Tell me about Mars");
            tmux.press("Enter");
            tmux.waitForText("You said \"Tell me about Mars\".");
            tmux.waitForPrompt();
            tmux.press("C-d");
            tmux.waitForExit();
        }
        Path history = home.resolve("history");
        assertTrue(Files.readString(history).contains("Tell me about Mars"), Files.readString(history));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(history)));

        try (Tmux tmux = Tmux.start(Files.createDirectory(terminal.resolve("again")), environment(home), "-q")) {
            tmux.waitForPrompt();

            tmux.press("Up");
            tmux.press("Enter");

            tmux.waitForText("You said \"Tell me about Mars\". This is the first message of our conversation.");
        }
    }

    @Test
    void ctrl_r_finds_an_earlier_message_by_a_part_of_it() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, environment(home), "-q")) {
            tmux.waitForPrompt();
            for (String message : List.of("Tell me about Mars", "Hello")) {
                tmux.type(message);
                tmux.press("Enter");
                tmux.waitForText("You said \"" + message + "\".");
                tmux.waitForPrompt();
            }

            tmux.press("C-r");
            tmux.type("Mar");
            tmux.press("Enter");

            tmux.waitForText("You said \"Tell me about Mars\". This is message 3 of our conversation;");
        }
    }

    @Test
    void ctrl_l_clears_the_screen_and_a_command_typed_after_it_is_still_a_command() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, environment(home), "-q")) {
            tmux.waitForPrompt();
            tmux.type("Hello");
            tmux.press("Enter");
            tmux.waitForText("You said \"Hello\".");
            tmux.waitForPrompt();

            tmux.press("C-l");
            String cleared = tmux.window();
            for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    !cleared.strip().equals("you>") && System.nanoTime() < deadline; cleared = tmux.window()) {
                Thread.sleep(25);
            }
            int requests = groq.requestCount();
            tmux.type("/history");
            tmux.press("Enter");

            assertEquals("you>", cleared.strip(), cleared);
            tmux.waitForText("  you: Hello");
            assertEquals(requests, groq.requestCount(), "/history was sent as a message");
        }
    }

    @Test
    void lines_between_two_triple_quote_lines_are_still_one_message() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, environment(home), "-q")) {
            tmux.waitForPrompt();
            for (String line : List.of("\"\"\"", "Roses are red,", "violets are blue.", "\"\"\"")) {
                tmux.type(line);
                tmux.press("Enter");
            }

            tmux.waitForText("You said \"Roses are red,\nviolets are blue.\". This is the first message");
        }
    }

    // ---------------------------------------------------------------------------------
    // Text from outside is shown, never obeyed: its control characters are made visible.
    // ---------------------------------------------------------------------------------

    /** The local server says back what it was told: here, a window title and a screen clear. */
    @Test
    void escape_sequences_in_an_answer_are_shown_as_text() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, environment(home), "-q",
                "Set the title \033]0;pwned\007 and clear the screen \033[2J now")) {
            tmux.waitForExit();

            assertTrue(tmux.screen().contains("You said \"Set the title ^[]0;pwned^G and clear the screen ^[[2J now\"."),
                    tmux.screen());
            assertFalse(tmux.screenWithEscapes().contains("\033"), tmux.screenWithEscapes());
        }
    }

    @Test
    void a_saved_conversation_shows_its_escape_sequences_as_text_when_continued_and_listed() throws Exception {
        Conversation planted = new Conversation("20260101-100000-link", Instant.parse("2026-01-01T10:00:00Z"));
        planted.add(Message.user("Open \033]8;;http://127.0.0.1/x\033\\this link\033]8;;\033\\"));
        planted.add(Message.assistant("Cleared\033[2J\033[H and \u009b31m red"));
        new ConversationStore(home).save(planted);

        try (Tmux tmux = Tmux.start(terminal, environment(home), "-c")) {
            tmux.waitForPrompt();
            tmux.type("/list");
            tmux.press("Enter");
            tmux.waitForText("20260101-100000-link  Open");
            tmux.waitForPrompt();

            String screen = tmux.screen();
            assertTrue(screen.contains("  you: Open ^[]8;;http://127.0.0.1/x^[\\this link^[]8;;^[\\"), screen);
            assertTrue(screen.contains("  bnaGPT: Cleared^[[2J^[[H and <U+009B>31m red"), screen);
            assertTrue(screen.contains("20260101-100000-link  Open ^[]8;;http://127.0.0.1/x^[\\this link"), screen);
            assertFalse(tmux.screenWithEscapes().contains("\033"), tmux.screenWithEscapes());
        }
    }

    // ---------------------------------------------------------------------------------
    // 6. The first run without a key. GROQ_BASE_URL is not set, so the chat would talk to
    // api.groq.com: these runs type nothing that has the shape of a Groq key, so nothing is
    // sent (KeyPromptTest checks a pasted key with a local server), and they ask for a
    // conversation that does not exist, and end on that before anything is sent.
    // ---------------------------------------------------------------------------------

    private static final String MISTYPED_KEY = "sk-proj-typed-here-not-a-groq-key";

    @Test
    void the_key_typed_at_the_prompt_does_not_show_and_a_mistyped_one_is_neither_sent_nor_kept() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, Map.of("BNAGPT_HOME", home.toString(), "TERM", "screen", "NO_COLOR", "1"),
                "--conversation", "none-yet", "Hello")) {
            tmux.waitForText("Paste it here (it will not show), or press Enter to quit:");
            tmux.type(MISTYPED_KEY);
            Thread.sleep(300);
            String whileTyping = tmux.screen();
            tmux.press("Enter");
            tmux.waitForText("That is not a Groq key");
            tmux.press("Enter");
            tmux.waitForExit();

            assertFalse(whileTyping.contains(MISTYPED_KEY.substring(0, 8)), whileTyping);
            assertFalse(tmux.screen().contains(MISTYPED_KEY.substring(0, 8)), tmux.screen());
            assertTrue(tmux.screen().contains("That is not a Groq key: they start with gsk_, then some fifty letters "
                    + "and digits. Nothing was sent or kept."), tmux.screen());
            assertFalse(Files.exists(home.resolve("key")));
        }
    }

    @Test
    void enter_without_a_key_ends_with_no_key_no_chat() throws Exception {
        try (Tmux tmux = Tmux.start(terminal, Map.of("BNAGPT_HOME", home.toString(), "TERM", "screen", "NO_COLOR", "1"),
                "--conversation", "none-yet", "Hello")) {
            tmux.waitForText("Paste it here (it will not show), or press Enter to quit:");

            tmux.press("Enter");

            assertEquals(1, tmux.waitForExit());
            assertTrue(tmux.screen().contains("No key, no chat."), tmux.screen());
            assertFalse(Files.exists(home.resolve("key")));
        }
    }

    // ---------------------------------------------------------------------------------

    /** The chat against the local server, with the fake key it accepts, and no colours. */
    private static Map<String, String> environment(Path home) {
        return Map.of("GROQ_BASE_URL", groq.baseUrl(), "GROQ_API_KEY", Clients.KEY,
                "BNAGPT_HOME", home.toString(), "TERM", "screen", "NO_COLOR", "1");
    }

    /** The one conversation saved in home. */
    private static JsonNode savedConversation(Path home) throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("conversations"))) {
            List<Path> saved = files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
            assertEquals(1, saved.size(), saved.toString());
            return JSON.readTree(saved.get(0).toFile());
        }
    }
}
