package bnagpt;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The chat as its users start it: ./jbang 101s/chat.java ARGS from the repository root, a
 * process of its own. Its environment holds PATH, HOME and JAVA_HOME and then only what the
 * test gives: never the key, nor the ~/.bnagpt, of whoever runs the tests.
 */
final class ChatCommand {
    private ChatCommand() {}

    /** What a run left: stderr without JBang's own "[jbang] ..." lines. */
    record Result(int exitCode, String stdout, String stderr) {}

    /** Runs the chat to its end, given all of its stdin at once. */
    static Result run(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        Path in = Files.writeString(Files.createTempFile("chat-stdin", ".txt"), stdin);
        Path out = Files.createTempFile("chat-stdout", ".txt");
        Path err = Files.createTempFile("chat-stderr", ".txt");
        try {
            Process process = processBuilder(env, args).redirectInput(in.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            // The first run builds the chat (and fetches its libraries on a new machine).
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("The chat did not end within 3 minutes: " + String.join(" ", args));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    withoutJBangLines(Files.readString(err, StandardCharsets.UTF_8)));
        } finally {
            for (Path file : List.of(in, out, err)) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Starts the chat with stdin left open (a pipe the test writes to); stdout and stderr go to files. */
    static Process start(Map<String, String> env, File stdout, File stderr, String... args) throws IOException {
        return processBuilder(env, args).redirectOutput(stdout).redirectError(stderr).start();
    }

    /** The command line, for tmux as well: the repository's jbang, the script, the arguments. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Repo.file("jbang").toString(), "101s/chat.java"));
        command.addAll(List.of(args));
        return command;
    }

    /** PATH, HOME (where JBang keeps what it built) and JAVA_HOME, then the given variables. */
    static Map<String, String> environment(Map<String, String> env) {
        Map<String, String> clean = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "JAVA_HOME")) {
            if (System.getenv(name) != null) {
                clean.put(name, System.getenv(name));
            }
        }
        clean.putAll(env);
        return clean;
    }

    static String withoutJBangLines(String stderr) {
        return stderr.lines().filter(line -> !line.startsWith("[jbang] "))
                .map(line -> line + "\n").collect(Collectors.joining());
    }

    /** Waits until the text of a file (stdout of a running chat, say) passes the test; returns it. */
    static String waitUntil(Path file, Predicate<String> test, Duration patience) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (test.test(text)) {
                return text;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + patience.toSeconds() + " s in vain; " + file + " holds:\n" + text);
            }
            Thread.sleep(20);
        }
    }

    /** The chat's process, to start after choosing where its stdin, stdout and stderr go. */
    static ProcessBuilder processBuilder(Map<String, String> env, String... args) {
        ProcessBuilder builder = new ProcessBuilder(command(args)).directory(Repo.root().toFile());
        builder.environment().clear();
        builder.environment().putAll(environment(env));
        return builder;
    }
}
