package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program killed mid-save (SIGKILL) never leaves half a conversation: another program
 * saving as fast as it goes is killed at random moments, while this one reads the file over
 * and over. Every read finds whole JSON; after each kill the conversation loads, and the
 * next save clears the temporary file the killed one may have left.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsStoreKillTest {
    private static final ObjectReader STRICT_JSON =
            new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @TempDir
    Path home;

    @Test
    void every_read_finds_whole_json_and_each_kill_leaves_a_conversation_that_loads() throws Exception {
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = new Conversation();
        conversation.add(Message.user("Count to a large number."));
        store.save(conversation);
        Path file = home.resolve("conversations").resolve(conversation.id() + ".json");
        List<String> problems = new ArrayList<>();
        int reads = 0;

        for (int kill = 0; kill < 3; kill++) {
            Process saver = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), Saver.class.getName(), home.toString(),
                    conversation.id()).redirectErrorStream(true).start();
            assertEquals("saving", new BufferedReader(new InputStreamReader(saver.getInputStream())).readLine());
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + ThreadLocalRandom.current().nextInt(400));
            while (System.nanoTime() < until) {
                try {
                    STRICT_JSON.readTree(Files.readAllBytes(file));
                    reads++;
                } catch (NoSuchFileException e) {
                    problems.add("the file was missing");
                } catch (IOException e) {
                    problems.add("not whole JSON: " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
            saver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            Conversation loaded = store.load(conversation.id());
            assertTrue(loaded.messages().size() > 1, "the saver saved nothing before it was killed");
        }

        assertTrue(problems.isEmpty(), problems.size() + " bad reads, first: " + problems.subList(0, Math.min(3, problems.size())));
        assertTrue(reads > 10, "only " + reads + " reads raced with the saves");
        Conversation last = store.load(conversation.id());
        store.save(last);
        try (Stream<Path> files = Files.list(home.resolve("conversations"))) {
            assertEquals(List.of(last.id() + ".json"), files.map(p -> p.getFileName().toString()).toList(),
                    "a save clears what killed saves left");
        }
    }

    /** The other program: adds answers of about 20 KB (then rewrites the last), saving each time, until it is killed. */
    public static final class Saver {
        public static void main(String[] args) {
            ConversationStore store = new ConversationStore(Path.of(args[0]));
            for (int n = 0; ; n++) {
                Conversation conversation = store.load(args[1]);
                Message answer = Message.assistant(n + " " + "1 2 3 ".repeat(3000 + n % 1000));
                if (conversation.messages().size() < 30) {
                    conversation.add(answer);
                } else {
                    conversation.replaceLast(answer);
                }
                store.save(conversation);
                if (n == 0) {
                    System.out.println("saving"); // the first save is made: classes loaded, the race is on
                    System.out.flush();
                }
            }
        }
    }
}
