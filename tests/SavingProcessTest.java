package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.chat.Conversation;
import bnagpt.chat.ConversationStore;
import bnagpt.chat.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving, as the chat's users meet it: a save that fails says so, the run goes on, and it
 * ends with status 1; two chats continuing one conversation both keep their turns. The chat
 * runs as a process (a chat in a real terminal, tmux, where it must be one) against the
 * local server.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SavingProcessTest {
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;
    @TempDir
    Path terminal;

    // ---------------------------------------------------------------------------------
    // A failed save: the answer is there, a sentence says it is not saved, status 1.
    // ---------------------------------------------------------------------------------

    @Test
    void a_question_whose_save_fails_is_answered_then_ends_with_status_1() throws Exception {
        Path inTheWay = Files.writeString(home.resolve("conversations"), "a file where the folder should be");

        ChatCommand.Result run = ChatCommand.run(environment(), "", "-q", "Hi there");

        assertEquals("You said \"Hi there\". This is the first message of our conversation.\n", run.stdout());
        assertEquals("Could not save the conversation in " + inTheWay + " (a file is in the way: " + inTheWay
                + "), so it is not saved.\n", run.stderr());
        assertEquals(1, run.exitCode());
    }

    @Test
    void in_a_chat_a_failed_save_is_said_the_chat_goes_on_and_it_ends_with_status_1() throws Exception {
        assumeTrue(Tmux.installed(), "tmux is not installed: this test needs a real terminal (apt-get install tmux)");
        Files.writeString(home.resolve("conversations"), "a file where the folder should be");

        try (Tmux tmux = Tmux.start(terminal, withTerm(environment()))) {
            tmux.waitForPrompt();
            tmux.type("Hello");
            tmux.press("Enter");
            tmux.waitForText("The chat goes on; unless a later save works, it will end with status 1.");
            tmux.waitForPrompt();
            tmux.type("Still there?");
            tmux.press("Enter");
            tmux.waitForText("You said \"Still there?\". This is message 2");
            tmux.waitForPrompt();
            tmux.press("C-d");

            assertEquals(1, tmux.waitForExit(), tmux.screen());
            assertFalse(tmux.screen().contains("Saved as"), tmux.screen());
        }
    }

    // ---------------------------------------------------------------------------------
    // Two chats continue one conversation.
    // ---------------------------------------------------------------------------------

    @Test
    void two_chats_continuing_one_conversation_both_keep_their_turns() throws Exception {
        assumeTrue(Tmux.installed(), "tmux is not installed: this test needs a real terminal (apt-get install tmux)");
        Conversation mars = new Conversation("20260101-100000-mars", Instant.parse("2026-01-01T10:00:00Z"));
        mars.add(Message.user("Tell me about Mars"));
        mars.add(Message.assistant("Mars is red."));
        ConversationStore store = new ConversationStore(home);
        store.save(mars);

        try (Tmux tmux = Tmux.start(terminal, withTerm(environment()), "-c")) {
            tmux.waitForPrompt(); // this chat has read the conversation
            ChatCommand.Result other = ChatCommand.run(environment(), "", "-q", "-c", "From the other chat");
            assertEquals(0, other.exitCode(), other.stderr());
            tmux.type("From this chat");
            tmux.press("Enter");
            String screen = tmux.waitForText("Both are kept");
            tmux.waitForPrompt();
            tmux.press("C-d");
            tmux.waitForExit();

            List<String> lines = store.list();
            assertEquals(2, lines.size(), lines.toString());
            String branch = lines.stream().map(line -> line.split(" ")[0])
                    .filter(id -> !id.equals("20260101-100000-mars")).findFirst().orElseThrow();
            assertTrue(screen.contains("Another chat saved conversation 20260101-100000-mars after this one read it. "
                    + "Both are kept: 20260101-100000-mars as the other chat left it, and this chat as " + branch + "."),
                    screen);
            assertEquals(List.of("Tell me about Mars", "Mars is red.", "From the other chat"),
                    contents(store.load("20260101-100000-mars")).subList(0, 3));
            assertEquals(List.of("Tell me about Mars", "Mars is red.", "From this chat"),
                    contents(store.load(branch)).subList(0, 3));
            assertTrue(tmux.screen().contains("Saved as " + branch + "."), tmux.screen());
        }
    }

    // ---------------------------------------------------------------------------------

    private Map<String, String> environment() {
        return Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", home.toString(), "NO_COLOR", "1");
    }

    private static Map<String, String> withTerm(Map<String, String> env) {
        Map<String, String> withTerm = new java.util.HashMap<>(env);
        withTerm.put("TERM", "screen");
        return withTerm;
    }

    private static List<String> contents(Conversation conversation) {
        return conversation.messages().stream().map(Message::content).toList();
    }
}
