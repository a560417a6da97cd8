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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saved conversations can be removed and renamed: from the command line (--list, --delete ID,
 * --rename ID TITLE, with no key and no server needed) and in a chat (/delete, /rename). The
 * chat runs as a process, and once in a real terminal (tmux) as a user types.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DeleteRenameTest {
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;
    @TempDir
    Path terminal;

    private Conversation saved(String question) {
        Conversation conversation = new Conversation();
        conversation.add(Message.user(question));
        conversation.add(Message.assistant("An answer to: " + question));
        new ConversationStore(home).save(conversation);
        return conversation;
    }

    /** No key and no server: these only touch the saved files. */
    private Map<String, String> offline() {
        return Map.of("BNAGPT_HOME", home.toString(), "NO_COLOR", "1");
    }

    @Test
    void list_prints_the_saved_conversations_on_stdout_without_a_key() throws Exception {
        Conversation rome = saved("Plan a trip to Rome");

        ChatCommand.Result run = ChatCommand.run(offline(), "", "--list");

        assertEquals(rome.id() + "  Plan a trip to Rome\n", run.stdout());
        assertEquals(0, run.exitCode(), run.stderr());
    }

    @Test
    void delete_id_removes_that_conversation_and_says_so() throws Exception {
        Conversation rome = saved("Plan a trip to Rome");
        Conversation oslo = saved("Plan a trip to Oslo");

        ChatCommand.Result run = ChatCommand.run(offline(), "", "--delete", rome.id());

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("Deleted conversation " + rome.id() + " (Plan a trip to Rome).\n", run.stderr());
        assertEquals(List.of(oslo.id() + "  Plan a trip to Oslo"), new ConversationStore(home).list());
    }

    @Test
    void delete_of_an_id_that_is_not_saved_says_so_and_removes_nothing() throws Exception {
        saved("Plan a trip to Rome");

        ChatCommand.Result run = ChatCommand.run(offline(), "", "--delete", "../key");

        assertEquals(1, run.exitCode());
        assertEquals("There is no saved conversation \"../key\". See them with --list (or /list in a chat).\n",
                run.stderr());
        assertEquals(1, new ConversationStore(home).list().size());
    }

    @Test
    void rename_id_title_gives_it_a_title_that_stays_when_the_conversation_goes_on() throws Exception {
        Conversation rome = saved("Plan a trip to Rome");

        ChatCommand.Result run = ChatCommand.run(offline(), "", "--rename", rome.id(), "Holiday", "2027");
        ChatCommand.Result more = ChatCommand.run(Map.of("BNAGPT_HOME", home.toString(), "NO_COLOR", "1",
                "GROQ_BASE_URL", groq.baseUrl()), "", "-q", "-c", "And then Naples?");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("Renamed conversation " + rome.id() + ": Holiday 2027.\n", run.stderr());
        assertEquals(0, more.exitCode(), more.stderr());
        assertEquals(List.of(rome.id() + "  Holiday 2027"), new ConversationStore(home).list());
        assertEquals(4, new ConversationStore(home).load(rome.id()).messages().size());
    }

    @Test
    void rename_without_a_title_is_refused() throws Exception {
        Conversation rome = saved("Plan a trip to Rome");

        ChatCommand.Result run = ChatCommand.run(offline(), "", "--rename", rome.id());

        assertEquals(2, run.exitCode());
        assertEquals("--rename ID needs the new title after the ID, as in --rename " + rome.id()
                + " \"Trip to Rome\".\n", run.stderr());
    }

    @Test
    void in_a_chat_rename_titles_this_conversation_and_delete_removes_it_and_starts_a_new_one() throws Exception {
        Map<String, String> env = new HashMap<>(offline());
        env.put("GROQ_BASE_URL", groq.baseUrl());

        ChatCommand.Result run = ChatCommand.run(env, "Plan a trip to Rome\n/rename Holiday 2027\n/list\n"
                + "/delete\n/list\n", "-q", "--repl");

        assertEquals(0, run.exitCode(), run.stderr());
        List<String> lines = run.stderr().lines().toList();
        assertTrue(lines.get(0).startsWith("Renamed conversation "), run.stderr());
        assertTrue(lines.get(1).endsWith("  Holiday 2027"), run.stderr());
        assertTrue(lines.get(2).startsWith("Deleted conversation ") && lines.get(2).endsWith(" (Holiday 2027). "
                + "A new conversation begins."), run.stderr());
        assertEquals("No saved conversations yet.", lines.get(3));
        assertEquals(List.of(), new ConversationStore(home).list());
    }

    @Test
    void in_a_terminal_rename_and_delete_as_a_user_types_them() throws Exception {
        assumeTrue(Tmux.installed(), "tmux is not installed: this test needs a real terminal (apt-get install tmux)");
        Conversation oslo = saved("Plan a trip to Oslo");
        Map<String, String> env = new HashMap<>(offline());
        env.put("GROQ_BASE_URL", groq.baseUrl());
        env.put("TERM", "screen");

        try (Tmux tmux = Tmux.start(terminal, env)) {
            tmux.waitForPrompt();
            tmux.type("Plan a trip to Rome");
            tmux.press("Enter");
            tmux.waitForText("You said \"Plan a trip to Rome\"");
            tmux.waitForPrompt();
            tmux.type("/rename Rome in spring");
            tmux.press("Enter");
            tmux.waitForText(": Rome in spring.");
            tmux.waitForPrompt();
            tmux.type("/delete " + oslo.id());
            tmux.press("Enter");
            tmux.waitForText("Deleted conversation " + oslo.id() + " (Plan a trip to Oslo).");
            tmux.waitForPrompt();
            tmux.type("/list");
            tmux.press("Enter");
            String screen = tmux.waitForText("  Rome in spring");
            tmux.waitForPrompt();
            tmux.press("C-d");
            assertEquals(0, tmux.waitForExit(), screen);
        }

        List<String> left = new ConversationStore(home).list();
        assertEquals(1, left.size(), left.toString());
        assertTrue(left.get(0).endsWith("  Rome in spring"));
        assertFalse(Files.exists(home.resolve("conversations/" + oslo.id() + ".json")));
    }
}
