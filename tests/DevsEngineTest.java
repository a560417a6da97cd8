package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.controller.ChatbotWithMemoryEngine;
import bnagpt.devs.controller.SimpleChatEngine;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engines (the controllers) on their own: a fake Llm beside them, and a real store in a temporary folder. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsEngineTest {
    static final long LIMIT = 1 << 20;

    @TempDir
    Path home;

    ConversationStore store() {
        return new ConversationStore(home);
    }

    ChatEngine memory(Llm llm) {
        return new ChatbotWithMemoryEngine(llm, store(), LIMIT, Duration.ZERO);
    }

    static Llm.Listener into(StringBuilder shown) {
        return shown::append;
    }

    @Test
    void the_memory_engine_sends_the_whole_conversation_and_saves_it() {
        DevsFakeLlm llm = DevsFakeLlm.answering("Hello", "!");
        Conversation conversation = new Conversation();
        memory(llm).answer(conversation, "one", text -> { }, new Stop());
        memory(llm).answer(conversation, "two", text -> { }, new Stop());

        assertEquals(List.of(Message.user("one"), Message.assistant("Hello!"), Message.user("two")),
                llm.requests.get(1).messages());
        assertEquals(4, store().load(conversation.id()).messages().size());
    }

    @Test
    void the_memory_engine_sends_a_window_of_the_conversation_while_the_saved_transcript_stays_whole() {
        DevsFakeLlm llm = DevsFakeLlm.answering("ok");
        ChatEngine engine = new ChatbotWithMemoryEngine(llm, store(), LIMIT, Duration.ZERO, 3);
        Conversation conversation = new Conversation();
        for (String prompt : List.of("a", "b", "c")) {
            engine.answer(conversation, prompt, text -> { }, new Stop());
        }
        assertEquals(List.of(Message.user("b"), Message.assistant("ok"), Message.user("c")), llm.requests.get(2).messages());
        assertEquals(6, store().load(conversation.id()).messages().size());
    }

    @Test
    void the_simple_engine_sends_the_last_prompt_only_and_saves_nothing() {
        DevsFakeLlm llm = DevsFakeLlm.answering("Hi");
        ChatEngine simple = new SimpleChatEngine(llm, LIMIT);
        Conversation conversation = new Conversation();
        simple.answer(conversation, "one", text -> { }, new Stop());
        simple.answer(conversation, "two", text -> { }, new Stop());

        assertEquals(List.of(Message.user("two")), llm.requests.get(1).messages());
        assertEquals(4, conversation.messages().size(), "the page still shows the whole chat");
        assertTrue(store().list().isEmpty());
    }

    @Test
    void instructions_json_mode_and_the_model_go_with_the_conversation() {
        DevsFakeLlm llm = DevsFakeLlm.answering("{}");
        Conversation conversation = new Conversation();
        conversation.system("Answer in JSON.");
        conversation.json(true);
        conversation.model("openai/gpt-oss-20b");
        memory(llm).answer(conversation, "hi", text -> { }, new Stop());

        Llm.Request sent = llm.requests.get(0);
        assertEquals("Answer in JSON.", sent.system());
        assertTrue(sent.json());
        assertEquals("openai/gpt-oss-20b", sent.model());
        Conversation saved = store().load(conversation.id());
        assertEquals("openai/gpt-oss-20b", saved.model());
        assertTrue(saved.json());
    }

    @Test
    void a_conversation_without_a_model_gets_the_default_one() {
        DevsFakeLlm llm = DevsFakeLlm.answering("ok");
        memory(llm).answer(new Conversation(), "hi", text -> { }, new Stop());
        assertEquals("fake/model", llm.requests.get(0).model());
    }

    @Test
    void a_question_that_gets_no_answer_at_all_is_taken_out_again_so_it_is_not_sent_twice() {
        ConversationStore store = store();
        Conversation conversation = new Conversation();
        memory(DevsFakeLlm.answering("first answer")).answer(conversation, "first", text -> { }, new Stop());
        ChatEngine failing = new ChatbotWithMemoryEngine(DevsFakeLlm.failing("Could not reach the server."), store,
                LIMIT, Duration.ZERO);

        LlmFailure failure = assertThrows(LlmFailure.class,
                () -> failing.answer(conversation, "lost?", text -> { }, new Stop()));

        assertEquals("Could not reach the server.", failure.getMessage());
        assertEquals(List.of("first", "first answer"),
                store.load(conversation.id()).messages().stream().map(Message::content).toList());
    }

    @Test
    void a_new_conversation_whose_first_question_gets_no_answer_leaves_no_file() {
        ConversationStore store = store();
        Conversation conversation = new Conversation();
        ChatEngine failing = new ChatbotWithMemoryEngine(DevsFakeLlm.failing("Could not reach the server."), store,
                LIMIT, Duration.ZERO);

        assertThrows(LlmFailure.class, () -> failing.answer(conversation, "hello?", text -> { }, new Stop()));

        assertTrue(store.list().isEmpty(), "no empty conversation left in the sidebar");
    }

    @Test
    void a_long_answer_is_saved_as_it_grows_marked_cut_until_it_ends() {
        ConversationStore store = store();
        Conversation conversation = new Conversation();
        List<Message> seen = new ArrayList<>();
        DevsFakeLlm llm = DevsFakeLlm.answering("one ", "two ", "three").between(piece -> {
            if (piece == 1) {
                seen.add(store.load(conversation.id()).last());
            }
        });
        new ChatbotWithMemoryEngine(llm, store, LIMIT, Duration.ZERO).answer(conversation, "count", text -> { }, new Stop());

        assertEquals(new Message("assistant", "one two ", null, true), seen.get(0));
        assertEquals(Message.assistant("one two three"), store.load(conversation.id()).last());
    }

    @Test
    void the_stop_button_keeps_the_part_that_arrived_marked_cut_and_saved() {
        Stop stop = new Stop();
        DevsFakeLlm llm = DevsFakeLlm.answering("kept ", "lost").between(piece -> stop.stop("You stopped the answer."));
        Conversation conversation = new Conversation();
        StringBuilder shown = new StringBuilder();

        ChatEngine.Turn turn = memory(llm).answer(conversation, "go", into(shown), stop);

        assertEquals("kept ", shown.toString());
        assertEquals(new Message("assistant", "kept ", null, true), turn.answer());
        assertEquals("You stopped the answer.", turn.notice());
        assertEquals(turn.answer(), store().load(conversation.id()).last());
    }

    @Test
    void an_endless_answer_is_cut_at_the_limit_with_a_sentence_and_saved() {
        ChatEngine engine = new ChatbotWithMemoryEngine(DevsFakeLlm.endless(), store(), 1 << 20, Duration.ofSeconds(1));
        Conversation conversation = new Conversation();

        ChatEngine.Turn turn = engine.answer(conversation, "go on", text -> { }, new Stop());

        assertTrue(turn.answer().cut());
        assertTrue(turn.answer().content().length() <= 1 << 20, "the answer stays within its limit");
        assertTrue(turn.answer().content().length() > (1 << 20) - 10, "and holds what fit");
        assertTrue(turn.notice().contains("1 MiB"), turn.notice());
        assertFalse(turn.reply().complete());
        assertTrue(store().load(conversation.id()).last().cut());
    }

    @Test
    void a_whole_answer_leaves_no_notice() {
        ChatEngine.Turn turn = memory(DevsFakeLlm.answering("fine")).answer(new Conversation(), "hi", text -> { }, new Stop());
        assertNull(turn.notice());
        assertFalse(turn.answer().cut());
    }
}
