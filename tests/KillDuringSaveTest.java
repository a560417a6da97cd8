package bnagpt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ConversationStore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash never leaves half a saved conversation. The chat is fed a long conversation as
 * fast as it goes, each answer rewriting a file of a few hundred kilobytes, and is killed
 * with SIGKILL (Process.destroyForcibly) at a random moment; then it continues the
 * conversation with -c and is killed again. All the while a reader reads every saved file
 * over and over: whenever it looks, and after each kill, every file is whole JSON. (A save
 * that rewrote the file in place, truncating it first, fails this at once: the reader
 * catches the file empty.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KillDuringSaveTest {
    private static final ObjectReader STRICT_JSON =
            new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Started with the class, stopped by JUnit after its last test. */
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(Clients.KEY);

    @TempDir
    Path home;
    @TempDir
    Path output;

    /** What the reader saw: problems with files it read, and how many messages whole files held. */
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Set<Integer> messageCountsSeen = new ConcurrentSkipListSet<>();
    private volatile boolean reading;

    @Test
    void every_saved_file_is_whole_json_whenever_it_is_read_and_after_each_kill() throws Exception {
        Thread reader = new Thread(this::readSavedFilesOverAndOver);
        reading = true;
        reader.start();
        try {
            killDuringSaves(1, "--repl"); // --repl: one question per line of stdin
            killDuringSaves(2, "--repl", "-c");
        } finally {
            reading = false;
            reader.join();
        }

        assertTrue(problems.isEmpty(), problems.size() + " times a file was not whole, first: "
                + problems.subList(0, Math.min(3, problems.size())));
        assertTrue(messageCountsSeen.size() >= 6, "the reader saw only " + messageCountsSeen
                + " messages in the files: it did not race with enough saves to mean anything");
        for (Path file : conversationFiles()) {
            assertTrue(STRICT_JSON.readTree(Files.readString(file)).path("messages").isArray(), file.toString());
        }
        assertTrue(new ConversationStore(home).list().stream().noneMatch(line -> line.contains("damaged")));
    }

    /**
     * Starts the chat on 100 long questions, lets it save between 5 and 30 answers (the
     * reader sees them), waits a random 0 to 100 ms more, and kills it.
     */
    private void killDuringSaves(int round, String... args) throws Exception {
        String questions = IntStream.rangeClosed(1, 100)
                .mapToObj(n -> "Question " + n + " of round " + round + ": " + "Tell me more. ".repeat(200) + "\n")
                .collect(Collectors.joining());
        Path stdin = Files.writeString(output.resolve("questions-" + round + ".txt"), questions);
        Map<String, String> env = Map.of("GROQ_BASE_URL", groq.baseUrl(), "GROQ_API_KEY", Clients.KEY,
                "BNAGPT_HOME", home.toString(), "NO_COLOR", "1");
        int answers = ThreadLocalRandom.current().nextInt(5, 31);
        int killAfter = mostMessagesSeen() + 2 * answers;
        Process chat = ChatCommand.processBuilder(env, args)
                .redirectInput(stdin.toFile())
                .redirectOutput(output.resolve("stdout-" + round + ".txt").toFile())
                .redirectError(output.resolve("stderr-" + round + ".txt").toFile())
                .start();
        try {
            for (long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                    mostMessagesSeen() < killAfter && System.nanoTime() < deadline; Thread.sleep(1)) {
                assertTrue(chat.isAlive(), "round " + round + ": the chat ended before " + answers + " answers: "
                        + Files.readString(output.resolve("stderr-" + round + ".txt")));
            }
            Thread.sleep(ThreadLocalRandom.current().nextLong(0, 100));
            assertTrue(chat.isAlive(), "round " + round + ": the chat had ended before the kill");
        } finally {
            chat.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the chat
            chat.waitFor();
        }
    }

    private int mostMessagesSeen() {
        return messageCountsSeen.stream().max(Integer::compare).orElse(0);
    }

    /** The reader: every .json file of the conversations folder, read and parsed, again and again. */
    private void readSavedFilesOverAndOver() {
        while (reading) {
            try {
                for (Path file : conversationFiles()) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    try {
                        JsonNode messages = STRICT_JSON.readTree(text).path("messages");
                        if (!messages.isArray()) {
                            throw new IOException("no list of messages"); // an empty file reads as no JSON at all
                        }
                        messageCountsSeen.add(messages.size());
                    } catch (IOException e) {
                        problems.add(file.getFileName() + " was not whole JSON (" + text.length() + " characters: "
                                + text.substring(Math.max(0, text.length() - 40)).replace('\n', ' ') + ")");
                    }
                }
            } catch (IOException e) {
                problems.add("Could not read a saved file: " + e);
            }
        }
    }

    private List<Path> conversationFiles() throws IOException {
        Path folder = home.resolve("conversations");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }
}
