package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang devs ask} as its users run it: a process of its own, against the local Groq
 * server, with a conversation folder of the test's own. The conversations it saves go on
 * with {@code ./jbang chat -c}, and the other way round.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsAskProcessTest {
    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;

    Map<String, String> env() {
        return Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", home.toString());
    }

    /** ./jbang devs ask ARGS, given STDIN, run to its end. */
    ChatCommand.Result ask(Map<String, String> env, String stdin, String... args) throws Exception {
        return run(home, env, stdin, args);
    }

    /** ./jbang devs ask ARGS with ENV, given STDIN, run to its end; what it read and wrote kept in FOLDER. */
    static ChatCommand.Result run(Path folder, Map<String, String> env, String stdin, String... args) throws Exception {
        Path in = Files.writeString(folder.resolve("stdin.txt"), stdin);
        Path out = folder.resolve("stdout.txt");
        Path err = folder.resolve("stderr.txt");
        Process process = builder(env, args).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            kill(process);
            throw new AssertionError("ask did not end within 3 minutes");
        }
        return new ChatCommand.Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                ChatCommand.withoutJBangLines(Files.readString(err, StandardCharsets.UTF_8)));
    }

    static ProcessBuilder builder(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Repo.file("jbang").toString(), "devs", "ask"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Repo.root().toFile());
        builder.environment().clear();
        builder.environment().putAll(ChatCommand.environment(env));
        return builder;
    }

    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Test
    void an_assistant_gives_the_model_its_instructions_and_an_unknown_one_is_a_sentence() throws Exception {
        ChatCommand.Result result = ask(env(), "", "-a", "pirate", "Who are you?");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("You said \"Who are you?\". This is the first message of our conversation. My instructions begin: "
                + "\"You are Captain Byte, a cheerful pirate who teaches programm\".\n", result.stdout());
        JsonNode sent = new ObjectMapper().readTree(groq.lastRequestBody());
        assertEquals("system", sent.path("messages").get(0).path("role").asText(), sent.toString());
        assertTrue(sent.path("messages").get(0).path("content").asText().startsWith("You are Captain Byte, a cheerful pirate"),
                sent.toString());
        assertEquals("openai/gpt-oss-20b", sent.path("model").asText(), "the assistant's model");

        int requests = groq.requestCount();
        ChatCommand.Result unknown = ask(env(), "", "--assistant", "nobody", "hi");
        assertEquals(2, unknown.exitCode());
        assertEquals("", unknown.stdout());
        assertTrue(unknown.stderr().startsWith("There is no assistant \"nobody\".")
                && unknown.stderr().contains("pirate, recipe"), unknown.stderr());
        assertEquals(requests, groq.requestCount(), "nothing was sent");
    }

    @Test
    void the_answer_streams_to_stdout_and_nothing_else_does() throws Exception {
        ChatCommand.Result result = ask(env(), "", "hello there");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("You said \"hello there\". This is the first message of our conversation.\n", result.stdout());
        assertEquals("", result.stderr());
    }

    @Test
    void the_prompt_may_come_on_stdin() throws Exception {
        ChatCommand.Result result = ask(env(), "from a pipe\n");
        assertEquals("You said \"from a pipe\". This is the first message of our conversation.\n", result.stdout());
    }

    @Test
    void dash_c_goes_on_with_the_latest_conversation() throws Exception {
        ask(env(), "", "first");
        ChatCommand.Result second = ask(env(), "", "-c", "second");
        assertEquals(0, second.exitCode(), second.stderr());
        assertTrue(second.stdout().contains("This is message 2 of our conversation; your first message was \"first\"."),
                second.stdout());
        assertEquals(1, new ConversationStore(home).list().size());
    }

    @Test
    void a_conversation_ask_saved_goes_on_in_chat_and_back_in_ask() throws Exception {
        ask(env(), "", "started by ask");
        ChatCommand.Result chat = ChatCommand.run(env(), "", "-c", "then chat");
        assertEquals(0, chat.exitCode(), chat.stderr());
        assertTrue(chat.stdout().contains("message 2 of our conversation; your first message was \"started by ask\""),
                chat.stdout());
        ChatCommand.Result again = ask(env(), "", "-c", "back in ask");
        assertTrue(again.stdout().contains("message 3 of our conversation; your first message was \"started by ask\""),
                again.stdout());
    }

    @Test
    void a_conversation_chat_saved_goes_on_in_ask() throws Exception {
        ChatCommand.Result chat = ChatCommand.run(env(), "", "started by chat");
        assertEquals(0, chat.exitCode(), chat.stderr());
        ChatCommand.Result ask = ask(env(), "", "-c", "then ask");
        assertTrue(ask.stdout().contains("message 2 of our conversation; your first message was \"started by chat\""),
                ask.stdout());
        Conversation saved = new ConversationStore(home).latest();
        assertEquals(Message.user("then ask"), saved.messages().get(2));
    }

    @Test
    void a_mistake_on_the_command_line_exits_2_with_a_sentence_and_help_exits_0() throws Exception {
        ChatCommand.Result wrong = ask(env(), "", "--bogus", "hi");
        assertEquals(2, wrong.exitCode());
        assertEquals("Unknown option --bogus. See ./jbang devs ask --help.\n", wrong.stderr());
        ChatCommand.Result help = ask(Map.of(), "", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().startsWith("Usage: ./jbang devs ask"), help.stdout());
    }

    @Test
    void a_failure_is_one_sentence_on_stderr_and_exit_1() throws Exception {
        ChatCommand.Result result = ask(env(), "", "-m", "llama3-70b-8192", "hi");
        assertEquals(1, result.exitCode());
        assertEquals("", result.stdout());
        assertEquals(1, result.stderr().lines().count(), result.stderr());
        assertTrue(result.stderr().startsWith("The model \"llama3-70b-8192\" has been retired."), result.stderr());
    }

    @Test
    void an_endless_answer_stops_at_the_limit_in_a_small_heap_is_marked_cut_and_saved() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("JAVA_TOOL_OPTIONS", "-Xmx128m"); // 10 million tokens would need gigabytes: the limit keeps 1 MiB
        ChatCommand.Result result = ask(env, "", "--max-answer-mb", "1", "go #mock:tokens=10000000");
        String stderr = result.stderr().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS"))
                .reduce("", (a, b) -> a + b + "\n");
        assertEquals(1, result.exitCode(), stderr);
        assertEquals("The answer passed 1 MiB, the most one answer may hold, so it was cut there.\n", stderr);
        Message answer = new ConversationStore(home).latest().last();
        assertTrue(answer.cut());
        assertTrue(answer.content().length() > 1_000_000 && answer.content().length() <= 1 << 20,
                "saved: " + answer.content().length() + " characters");
    }

    @Test
    void kill_dash_9_mid_answer_loses_neither_the_question_nor_the_answer_saved_so_far() throws Exception {
        Path out = home.resolve("stdout.txt");
        Process process = builder(env(), "slowly #mock:tokens=200000 #mock:tps=1000").redirectOutput(out.toFile())
                .redirectError(home.resolve("stderr.txt").toFile()).start();
        try {
            Path folder = home.resolve("conversations");
            ChatCommand.waitUntil(out, text -> text.length() > 100, Duration.ofMinutes(2));
            waitForSavedAnswer(folder, Duration.ofSeconds(20));
        } finally {
            process.descendants().forEach(p -> p.destroyForcibly());
            process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Conversation saved = new ConversationStore(home).latest();
        assertEquals(Message.user("slowly #mock:tokens=200000 #mock:tps=1000"), saved.messages().get(0));
        Message answer = saved.last();
        assertEquals("assistant", answer.role());
        assertTrue(answer.cut(), "an answer saved while it grew is marked cut until it ends");
        assertFalse(answer.content().isEmpty());
        assertTrue(Files.readString(out, StandardCharsets.UTF_8).startsWith(answer.content()),
                "what was saved is what was shown");
    }

    @Test
    void ctrl_c_mid_answer_stops_it_keeps_the_part_on_stdout_and_saves_it_marked_cut() throws Exception {
        Path out = home.resolve("stdout.txt");
        Path err = home.resolve("stderr.txt");
        ProcessBuilder ask = builder(env(), "slowly #mock:tokens=200000 #mock:tps=500");
        ask.command().addAll(0, withCtrlC());
        Process process = ask.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            waitForSavedAnswer(home.resolve("conversations"), Duration.ofMinutes(2)); // the app runs and streams
            ProcessHandle app = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                    .filter(p -> p.info().commandLine().orElse("").contains("bnagpt.devs.App")
                            || p.info().commandLine().orElse("").contains("bnagpt.jar"))
                    .reduce((first, second) -> second).orElseThrow();
            new ProcessBuilder("kill", "-INT", String.valueOf(app.pid())).start().waitFor();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "ask did not end after Ctrl-C");
        } finally {
            kill(process);
        }
        String stderr = ChatCommand.withoutJBangLines(Files.readString(err, StandardCharsets.UTF_8));
        assertTrue(stderr.contains("You stopped the answer (Ctrl-C)."), stderr);
        Message answer = new ConversationStore(home).latest().last();
        assertTrue(answer.cut());
        assertEquals(Files.readString(out, StandardCharsets.UTF_8).strip(), answer.content().strip(),
                "what was shown is what was saved");
    }

    /**
     * What puts Ctrl-C back as a terminal has it: a suite started in the background by a
     * non-interactive shell (`bash .ci/run &`, nohup) passes SIGINT on as ignored, and a JVM
     * that starts with SIGINT ignored never hears it. GNU env resets it; without GNU env, nothing.
     */
    private static List<String> withCtrlC() throws IOException, InterruptedException {
        try {
            Process probe = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            return probe.waitFor() == 0 ? List.of("env", "--default-signal=INT") : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void waitForSavedAnswer(Path folder, Duration patience) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(folder)) {
                try (var files = Files.list(folder)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                        if (Files.readString(file, StandardCharsets.UTF_8).contains("\"assistant\"")) {
                            return;
                        }
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("No answer was saved within " + patience.toSeconds() + " s");
    }
}
