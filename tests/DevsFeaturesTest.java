package bnagpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.controller.ChatbotWithMemoryEngine;
import bnagpt.devs.controller.Features;
import bnagpt.devs.controller.Pictures;
import bnagpt.devs.controller.Question;
import bnagpt.devs.controller.SimpleChatEngine;
import bnagpt.devs.llm.BuiltInTool;
import bnagpt.devs.llm.Image;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.Source;
import bnagpt.devs.model.StoreException;
import bnagpt.devs.model.ToolRun;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engines with the roadmap's features (issue 15): images, web search and code. A fake Llm
 * records what each request carried; the store and the attached files are real, in a
 * temporary folder.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsFeaturesTest {
    static final long LIMIT = 1 << 20;
    static final String VISION = "qwen/qwen3.8-27b";

    @TempDir
    Path home;

    ConversationStore store() {
        return new ConversationStore(home);
    }

    AttachmentStore files() {
        return new AttachmentStore(home);
    }

    ChatEngine memory(Llm llm) {
        return new ChatbotWithMemoryEngine(llm, store(), files(), Features.defaults(), LIMIT, Duration.ZERO,
                ChatbotWithMemoryEngine.WINDOW_MESSAGES);
    }

    /** A real JPEG of WIDTH x HEIGHT, kept as the page and ask keep one. */
    Attachment jpeg(String name, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return new Pictures(files()).keep(name, bytes.toByteArray());
    }

    static Question withImages(String text, Attachment... images) {
        return new Question(text, List.of(images), Set.of());
    }

    static Question withTools(String text, BuiltInTool... tools) {
        return new Question(text, List.of(), Set.of(tools));
    }

    byte[] bytesOf(Attachment attachment) {
        return files().read(attachment);
    }

    @Test
    void an_image_goes_to_the_vision_model_which_the_conversation_switches_to_saying_so() {
        DevsFakeLlm llm = DevsFakeLlm.answering("A black square.");
        Attachment cat = jpeg("cat.jpg", 64, 48);
        Conversation conversation = new Conversation();
        conversation.model("openai/gpt-oss-120b");

        ChatEngine.Turn turn = memory(llm).answer(conversation, withImages("What is this?", cat), text -> { }, new Stop());

        Llm.Request sent = llm.requests.get(0);
        assertEquals(VISION, sent.model());
        assertEquals(Set.of(0), sent.images().keySet());
        assertEquals("image/jpeg", sent.images().get(0).get(0).mediaType());
        assertArrayEquals(bytesOf(cat), sent.images().get(0).get(0).bytes());
        assertEquals("Switched to qwen/qwen3.8-27b, the model that can see images.", turn.notice());
        Conversation saved = store().load(conversation.id());
        assertEquals(VISION, saved.model());
        assertEquals(List.of(cat), saved.messages().get(0).attachments());
    }

    @Test
    void a_model_the_user_chose_for_the_turn_is_sent_as_it_is_with_the_image() {
        DevsFakeLlm llm = DevsFakeLlm.answering("?");
        Conversation conversation = new Conversation();
        conversation.model("openai/gpt-oss-20b");
        Question pinned = new Question("What is this?", List.of(jpeg("cat.jpg", 8, 8)), Set.of(), true);

        ChatEngine.Turn turn = memory(llm).answer(conversation, pinned, text -> { }, new Stop());

        assertEquals("openai/gpt-oss-20b", llm.requests.get(0).model());
        assertEquals(1, llm.requests.get(0).images().get(0).size(), "sent all the same: the server says no");
        assertNull(turn.notice());
    }

    @Test
    void a_search_goes_with_the_request_on_a_gpt_oss_model_switched_to_saying_so() {
        DevsFakeLlm llm = DevsFakeLlm.answering("ok");
        Conversation conversation = new Conversation();
        conversation.model(VISION);

        ChatEngine.Turn turn = memory(llm).answer(conversation, withTools("news?", BuiltInTool.SEARCH), text -> { },
                new Stop());

        assertEquals(Set.of(BuiltInTool.SEARCH), llm.requests.get(0).tools());
        assertEquals("openai/gpt-oss-120b", llm.requests.get(0).model());
        assertEquals("Switched to openai/gpt-oss-120b, the model that can search the web.", turn.notice());
    }

    @Test
    void code_on_a_gpt_oss_model_keeps_that_model_and_says_nothing() {
        DevsFakeLlm llm = DevsFakeLlm.answering("42");
        Conversation conversation = new Conversation();
        conversation.model("openai/gpt-oss-20b");

        ChatEngine.Turn turn = memory(llm).answer(conversation, withTools("6*7?", BuiltInTool.CODE), text -> { },
                new Stop());

        assertEquals(Set.of(BuiltInTool.CODE), llm.requests.get(0).tools());
        assertEquals("openai/gpt-oss-20b", llm.requests.get(0).model());
        assertNull(turn.notice());
    }

    @Test
    void images_with_a_search_are_refused_before_anything_is_sent_or_kept() {
        DevsFakeLlm llm = DevsFakeLlm.answering("never");
        Conversation conversation = new Conversation();
        Question both = new Question("?", List.of(jpeg("cat.jpg", 8, 8)), Set.of(BuiltInTool.SEARCH));

        LlmFailure refused = assertThrows(LlmFailure.class,
                () -> memory(llm).answer(conversation, both, text -> { }, new Stop()));

        assertEquals("No model reads images and searches the web at once: send the images in one question and switch "
                + "the tools on for another.", refused.getMessage());
        assertTrue(llm.requests.isEmpty());
        assertTrue(conversation.messages().isEmpty());
        assertTrue(store().list().isEmpty());
    }

    @Test
    void a_fourth_image_is_refused_with_a_sentence() {
        DevsFakeLlm llm = DevsFakeLlm.answering("never");
        Attachment[] four = {jpeg("1.jpg", 8, 8), jpeg("2.jpg", 9, 9), jpeg("3.jpg", 10, 10), jpeg("4.jpg", 11, 11)};

        LlmFailure refused = assertThrows(LlmFailure.class,
                () -> memory(llm).answer(new Conversation(), withImages("?", four), text -> { }, new Stop()));

        assertEquals("A question takes at most 3 images, and this one has 4: send fewer.", refused.getMessage());
        assertTrue(llm.requests.isEmpty());
    }

    @Test
    void tool_runs_reach_the_view_as_they_run_and_are_kept_with_the_saved_answer() {
        ToolRun search = new ToolRun("search", "cats", null, List.of(new Source("Cats", "https://example.com/cats")));
        ToolRun code = new ToolRun("code", "print(6*7)", "42\n", List.of());
        DevsFakeLlm llm = DevsFakeLlm.answering("Cats [1]; 42.").tools(search, code);
        List<String> seen = new ArrayList<>();
        Llm.Listener view = new Llm.Listener() {
            @Override
            public void onContent(String text) { }

            @Override
            public void onTool(int index, ToolRun run) {
                seen.add(index + ":" + run.kind() + ":" + run.finished());
            }
        };
        Conversation conversation = new Conversation();

        ChatEngine.Turn turn = memory(llm).answer(conversation,
                withTools("cats, and 6*7?", BuiltInTool.SEARCH, BuiltInTool.CODE), view, new Stop());

        assertEquals(List.of("0:search:false", "0:search:true", "1:code:false", "1:code:true"), seen);
        assertEquals(List.of(search, code), turn.answer().tools(), "a finished run replaces the started one");
        assertEquals(List.of(search, code), store().load(conversation.id()).last().tools());
    }

    @Test
    void tool_runs_are_in_the_answer_saved_while_it_grows() {
        ConversationStore store = store();
        Conversation conversation = new Conversation();
        List<Message> seen = new ArrayList<>();
        ToolRun code = new ToolRun("code", "print(6*7)", "42\n", List.of());
        DevsFakeLlm llm = DevsFakeLlm.answering("It is ", "42").tools(code).between(piece -> {
            if (piece == 0) {
                seen.add(store.load(conversation.id()).last());
            }
        });

        memory(llm).answer(conversation, withTools("6*7?", BuiltInTool.CODE), text -> { }, new Stop());

        assertEquals(List.of(code), seen.get(0).tools());
        assertTrue(seen.get(0).cut(), "still arriving");
    }

    @Test
    void earlier_images_go_again_newest_first_and_three_at_most() {
        DevsFakeLlm llm = DevsFakeLlm.answering("seen");
        Attachment a = jpeg("a.jpg", 10, 10);
        Attachment b = jpeg("b.jpg", 11, 11);
        Attachment c = jpeg("c.jpg", 12, 12);
        Attachment d = jpeg("d.jpg", 13, 13);
        Conversation conversation = new Conversation();
        memory(llm).answer(conversation, withImages("first", a, b), text -> { }, new Stop());
        memory(llm).answer(conversation, withImages("second", c, d), text -> { }, new Stop());

        memory(llm).answer(conversation, "and now?", text -> { }, new Stop());

        Map<Integer, List<Image>> images = llm.requests.get(2).images();
        assertEquals(Set.of(0, 2), images.keySet(), "the messages that carried them: first and second");
        assertEquals(2, images.get(2).size());
        assertEquals(1, images.get(0).size(), "room for one more of the older ones");
        assertArrayEquals(bytesOf(a), images.get(0).get(0).bytes());
        assertEquals(VISION, llm.requests.get(2).model());
    }

    @Test
    void a_reopened_conversation_sends_its_images_again() {
        DevsFakeLlm llm = DevsFakeLlm.answering("a square");
        Attachment cat = jpeg("cat.jpg", 20, 20);
        Conversation first = new Conversation();
        memory(llm).answer(first, withImages("what?", cat), text -> { }, new Stop());

        Conversation reopened = store().load(first.id());
        memory(llm).answer(reopened, "what colour?", text -> { }, new Stop());

        assertArrayEquals(bytesOf(cat), llm.requests.get(1).images().get(0).get(0).bytes());
        assertEquals(VISION, llm.requests.get(1).model());
    }

    @Test
    void an_image_file_that_went_missing_is_said_in_a_sentence_and_nothing_is_sent() throws IOException {
        DevsFakeLlm llm = DevsFakeLlm.answering("a square");
        Attachment cat = jpeg("cat.jpg", 20, 20);
        Conversation conversation = new Conversation();
        memory(llm).answer(conversation, withImages("what?", cat), text -> { }, new Stop());
        Files.delete(files().path(cat.file()));

        StoreException missing = assertThrows(StoreException.class,
                () -> memory(llm).answer(conversation, "again?", text -> { }, new Stop()));

        assertTrue(missing.getMessage().startsWith("The attached file \"cat.jpg\" is no longer in "), missing.getMessage());
        assertTrue(missing.getMessage().endsWith("Nothing was sent: start a new conversation to go on without it."));
        assertEquals(1, llm.requests.size());
        assertEquals(2, store().load(conversation.id()).messages().size(), "the question was not kept");
    }

    @Test
    void a_search_after_images_leaves_them_out_and_says_so() {
        DevsFakeLlm llm = DevsFakeLlm.answering("ok");
        Conversation conversation = new Conversation();
        memory(llm).answer(conversation, withImages("what?", jpeg("cat.jpg", 8, 8)), text -> { }, new Stop());

        ChatEngine.Turn turn = memory(llm).answer(conversation, withTools("more on the web?", BuiltInTool.SEARCH),
                text -> { }, new Stop());

        assertEquals(Map.of(), llm.requests.get(1).images());
        assertEquals("openai/gpt-oss-120b", llm.requests.get(1).model());
        assertEquals("Switched to openai/gpt-oss-120b, the model that can search the web. The images earlier in this "
                + "conversation were not sent: openai/gpt-oss-120b cannot see images.", turn.notice());
    }

    @Test
    void the_simple_engine_sends_the_last_questions_image_and_tools() {
        DevsFakeLlm llm = DevsFakeLlm.answering("ok");
        ChatEngine simple = new SimpleChatEngine(llm, files(), Features.defaults(), LIMIT);
        Conversation conversation = new Conversation();
        Attachment cat = jpeg("cat.jpg", 8, 8);
        simple.answer(conversation, withImages("what?", cat), text -> { }, new Stop());
        simple.answer(conversation, withTools("and the web?", BuiltInTool.SEARCH), text -> { }, new Stop());

        assertArrayEquals(bytesOf(cat), llm.requests.get(0).images().get(0).get(0).bytes());
        assertEquals(VISION, llm.requests.get(0).model());
        assertEquals(Map.of(), llm.requests.get(1).images(), "it sees the last question only");
        assertEquals(Set.of(BuiltInTool.SEARCH), llm.requests.get(1).tools());
        assertEquals("openai/gpt-oss-120b", llm.requests.get(1).model());
        assertTrue(store().list().isEmpty());
    }
}
