package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import bnagpt.chat.Chat;
import bnagpt.chat.Conversation;
import bnagpt.chat.ConversationStore;
import bnagpt.chat.Message;
import bnagpt.chat.Terminal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reasoning model's thoughts (gpt-oss at the local server thinks "The user wants an
 * answer." before each answer) are saved with the answer they came before, and never sent
 * back to the model: a request carries each message's role and content, nothing else.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ChatSavesReasoningTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REASONING_MODEL = "openai/gpt-oss-120b";

    /** Started with the class, stopped by JUnit after its last test. */
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;

    @Test
    void the_reasoning_that_streamed_is_saved_with_its_answer() {
        Conversation conversation = new Conversation();

        chat(conversation).answer("Tell me a story");

        Message answer = new ConversationStore(home).load(conversation.id()).messages().get(1);
        assertEquals("The user wants an answer.", answer.reasoning());
        assertFalse(answer.cut());
        assertNull(conversation.messages().get(0).reasoning());
    }

    @Test
    void a_saved_reasoning_is_never_sent_back_to_the_model_and_stays_in_the_file() throws IOException {
        Conversation conversation = new Conversation();
        conversation.add(Message.user("Tell me a story"));
        conversation.add(new Message("assistant", "Once upon a time.", "A story, then. Keep it short.", false));
        ConversationStore store = new ConversationStore(home);
        store.save(conversation);
        Conversation loaded = store.load(conversation.id());

        chat(loaded).answer("Go on");

        JsonNode request = JSON.readTree(groq.lastRequestBody());
        for (JsonNode message : request.path("messages")) {
            assertEquals(List.of("role", "content"), fieldNames(message));
        }
        assertFalse(groq.lastRequestBody().contains("Keep it short"), groq.lastRequestBody());
        assertEquals("A story, then. Keep it short.", store.load(conversation.id()).messages().get(1).reasoning());
    }

    /** A chat with the local server's reasoning model, saved in HOME, its output kept in memory. */
    private Chat chat(Conversation conversation) {
        Terminal terminal = new Terminal(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, false);
        return new Chat(Clients.of(groq.baseUrl(), Clients.KEY, REASONING_MODEL, Clients.QUICK_RETRIES), conversation,
                new ConversationStore(home), terminal, true);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
