package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.Conversation;
import bnagpt.chat.ConversationStore;
import bnagpt.chat.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of an answer loses at most its last few seconds: the question is
 * saved before the request goes out, and the answer every few seconds while it grows. The
 * chat runs as a process against the local server, slowed to 20 tokens a second, and is
 * killed with SIGKILL (no shutdown hook, no finally block runs in it).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KillMidAnswerTest {
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;
    @TempDir
    Path output;

    @Test
    void a_question_still_waiting_for_its_answer_is_saved_when_the_chat_is_killed() throws Exception {
        int before = groq.requestCount();
        Process chat = start("Will you answer? #mock:no-answer");
        try {
            for (long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    groq.requestCount() == before && System.nanoTime() < deadline; Thread.sleep(20)) {
                assertTrue(chat.isAlive(), "the chat ended: " + Files.readString(output.resolve("stderr.txt")));
            }
            // the question was sent, and the server keeps it waiting
        } finally {
            chat.destroyForcibly().waitFor();
        }

        List<Message> saved = onlySavedConversation().messages();
        assertEquals(List.of(Message.user("Will you answer? #mock:no-answer")), saved);
    }

    @Test
    void killed_mid_answer_the_saved_answer_lacks_at_most_the_last_few_seconds() throws Exception {
        Process chat = start("Tell me a slow story #mock:tokens=1000 #mock:tps=20");
        String printed;
        try {
            // 140 tokens: 7 s of answer, two saves or more behind us
            ChatCommand.waitUntil(output.resolve("stdout.txt"), text -> text.split(" ").length > 140,
                    Duration.ofSeconds(90));
            chat.destroyForcibly().waitFor();
            printed = Files.readString(output.resolve("stdout.txt"));
        } finally {
            chat.destroyForcibly().waitFor();
        }

        List<Message> saved = onlySavedConversation().messages();
        assertEquals(2, saved.size(), saved.toString());
        Message answer = saved.get(1);
        assertTrue(answer.cut(), "an answer saved on its way is marked cut");
        assertTrue(printed.startsWith(answer.content()), "what was saved was printed");
        int lostWords = printed.split(" ").length - answer.content().split(" ").length;
        // Saved every 3 s at 20 tokens a second: at most some 60 words behind (80, for a busy machine).
        assertTrue(lostWords <= 80, lostWords + " words printed were not saved");
    }

    private Process start(String question) throws Exception {
        Map<String, String> env = Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", home.toString(),
                "NO_COLOR", "1");
        return ChatCommand.processBuilder(env, "-q", question)
                .redirectInput(Files.writeString(output.resolve("stdin.txt"), "").toFile())
                .redirectOutput(output.resolve("stdout.txt").toFile())
                .redirectError(output.resolve("stderr.txt").toFile())
                .start();
    }

    private Conversation onlySavedConversation() {
        ConversationStore store = new ConversationStore(home);
        List<String> saved = store.list();
        assertEquals(1, saved.size(), "saved conversations: " + saved);
        return store.load(saved.get(0).split(" ")[0]);
    }
}
