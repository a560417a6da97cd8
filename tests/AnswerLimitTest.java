package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ChatException;
import bnagpt.chat.Conversation;
import bnagpt.chat.ConversationStore;
import bnagpt.chat.Message;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An answer has a total size limit, content and reasoning together: a server that sends
 * valid chunks without end (LocalGroq's #mock:endless-answer) gets a cut answer, a sentence,
 * and a saved conversation the chat can load again; never a chat that grows until it runs
 * out of memory. And no save writes a file that the loader would refuse.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AnswerLimitTest {
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;
    @TempDir
    Path output;

    @Test
    void an_endless_answer_stops_at_4_mib_is_marked_cut_and_saved() throws Exception {
        Run run = runChat("-q", "Go on forever #mock:endless-answer");

        assertEquals(1, run.exitCode, run.stderr);
        assertEquals("The answer passed 4 MiB (answer and reasoning together), more than any model writes in one "
                + "answer, so reading stopped there. What arrived is kept.\n", run.stderr);
        Message answer = onlySavedConversation().messages().get(1);
        assertTrue(answer.cut());
        assertEquals(answer.content() + "\n", run.stdout);
        assertTrue(answer.content().length() > 2 << 20 && answer.content().length() <= 4 << 20,
                answer.content().length() + " characters");
    }

    @Test
    void max_answer_bytes_sets_the_limit_and_reasoning_counts_towards_it() throws Exception {
        Run run = runChat("-q", "--max-answer-bytes", "100000", "Go on forever #mock:endless-answer");

        assertEquals(1, run.exitCode, run.stderr);
        assertTrue(run.stderr.startsWith("The answer passed 100000 bytes (answer and reasoning together)"), run.stderr);
        int content = onlySavedConversation().messages().get(1).content().getBytes(StandardCharsets.UTF_8).length;
        // Every third chunk is 4 KiB of reasoning: what is left for the answer is about two thirds.
        assertTrue(content > 50_000 && content < 80_000, content + " bytes of answer");
    }

    @Test
    void max_answer_bytes_takes_a_number_of_bytes_up_to_16_mib() throws Exception {
        Run run = runChat("--max-answer-bytes", "lots", "Hi");

        assertEquals(2, run.exitCode);
        assertEquals("--max-answer-bytes needs a number of bytes from 1024 to 16777216 (16 MiB), like "
                + "--max-answer-bytes 1000000.\n", run.stderr);
    }

    @Test
    void a_conversation_too_large_to_load_again_is_not_saved_and_its_last_file_is_kept() {
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = new Conversation();
        conversation.add(Message.user("Hi"));
        conversation.add(Message.assistant("Hello"));
        store.save(conversation);
        String kept = store.load(conversation.id()).messages().get(1).content();
        conversation.add(Message.user("More"));
        conversation.add(Message.assistant("x".repeat(9 << 20)));
        conversation.add(Message.user("More"));
        conversation.add(Message.assistant("x".repeat(9 << 20)));

        ChatException e = assertThrows(ChatException.class, () -> store.save(conversation));

        assertTrue(e.getMessage().startsWith("The conversation " + conversation.id() + " has grown past 16 MiB"),
                e.getMessage());
        assertEquals(kept, store.load(conversation.id()).messages().get(1).content());
    }

    private record Run(int exitCode, String stdout, String stderr) {}

    /** The chat as a process, given at most a minute: without a limit it would read for ever. */
    private Run runChat(String... args) throws Exception {
        File out = output.resolve("stdout.txt").toFile();
        File err = output.resolve("stderr.txt").toFile();
        Map<String, String> env = Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", home.toString(),
                "NO_COLOR", "1");
        Process chat = ChatCommand.processBuilder(env, args).redirectInput(ProcessBuilder.Redirect.from(
                Files.writeString(output.resolve("stdin.txt"), "").toFile())).redirectOutput(out).redirectError(err)
                .start();
        if (!chat.waitFor(60, TimeUnit.SECONDS)) {
            chat.destroyForcibly().waitFor();
            throw new AssertionError("The chat was still reading after a minute: " + out.length() + " bytes out");
        }
        return new Run(chat.exitValue(), Files.readString(out.toPath()),
                ChatCommand.withoutJBangLines(Files.readString(err.toPath())));
    }

    private Conversation onlySavedConversation() {
        ConversationStore store = new ConversationStore(home);
        List<String> saved = store.list();
        assertEquals(1, saved.size(), saved.toString());
        return store.load(saved.get(0).split(" ")[0]);
    }
}
