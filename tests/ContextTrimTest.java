package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.Chat;
import bnagpt.chat.ChatException;
import bnagpt.chat.Conversation;
import bnagpt.chat.Message;
import bnagpt.chat.Terminal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * What a request holds: the instructions first, then the turns of the conversation that fit
 * the model's context window. mock/small-context, at the local server, reads 200 tokens at
 * most (about 800 characters) and answers "too long" (400 context_length_exceeded) beyond.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ContextTrimTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** About 90 tokens each: with these, three questions are more than the 200 tokens the model reads. */
    private static final String LONG_QUESTION = "Tell me about the planets, from the Sun outwards. ".repeat(7);
    private static final String LONG_ANSWER = "Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus. ".repeat(7);

    /** Started with the class, stopped by JUnit after its last test. */
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    // ---------------------------------------------------------------------------------
    // The messages of a request.
    // ---------------------------------------------------------------------------------

    @Test
    void a_request_holds_the_instructions_first_then_every_turn() {
        Conversation conversation = conversation("Be brief.", "first", "answer one", "second");

        assertEquals(List.of(Message.system("Be brief."), Message.user("first"), Message.assistant("answer one"),
                Message.user("second")), chat(conversation, "openai/gpt-oss-120b").requestMessages());
    }

    @Test
    void json_mode_adds_instructions_that_mention_json_when_no_message_does() {
        Conversation conversation = conversation(null, "Three colours, please");
        conversation.json(true);

        List<Message> request = chat(conversation, "openai/gpt-oss-120b").requestMessages();

        assertEquals("system", request.get(0).role());
        assertTrue(request.get(0).content().contains("JSON"), request.get(0).content());
        assertEquals(Message.user("Three colours, please"), request.get(1));
    }

    @Test
    void json_mode_keeps_the_instructions_and_mentions_json_after_them() {
        Conversation conversation = conversation("Be brief.", "Three colours, please");
        conversation.json(true);

        Message instructions = chat(conversation, "openai/gpt-oss-120b").requestMessages().get(0);

        assertTrue(instructions.content().startsWith("Be brief."), instructions.content());
        assertTrue(instructions.content().contains("JSON"), instructions.content());
    }

    @Test
    void json_mode_adds_nothing_when_a_message_already_asks_for_json() {
        Conversation conversation = conversation(null, "Three colours as a json list, please");
        conversation.json(true);

        assertEquals(List.of(Message.user("Three colours as a json list, please")),
                chat(conversation, "openai/gpt-oss-120b").requestMessages());
    }

    @Test
    void without_json_mode_nothing_is_added() {
        Conversation conversation = conversation(null, "Three colours, please");

        assertEquals(List.of(Message.user("Three colours, please")),
                chat(conversation, "openai/gpt-oss-120b").requestMessages());
    }

    @Test
    void tokens_are_estimated_at_four_characters_each_plus_four_for_each_message() {
        String sixteenCharacters = "abcdefghijklmnop";

        long estimate = Chat.estimateTokens(List.of(Message.user(sixteenCharacters), Message.assistant("")));

        assertEquals((16 / 4 + 4) + (0 + 4), estimate);
    }

    // ---------------------------------------------------------------------------------
    // A conversation longer than the model reads.
    // ---------------------------------------------------------------------------------

    @Test
    void a_conversation_too_long_for_the_model_is_sent_without_its_oldest_turn() throws IOException {
        Chat chat = chat(tooLongForTheSmallModel(), "mock/small-context");

        String answer = chat.answer("Which is the biggest?").content();

        assertEquals(List.of("And the moons?", "Which is the biggest?"), userMessagesSent());
        assertTrue(answer.contains("your first message was \"And the moons?\""), answer);
    }

    @Test
    void the_instructions_stay_first_in_a_shortened_request() throws IOException {
        Chat chat = chat(tooLongForTheSmallModel(), "mock/small-context");

        chat.answer("Which is the biggest?");

        JsonNode first = lastRequest().path("messages").get(0);
        assertEquals("system", first.path("role").asText());
        assertEquals("Be brief.", first.path("content").asText());
    }

    @Test
    void a_shortened_request_starts_with_a_question_never_with_an_answer() throws IOException {
        Chat chat = chat(tooLongForTheSmallModel(), "mock/small-context");

        chat.answer("Which is the biggest?");

        assertEquals("user", lastRequest().path("messages").get(1).path("role").asText());
    }

    @Test
    void the_user_is_told_on_stderr_that_old_messages_were_left_out() {
        Chat chat = chat(tooLongForTheSmallModel(), "mock/small-context");

        chat.answer("Which is the biggest?");

        String told = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(told.contains("the 2 oldest messages are left out of the request. They stay saved."), told);
    }

    @Test
    void left_out_messages_stay_in_the_conversation() {
        Conversation conversation = tooLongForTheSmallModel();
        List<Message> before = new ArrayList<>(conversation.messages());
        Chat chat = chat(conversation, "mock/small-context");

        chat.answer("Which is the biggest?");

        assertEquals(before, conversation.messages().subList(0, before.size()));
        assertEquals(before.size() + 2, conversation.messages().size());
    }

    @Test
    void once_the_window_is_known_the_next_request_fits_the_first_time() {
        Chat chat = chat(tooLongForTheSmallModel(), "mock/small-context");
        chat.answer("Which is the biggest?");
        int requests = groq.requestCount();

        chat.answer("And the smallest?");

        assertEquals(requests + 1, groq.requestCount());
    }

    @Test
    void json_mode_still_mentions_json_when_the_message_that_did_is_left_out() throws IOException {
        Conversation conversation = conversation(null, LONG_QUESTION + " Answer in JSON.", "{}",
                "And the moons?", LONG_ANSWER);
        conversation.json(true);
        Chat chat = chat(conversation, "mock/small-context");

        chat.answer("Which is the biggest?");

        assertFalse(userMessagesSent().contains(LONG_QUESTION + " Answer in JSON."), "the question was left out");
        assertTrue(lastRequest().path("messages").toString().toLowerCase().contains("json"), lastRequest().toString());
    }

    @Test
    void a_question_too_long_on_its_own_fails_and_is_not_kept() {
        Conversation conversation = conversation("Be brief.");
        Chat chat = chat(conversation, "mock/small-context");
        String tooLong = "Why? ".repeat(200); // about 250 tokens

        ChatException error = assertThrows(ChatException.class, () -> chat.answer(tooLong));

        assertTrue(error.getMessage().contains("too long for mock/small-context"), error.getMessage());
        assertFalse(conversation.messages().stream().anyMatch(m -> m.content().equals(tooLong)));
    }

    // ---------------------------------------------------------------------------------

    /**
     * Instructions, then two turns: with one more question, too long for 200 tokens. Leaving
     * out the long first question alone would be enough, but would start the request with
     * an answer: its short answer has to go too.
     */
    private static Conversation tooLongForTheSmallModel() {
        return conversation("Be brief.", LONG_QUESTION, "Eight.", "And the moons?", LONG_ANSWER);
    }

    /** A conversation of alternating turns: a question, its answer, the next question, ... */
    private static Conversation conversation(String system, String... turns) {
        Conversation conversation = new Conversation();
        conversation.system(system);
        for (int i = 0; i < turns.length; i++) {
            conversation.add(i % 2 == 0 ? Message.user(turns[i]) : Message.assistant(turns[i]));
        }
        return conversation;
    }

    /** A chat with the local server, not saved, its output kept in memory. */
    private Chat chat(Conversation conversation, String model) {
        Terminal terminal = new Terminal(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), false, false);
        return new Chat(Clients.of(groq.baseUrl(), Clients.KEY, model, Clients.QUICK_RETRIES), conversation, null,
                terminal, true);
    }

    private static JsonNode lastRequest() throws IOException {
        return JSON.readTree(groq.lastRequestBody());
    }

    private static List<String> userMessagesSent() throws IOException {
        List<String> said = new ArrayList<>();
        for (JsonNode message : lastRequest().path("messages")) {
            if (message.path("role").asText().equals("user")) {
                said.add(message.path("content").asText());
            }
        }
        return said;
    }
}
