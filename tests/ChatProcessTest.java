package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
    private static LocalGroq groq;

    /** BNAGPT_HOME: conversations, and any key file, stay out of the real ~/.bnagpt. */
    @TempDir
    static Path home;

    @BeforeAll
    static void startLocalGroq() throws IOException {
        groq = LocalGroq.start(new LocalGroq.Options(0, 0, null, true));
    }

    @AfterAll
    static void stopLocalGroq() {
        groq.close();
    }

    @Test
    void one_question_prints_the_answer_alone_on_stdout() throws Exception {
        Run run = chat("", "-q", "Hi there");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("You said \"Hi there\". This is the first message of our conversation.\n", run.stdout());
        assertEquals("", run.stderr());
    }

    @Test
    void a_chat_reads_one_message_per_line_and_remembers_the_conversation() throws Exception {
        Run run = chat("first\nsecond\nthird\n");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("""
                You said "first". This is the first message of our conversation.
                You said "second". This is message 2 of our conversation; your first message was "first".
                You said "third". This is message 3 of our conversation; your first message was "first".
                """, run.stdout());
    }

    @Test
    void exit_ends_the_chat_before_the_next_line() throws Exception {
        Run run = chat("hello\n/exit\nnever sent\n");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("You said \"hello\". This is the first message of our conversation.\n", run.stdout());
    }

    @Test
    void a_retired_model_fails_with_one_sentence_and_no_stack_trace() throws Exception {
        Run run = chat("", "-m", "llama3-70b-8192", "Hi");

        assertNotEquals(0, run.exitCode());
        assertEquals("", run.stdout());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
        assertTrue(run.stderr().contains("\"llama3-70b-8192\" has been retired"), run.stderr());
        assertFalse(run.stderr().contains("Exception"), run.stderr());
        assertFalse(run.stderr().contains("at bnagpt."), run.stderr());
    }

    @Test
    void without_a_key_for_groq_it_says_how_to_get_one() throws Exception {
        Map<String, String> noKeyNoServer = Map.of("BNAGPT_HOME", home.toString(), "NO_COLOR", "1");

        Run run = run(noKeyNoServer, "", "Hi");

        assertNotEquals(0, run.exitCode());
        assertEquals("", run.stdout());
        assertTrue(run.stderr().contains("GROQ_API_KEY"), run.stderr());
        assertTrue(run.stderr().contains("https://console.groq.com/keys"), run.stderr());
    }

    @Test
    void a_cut_answer_keeps_what_arrived_on_stdout_and_says_it_was_cut() throws Exception {
        Run run = chat("", "Tell me a story #mock:cut=3");

        assertEquals(1, run.exitCode());
        assertEquals("You said \"Tell\n", run.stdout());
        assertTrue(run.stderr().contains("cut"), run.stderr());
    }

    @Test
    void help_prints_the_usage_and_exits_0() throws Exception {
        Run run = chat("", "--help");

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("Usage:"), run.stdout());
    }

    @Test
    void list_models_prints_the_models_of_the_server() throws Exception {
        Run run = chat("", "--list-models");

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().lines().anyMatch(line -> line.startsWith("openai/gpt-oss-120b ")), run.stdout());
    }

    // ---------------------------------------------------------------------------------
    // Running the chat.
    // ---------------------------------------------------------------------------------

    /** What a run of the chat left: stderr without JBang's own "[jbang] ..." lines. */
    record Run(int exitCode, String stdout, String stderr) {}

    /** The chat against the local server, with a fake key and no colours. */
    private static Run chat(String stdin, String... args) throws Exception {
        return run(Map.of("GROQ_BASE_URL", groq.baseUrl(), "GROQ_API_KEY", Clients.KEY,
                "BNAGPT_HOME", home.toString(), "NO_COLOR", "1"), stdin, args);
    }

    /**
     * ./jbang 101s/chat.java ARGS from the repository root, given stdin. Its environment
     * holds PATH, HOME and JAVA_HOME and then only what the test gives: never the key of
     * whoever runs the tests.
     */
    private static Run run(Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Repo.file("jbang").toString(), "101s/chat.java"));
        command.addAll(List.of(args));
        Path in = Files.writeString(Files.createTempFile("chat-stdin", ".txt"), stdin);
        Path out = Files.createTempFile("chat-stdout", ".txt");
        Path err = Files.createTempFile("chat-stderr", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(Repo.root().toFile())
                    .redirectInput(in.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> childEnv = builder.environment();
            Map<String, String> inherited = new HashMap<>();
            for (String name : List.of("PATH", "HOME", "JAVA_HOME")) {
                if (System.getenv(name) != null) {
                    inherited.put(name, System.getenv(name));
                }
            }
            childEnv.clear();
            childEnv.putAll(inherited);
            childEnv.putAll(env);
            Process process = builder.start();
            // The first run builds the chat (and fetches its libraries on a new machine).
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within 3 minutes");
            }
            String stderr = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.startsWith("[jbang] "))
                    .map(line -> line + "\n")
                    .collect(Collectors.joining());
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), stderr);
        } finally {
            for (Path file : List.of(in, out, err)) {
                Files.deleteIfExists(file);
            }
        }
    }
}
