package bnagpt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The chat in a real terminal: a tmux session on a tmux server of its own (its socket in a
 * temporary folder, no configuration file), so a test types, presses keys and reads the
 * screen the way a person would, without touching anyone's tmux.
 */
final class Tmux implements AutoCloseable {
    private static final String SESSION = "chat";

    private final Path socket;
    private final Path exitStatus;

    private Tmux(Path folder) {
        this.socket = folder.resolve("tmux.socket");
        this.exitStatus = folder.resolve("exit-status");
    }

    static boolean installed() {
        try {
            Process tmux = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            tmux.getInputStream().readAllBytes();
            return tmux.waitFor(10, TimeUnit.SECONDS) && tmux.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Starts ./jbang 101s/chat.java ARGS in a terminal of 160 x 50 characters, with exactly
     * the environment ChatCommand gives (env -i: not even tmux's own variables), plus TERM.
     * The pane stays when the chat ends, so its last screen can be read. tmux does not always
     * learn the exit status of a pane (it sometimes misses the signal that the process
     * ended), so a bash around the chat writes it to a file; like a shell without job
     * control, bash lets the chat handle Ctrl-C, and waits.
     */
    static Tmux start(Path folder, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return startCommand(folder, env, ChatCommand.command(args).toArray(String[]::new));
    }

    /** The same for another command than the chat (scripts/playground, say), run from the repository's root. */
    static Tmux startCommand(Path folder, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        Tmux tmux = new Tmux(folder);
        List<String> tmuxCommand = new ArrayList<>(List.of("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "50",
                "-c", Repo.root().toString(),
                "bash", "-c", "status_file=$1; shift; \"$@\"; echo $? > \"$status_file\"", "bash",
                tmux.exitStatus.toString(), "env", "-i"));
        ChatCommand.environment(env).forEach((name, value) -> tmuxCommand.add(name + "=" + value));
        tmuxCommand.addAll(List.of(command));
        tmuxCommand.addAll(List.of(";", "set-option", "-t", SESSION, "remain-on-exit", "on"));
        tmux.run(tmuxCommand.toArray(String[]::new));
        return tmux;
    }

    /** Types text as it is (no key names). */
    void type(String text) throws IOException, InterruptedException {
        run("send-keys", "-t", SESSION, "-l", text);
    }

    /** Presses a key: Enter, C-c, C-d, ... */
    void press(String key) throws IOException, InterruptedException {
        run("send-keys", "-t", SESSION, key);
    }

    /** Everything the terminal showed, scrolled-off lines included, wrapped lines joined. */
    String screen() throws IOException, InterruptedException {
        return run("capture-pane", "-p", "-J", "-t", SESSION, "-S", "-", "-E", "-");
    }

    /** Only what the window shows now, without the lines scrolled off (or cleared) above it. */
    String window() throws IOException, InterruptedException {
        return run("capture-pane", "-p", "-J", "-t", SESSION);
    }

    /** The same, with the escape sequences of the colours and styles the screen shows. */
    String screenWithEscapes() throws IOException, InterruptedException {
        return run("capture-pane", "-p", "-e", "-J", "-t", SESSION, "-S", "-", "-E", "-");
    }

    /** Waits until the screen passes the test; returns it. */
    String waitFor(Predicate<String> test, String what, Duration patience) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            String screen = screen();
            if (test.test(screen)) {
                return screen;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + patience.toSeconds() + " s for " + what + " in vain. The screen:\n"
                        + screen);
            }
            Thread.sleep(25);
        }
    }

    String waitForText(String text) throws IOException, InterruptedException {
        return waitFor(screen -> screen.contains(text), "\"" + text + "\"", Duration.ofMinutes(2));
    }

    /** Waits until the last line shown is the chat's prompt, "you>", waiting for a message. */
    String waitForPrompt() throws IOException, InterruptedException {
        return waitFor(screen -> lastLine(screen).equals("you>"), "the prompt", Duration.ofMinutes(2));
    }

    /** Waits for the chat to end; returns its exit status. */
    int waitForExit() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.exists(exitStatus) || Files.readString(exitStatus).isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The chat did not end within a minute. The screen:\n" + screen());
            }
            Thread.sleep(25);
        }
        return Integer.parseInt(Files.readString(exitStatus).strip());
    }

    boolean chatRunning() {
        return !Files.exists(exitStatus);
    }

    /**
     * Stops this tmux server, and the chat with it if it still runs; returns once the chat
     * has ended. A chat that is hung up on saves its conversation on the way out, and a test's
     * temporary folder must not be deleted under that save.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        List<ProcessHandle> chat = new ArrayList<>();
        try {
            long panePid = Long.parseLong(run("display-message", "-p", "-t", SESSION, "#{pane_pid}").strip());
            ProcessHandle.of(panePid).ifPresent(pane -> {
                chat.add(pane);
                pane.descendants().forEach(chat::add);
            });
        } catch (NumberFormatException | IOException e) {
            // no pane any more: nothing left to wait for
        }
        run("kill-server");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle process : chat) {
            while (process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    static String lastLine(String screen) {
        return screen.strip().lines().reduce((first, second) -> second).orElse("").strip();
    }

    private String run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", "/dev/null"));
        command.addAll(List.of(arguments));
        Process tmux = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(tmux.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!tmux.waitFor(10, TimeUnit.SECONDS) || tmux.exitValue() != 0 && !arguments[0].equals("kill-server")) {
            throw new IOException("tmux " + String.join(" ", arguments) + " failed: " + output);
        }
        return output;
    }
}
