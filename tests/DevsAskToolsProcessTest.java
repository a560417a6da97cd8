package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang devs ask --search / --code / --image} as a user runs them: a process of its
 * own against LocalGroq, which plays Groq's built-in tools and its vision model (issue 15).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsAskToolsProcessTest {
    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;

    Map<String, String> env() {
        return Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", home.toString());
    }

    ChatCommand.Result ask(String... args) throws Exception {
        return DevsAskProcessTest.run(home, env(), "", args);
    }

    Path jpeg(String name, int width, int height) throws Exception {
        Path file = home.resolve(name);
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "jpeg", file.toFile());
        return file;
    }

    @Test
    void a_search_prints_its_sources_as_links_after_the_answer_and_keeps_them() throws Exception {
        ChatCommand.Result result = ask("--search", "Who won the match?");

        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("Searching the web: Who won the match?"), result.stderr());
        assertTrue(result.stdout().contains("\nSources:\n[1] Result 1 for Who won the match? - https://example.com/search/1\n"
                + "[2] Result 2 for Who won the match? - https://example.com/search/2\n"), result.stdout());
        Message answer = new ConversationStore(home).latest().last();
        assertEquals("search", answer.tools().get(0).kind());
        assertEquals(3, answer.tools().get(0).sources().size());
    }

    @Test
    void fifty_sources_print_twenty_and_a_count() throws Exception {
        ChatCommand.Result result = ask("--search", "everything #mock:sources=50");

        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("\n[20] Result 20 for "), result.stdout());
        assertFalse(result.stdout().contains("\n[21] "), result.stdout());
        assertTrue(result.stdout().contains("(and 30 more sources)"), result.stdout());
    }

    @Test
    void hostile_sources_print_as_plain_text() throws Exception {
        ChatCommand.Result result = ask("--search", "news #mock:hostile-sources");

        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("javascript:alert(1)"), "shown as the text it is: " + result.stdout());
        assertFalse((result.stdout() + result.stderr()).chars().anyMatch(c -> c == 0x1b), "no escape sequence");
    }

    @Test
    void code_runs_and_the_answer_says_42_with_the_code_and_its_output_on_stderr() throws Exception {
        ChatCommand.Result result = ask("--code", "What is 6 times 7?");

        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("42"), result.stdout());
        assertFalse(result.stdout().contains("Code that ran:"), "the transcript is not the answer: " + result.stdout());
        assertTrue(result.stderr().contains("Running code..."), result.stderr());
        assertTrue(result.stderr().contains("Code that ran:\nprint(6 * 7)\nIts output:\n42\n"), result.stderr());
    }

    @Test
    void an_image_is_described_by_the_vision_model_switched_to_and_again_when_the_conversation_goes_on() throws Exception {
        Path photo = jpeg("photo.jpg", 640, 480);

        ChatCommand.Result first = ask("--image", photo.toString(), "What is in this picture?");

        assertEquals(0, first.exitCode(), first.stderr());
        assertTrue(first.stdout().contains("Image 1 is a JPEG picture of 640 x 480 pixels."), first.stdout());
        assertTrue(first.stderr().contains("Switched to qwen/qwen3.8-27b, the model that can see images."),
                first.stderr());
        ChatCommand.Result again = ask("-c", "And now?");
        assertEquals(0, again.exitCode(), again.stderr());
        JsonNode sent = new ObjectMapper().readTree(groq.lastRequestBody());
        assertEquals("qwen/qwen3.8-27b", sent.path("model").asText());
        JsonNode firstQuestion = sent.path("messages").get(0).path("content");
        assertEquals("image_url", firstQuestion.get(1).path("type").asText(), "sent again: " + firstQuestion);
        assertTrue(firstQuestion.get(1).path("image_url").path("url").asText().startsWith("data:image/jpeg;base64,/9j/"));
    }

    @Test
    void an_image_to_a_model_chosen_with_m_that_cannot_see_gets_the_servers_refusal_in_a_sentence() throws Exception {
        ChatCommand.Result result = ask("-m", "openai/gpt-oss-20b", "--image", jpeg("photo.jpg", 64, 64).toString(),
                "What is it?");

        assertEquals(1, result.exitCode());
        assertEquals(1, result.stderr().strip().lines().count(), result.stderr());
        assertTrue(new ConversationStore(home).list().isEmpty(), "nothing answered, nothing kept");
    }

    @Test
    void an_html_file_given_as_an_image_is_refused_with_a_sentence() throws Exception {
        Path page = Files.writeString(home.resolve("cat.png"), "<!doctype html><script>alert(1)</script>");

        ChatCommand.Result result = ask("--image", page.toString(), "What is it?");

        assertEquals(2, result.exitCode());
        assertEquals("\"cat.png\" is not an image: attach a JPEG, PNG, GIF or WebP picture.\n", result.stderr());
    }

    @Test
    void a_conversation_with_an_image_and_a_search_keeps_them_through_a_turn_in_chat_java() throws Exception {
        ask("--image", jpeg("photo.jpg", 32, 32).toString(), "What is it?");
        ask("-c", "--search", "More on the web?");
        Conversation before = new ConversationStore(home).latest();
        JsonNode fileBefore = new ObjectMapper().readTree(home.resolve("conversations").resolve(before.id() + ".json")
                .toFile()).path("messages");

        ChatCommand.Result chat = ChatCommand.run(env(), "", "-c", "Thanks");

        assertEquals(0, chat.exitCode(), chat.stderr());
        Conversation after = new ConversationStore(home).load(before.id());
        assertEquals(before.messages(), after.messages().subList(0, 4));
        JsonNode fileAfter = new ObjectMapper().readTree(home.resolve("conversations").resolve(before.id() + ".json")
                .toFile()).path("messages");
        for (int i = 0; i < 4; i++) {
            assertEquals(fileBefore.get(i), fileAfter.get(i), "message " + (i + 1) + " as the devs app wrote it");
        }
        assertEquals(List.of("image"), after.messages().get(0).attachments().stream().map(a -> a.kind()).toList());
        assertEquals("search", after.messages().get(3).tools().get(0).kind());
    }
}
