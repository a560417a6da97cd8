package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.devs.view.web.WebServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The assistants on the page (the article's "GPTs"): the server lists the shelf's (yours in
 * HOME/assistants and the repository's examples), and a message sent with one carries its
 * instructions to the model as the system message; an id not on the shelf is refused.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebAssistantsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);
    @TempDir
    static Path home;
    @TempDir
    static Path profile;

    private static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(home.resolve("assistants"));
        Files.writeString(home.resolve("assistants/terse.md"), "---\nname: Terse\n---\nAnswer in five words at most.\n");
        server = DevsPage.start(groq.baseUrl(), home);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void the_state_lists_the_assistants_on_the_shelf() throws IOException {
        JsonNode assistants = get("/api/state").path("assistants");
        List<String> ids = new ArrayList<>();
        assistants.forEach(assistant -> ids.add(assistant.path("id").asText()));
        assertEquals(List.of("pirate", "recipe", "terse"), ids);
        assertEquals("Captain Byte", assistants.get(0).path("name").asText());
        assertEquals("openai/gpt-oss-20b", assistants.get(0).path("model").asText());
        assertTrue(assistants.get(0).path("instructions").asText().startsWith("You are Captain Byte"));
        assertTrue(assistants.get(2).path("model").isNull(), "terse names no model");
    }

    @Test
    void a_message_with_an_assistant_sends_its_instructions_as_the_system_message() throws IOException {
        String events = chat("{\"page\":\"simple\",\"message\":\"Ahoy?\",\"assistant\":\"pirate\","
                + "\"system\":\"the page's own words, not sent\"}");
        assertTrue(events.contains("\"type\":\"done\""), events);

        JsonNode sent = JSON.readTree(groq.lastRequestBody());
        JsonNode first = sent.path("messages").get(0);
        assertEquals("system", first.path("role").asText());
        assertTrue(first.path("content").asText().startsWith("You are Captain Byte, a cheerful pirate"), sent.toString());
        assertEquals("openai/gpt-oss-20b", sent.path("model").asText(), "the assistant's model");
        assertFalse(sent.toString().contains("not sent"));
    }

    @Test
    void the_pickers_model_wins_over_the_assistants_when_the_page_sends_one() throws IOException {
        chat("{\"page\":\"simple\",\"message\":\"Short?\",\"assistant\":\"pirate\",\"model\":\"qwen/qwen3.8-27b\"}");
        JsonNode sent = JSON.readTree(groq.lastRequestBody());
        assertEquals("qwen/qwen3.8-27b", sent.path("model").asText());
        assertTrue(sent.path("messages").get(0).path("content").asText().startsWith("You are Captain Byte"));
    }

    @Test
    void an_assistant_not_on_the_shelf_is_refused_with_a_sentence_and_nothing_is_sent() throws IOException {
        int before = groq.requestCount();
        for (String id : List.of("nobody", "../key", "/etc/passwd", "pirate.md")) {
            try (Response refused = post("{\"message\":\"hi\",\"assistant\":" + JSON.writeValueAsString(id) + "}")) {
                assertEquals(400, refused.code(), id);
                String sentence = JSON.readTree(refused.body().string()).path("error").asText();
                assertTrue(sentence.startsWith("There is no assistant \"") && sentence.endsWith("choose another, or none."),
                        sentence);
            }
        }
        assertEquals(before, groq.requestCount());
    }

    @Test
    void choosing_the_pirate_in_the_sidebar_sends_its_instructions() throws Exception {
        assumeTrue(Chromium.installed(), "Chromium or chromedriver is not installed: the page's browser tests need "
                + "them (apt-get install chromium chromium-driver)");
        ChromeDriver browser = Chromium.start(profile, 1200, 800);
        try {
            PageUser user = new PageUser(browser);
            user.open(server);
            Chromium.waitFor("the assistants", Duration.ofSeconds(10),
                    () -> browser.findElements(By.cssSelector("#assistant option")).size() > 1);
            browser.findElement(By.id("assistant")).click();
            browser.findElement(By.cssSelector("#assistant option[value='pirate']")).click();
            assertEquals("Captain Byte", browser.findElement(By.cssSelector("#assistant option:checked")).getText());
            assertTrue(browser.findElement(By.id("system")).getAttribute("value").startsWith("You are Captain Byte"));
            assertEquals("openai/gpt-oss-20b", browser.findElement(By.id("model")).getAttribute("value"));

            user.ask("Who are you?");
            assertTrue(PageUser.text(user.completeAnswer()).endsWith(
                    "My instructions begin: \"You are Captain Byte, a cheerful pirate who teaches programm\"."));
            JsonNode sent = JSON.readTree(groq.lastRequestBody());
            assertTrue(sent.path("messages").get(0).path("content").asText().startsWith("You are Captain Byte"),
                    sent.toString());
            assertEquals("openai/gpt-oss-20b", sent.path("model").asText());
        } finally {
            browser.quit();
        }
    }

    private static JsonNode get(String path) throws IOException {
        try (Response response = http.newCall(new Request.Builder().url(server.origin() + path)
                .header("X-Bnagpt-Secret", server.secret()).build()).execute()) {
            assertEquals(200, response.code(), path);
            return JSON.readTree(response.body().string());
        }
    }

    private static String chat(String body) throws IOException {
        try (Response response = post(body)) {
            assertEquals(200, response.code());
            return response.body().string();
        }
    }

    private static Response post(String body) throws IOException {
        return http.newCall(new Request.Builder().url(server.origin() + "/api/chat")
                .header("X-Bnagpt-Secret", server.secret()).post(RequestBody.create(body, JSON_TYPE)).build()).execute();
    }
}
