package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JShell playground, scripts/playground, with statements typed on its stdin, against
 * the local Groq-compatible server. Its answers are predictable: You said "<message>".
 * This is message <n> of our conversation; your first message was "<first>".
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PlaygroundTest {
    /** Started with the class, stopped by JUnit after its last test. */
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    /** BNAGPT_HOME: no key file is read from the real ~/.bnagpt. */
    @TempDir
    static Path home;

    @Test
    void ask_streams_the_answer_and_the_next_ask_remembers_it() throws Exception {
        Run run = playground("""
                ask("hi")
                ask("what did I just say?")
                /exit
                """);

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("You said \"hi\". This is the first message of our conversation."), run.output());
        assertTrue(run.output().contains("You said \"what did I just say?\". This is message 2 of our conversation; "
                + "your first message was \"hi\"."), run.output());
    }

    @Test
    void forget_starts_a_new_conversation() throws Exception {
        Run run = playground("""
                ask("hi")
                forget()
                ask("and now?")
                /exit
                """);

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("You said \"and now?\". This is the first message of our conversation."),
                run.output());
    }

    @Test
    void it_starts_with_a_hint_whose_parser_example_works_as_printed() throws Exception {
        String hint = playground("/exit\n").output();
        String marker = "The stream parser alone: ";
        String example = hint.lines().filter(line -> line.startsWith(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no parser example in the hint:\n" + hint))
                .substring(marker.length());

        Run run = playground("System.out.println(" + example + ")\n/exit\n");

        assertTrue(hint.contains("ask(\"hi\")"), hint);
        assertTrue(run.output().contains("[Content[text=Hi]]"), run.output());
    }

    @Test
    void ctrl_c_stops_the_answer_prints_cut_and_ask_returns_what_arrived() throws Exception {
        assumeTrue(Tmux.installed(), "tmux is not installed: this test needs a real terminal (apt-get install tmux)");
        Path folder = Files.createTempDirectory(home, "tmux");
        try (Tmux tmux = Tmux.startCommand(folder, environment(), Repo.file("scripts/playground").toString())) {
            tmux.waitFor(screen -> Tmux.lastLine(screen).equals("jshell>"), "the jshell prompt", Duration.ofMinutes(3));
            tmux.type("ask(\"tell me a story #mock:tokens=600 #mock:tps=20\")");
            tmux.press("Enter");
            tmux.waitForText("The quick brown fox jumps over the lazy dog. The quick");
            tmux.press("C-c");
            String screen = tmux.waitFor(s -> s.contains("$1 ==> "), "the value of ask", Duration.ofSeconds(30));
            tmux.type("/exit");
            tmux.press("Enter");

            assertTrue(screen.contains("[cut]"), screen);
            String value = screen.substring(screen.indexOf("$1 ==> ") + "$1 ==> ".length()).lines().findFirst().get();
            assertTrue(value.startsWith("\"The quick brown fox"), "what arrived: " + value);
        }
    }

    // ---------------------------------------------------------------------------------
    // Running the playground.
    // ---------------------------------------------------------------------------------

    /** The local server, no key file from the real ~/.bnagpt, no colours. */
    private static Map<String, String> environment() {
        return Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", home.toString(), "NO_COLOR", "1", "TERM", "screen");
    }

    /** What the playground printed, stdout and stderr together, and how it ended. */
    record Run(int exitCode, String output) {}

    /**
     * scripts/playground with the given stdin, against the local server. Its environment
     * holds PATH, HOME and JAVA_HOME and then only what the test gives: never a key.
     */
    private static Run playground(String stdin) throws Exception {
        Path in = Files.writeString(Files.createTempFile("playground-stdin", ".txt"), stdin);
        File output = File.createTempFile("playground", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(Repo.file("scripts/playground").toString())
                    .directory(Repo.root().toFile())
                    .redirectInput(in.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output);
            builder.environment().clear();
            builder.environment().putAll(ChatCommand.environment(environment()));
            Process process = builder.start();
            // The first run builds the chat (and fetches its libraries on a new machine).
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly); // JShell's own JVM, too
                process.destroyForcibly();
                throw new AssertionError("scripts/playground did not end within 3 minutes. It printed:\n"
                        + Files.readString(output.toPath()));
            }
            return new Run(process.exitValue(), Files.readString(output.toPath(), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(in);
            output.delete();
        }
    }
}
