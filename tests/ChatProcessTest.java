package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat as its users run it: ./jbang 101s/chat.java, a process of its own, against the
 * local Groq-compatible server (scripts/LocalGroq.java). Its answers are predictable:
 * You said "<last message>". This is message <n> of our conversation; your first message
 * was "<first>". Words like #mock:cut=3 in a message make it misbehave on purpose.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ChatProcessTest {
    /** Started with the class, stopped by JUnit after its last test. */
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    /** BNAGPT_HOME: conversations, and any key file, stay out of the real ~/.bnagpt. */
    @TempDir
    static Path home;

    @Test
    void one_question_prints_the_answer_alone_on_stdout() throws Exception {
        ChatCommand.Result run = chat("", "-q", "Hi there");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("You said \"Hi there\". This is the first message of our conversation.\n", run.stdout());
        assertEquals("", run.stderr());
    }

    @Test
    void a_chat_reads_one_message_per_line_and_remembers_the_conversation() throws Exception {
        ChatCommand.Result run = chat("first\nsecond\nthird\n", "--repl");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("""
                You said "first". This is the first message of our conversation.
                You said "second". This is message 2 of our conversation; your first message was "first".
                You said "third". This is message 3 of our conversation; your first message was "first".
                """, run.stdout());
    }

    @Test
    void exit_ends_the_chat_before_the_next_line() throws Exception {
        ChatCommand.Result run = chat("hello\n/exit\nnever sent\n", "--repl");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("You said \"hello\". This is the first message of our conversation.\n", run.stdout());
    }

    @Test
    void a_retired_model_fails_with_one_sentence_and_no_stack_trace() throws Exception {
        ChatCommand.Result run = chat("", "-m", "llama3-70b-8192", "Hi");

        assertNotEquals(0, run.exitCode());
        assertEquals("", run.stdout());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
        assertTrue(run.stderr().contains("\"llama3-70b-8192\" has been retired"), run.stderr());
        assertFalse(run.stderr().contains("Exception"), run.stderr());
        assertFalse(run.stderr().contains("at bnagpt."), run.stderr());
    }

    @Test
    void a_retired_model_in_a_chat_names_the_current_models_and_the_chat_goes_on_after_switching() throws Exception {
        ChatCommand.Result run = chat("Hi\n/model openai/gpt-oss-20b\nHi again\n", "--repl", "-m", "llama3-70b-8192");

        assertTrue(run.stderr().contains("\"llama3-70b-8192\" has been retired"), run.stderr());
        assertTrue(run.stderr().contains("Models you can use now: "), run.stderr());
        assertTrue(run.stderr().contains("openai/gpt-oss-20b"), run.stderr());
        assertTrue(run.stderr().contains("/model NAME"), run.stderr());
        assertEquals("You said \"Hi again\". This is the first message of our conversation.\n", run.stdout());
        assertEquals(0, run.exitCode(), run.stderr());
    }

    @Test
    void without_a_key_for_groq_it_says_how_to_get_one() throws Exception {
        Map<String, String> noKeyNoServer = Map.of("BNAGPT_HOME", home.toString(), "NO_COLOR", "1");

        ChatCommand.Result run = ChatCommand.run(noKeyNoServer, "", "Hi");

        assertNotEquals(0, run.exitCode());
        assertEquals("", run.stdout());
        assertTrue(run.stderr().contains("GROQ_API_KEY"), run.stderr());
        assertTrue(run.stderr().contains("https://console.groq.com/keys"), run.stderr());
    }

    @Test
    void a_cut_answer_keeps_what_arrived_on_stdout_and_says_it_was_cut() throws Exception {
        ChatCommand.Result run = chat("", "Tell me a story #mock:cut=3");

        assertEquals(1, run.exitCode());
        assertEquals("You said \"Tell\n", run.stdout());
        assertTrue(run.stderr().contains("cut"), run.stderr());
    }

    @Test
    void help_prints_the_usage_and_exits_0() throws Exception {
        ChatCommand.Result run = chat("", "--help");

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("Usage:"), run.stdout());
    }

    @Test
    void list_models_prints_the_models_of_the_server() throws Exception {
        ChatCommand.Result run = chat("", "--list-models");

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().lines().anyMatch(line -> line.startsWith("openai/gpt-oss-120b ")), run.stdout());
    }

    // ---------------------------------------------------------------------------------
    // Piped input is one prompt (--repl reads it a line at a time, as above).
    // ---------------------------------------------------------------------------------

    @Test
    void piped_input_is_one_question_however_many_lines_it_has() throws Exception {
        int requests = groq.requestCount();

        ChatCommand.Result run = chat("review this diff:\n--- a/x\n+++ b/x\n", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(requests + 1, groq.requestCount());
        assertEquals("You said \"review this diff:\n--- a/x\n+++ b/x\". This is the first message of our "
                + "conversation.\n", run.stdout());
    }

    @Test
    void piped_input_comes_after_the_question_given_as_an_argument_and_a_blank_line() throws Exception {
        int requests = groq.requestCount();

        ChatCommand.Result run = chat("--- a/x\n+++ b/x\n", "-q", "review this");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(requests + 1, groq.requestCount());
        assertEquals("You said \"review this\n\n--- a/x\n+++ b/x\". This is the first message of our "
                + "conversation.\n", run.stdout());
    }

    @Test
    void repl_with_a_question_as_an_argument_is_a_usage_error() throws Exception {
        ChatCommand.Result run = chat("Hi\n", "--repl", "Hello");

        assertEquals(2, run.exitCode());
        assertEquals("", run.stdout());
        assertTrue(run.stderr().startsWith("--repl reads every message from stdin"), run.stderr());
    }

    @Test
    void a_switch_given_a_value_is_a_usage_error_and_nothing_is_sent() throws Exception {
        int requests = groq.requestCount();

        ChatCommand.Result run = chat("", "--json=false", "Hi");

        assertEquals(2, run.exitCode());
        assertEquals(requests, groq.requestCount());
        assertEquals("--json takes no value: write --json alone to turn it on, or leave it out. See --help.\n",
                run.stderr());
    }

    // ---------------------------------------------------------------------------------
    // Text from outside: shown as it is on a pipe (on a terminal, see TerminalChatTest).
    // ---------------------------------------------------------------------------------

    @Test
    void piped_stdout_keeps_the_answer_byte_for_byte_escape_sequences_too() throws Exception {
        ChatCommand.Result run = chat("", "-q", "Say \033[31mred\033[0m and \033]0;title\033\\");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("You said \"Say \033[31mred\033[0m and \033]0;title\033\\\". This is the first message of our "
                + "conversation.\n", run.stdout());
    }

    /**
     * JLine is for a chat on a terminal: a question as an argument, or piped, never loads
     * its classes. The JVM lists the classes it loaded, at its exit, in the file named by
     * -XX:DumpLoadedClassList, an option `java` picks up from JDK_JAVA_OPTIONS. (On a
     * terminal, the same list holds some 300 classes of org/jline.)
     */
    @Test
    void a_question_as_an_argument_or_piped_never_loads_JLine(@TempDir Path lists) throws Exception {
        for (String stdin : List.of("", "Hi\n")) {
            Path loaded = lists.resolve(stdin.isEmpty() ? "as-argument.txt" : "piped.txt");
            Map<String, String> env = Map.of("GROQ_BASE_URL", groq.baseUrl(), "GROQ_API_KEY", Clients.KEY,
                    "BNAGPT_HOME", home.toString(), "NO_COLOR", "1",
                    "JDK_JAVA_OPTIONS", "-XX:DumpLoadedClassList=" + loaded);

            ChatCommand.Result run = stdin.isEmpty() ? ChatCommand.run(env, stdin, "-q", "Hi")
                    : ChatCommand.run(env, stdin, "-q");

            assertEquals("You said \"Hi\". This is the first message of our conversation.\n", run.stdout());
            String classes = Files.readString(loaded);
            assertTrue(classes.contains("bnagpt/chat$Chat\n"), "the list is the chat's");
            assertFalse(classes.contains("org/jline/"), "JLine was loaded");
        }
    }

    // ---------------------------------------------------------------------------------
    // Running the chat.
    // ---------------------------------------------------------------------------------

    /** The chat against the local server, with a fake key and no colours. */
    private static ChatCommand.Result chat(String stdin, String... args) throws Exception {
        return ChatCommand.run(Map.of("GROQ_BASE_URL", groq.baseUrl(), "GROQ_API_KEY", Clients.KEY,
                "BNAGPT_HOME", home.toString(), "NO_COLOR", "1"), stdin, args);
    }
}
