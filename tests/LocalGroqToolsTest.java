package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * LocalGroq plays Groq's built-in tools (browser_search, code_interpreter on gpt-oss) and its
 * vision model as agreed (docs/groq-tools.md): what ran arrives in delta.executed_tools, a
 * started run before its result; images are described from their real bytes, and refused
 * Groq's way where no vision is.
 */
class LocalGroqToolsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(null);

    @Test
    void a_search_streams_reasoning_then_the_started_search_then_its_results_then_an_answer_citing_them() throws Exception {
        List<JsonNode> deltas = stream(tools("openai/gpt-oss-120b", "browser_search", "java news"));

        List<String> order = new ArrayList<>();
        for (JsonNode delta : deltas) {
            if (delta.has("reasoning")) order.add("reasoning");
            if (delta.has("executed_tools")) order.add(delta.path("executed_tools").path(0).has("output") ? "finished" : "started");
            if (delta.path("content").asText("").length() > 0) order.add("content");
        }
        assertEquals(List.of("reasoning", "started", "finished", "content"), order.stream().distinct().toList());

        JsonNode started = tool(deltas, 0);
        assertEquals("browser.search", started.path("type").asText());
        assertEquals("java news", JSON.readTree(started.path("arguments").asText()).path("query").asText());
        JsonNode results = tool(deltas, 1).path("search_results").path("results");
        assertEquals(3, results.size());
        assertEquals("Result 2 for java news", results.path(1).path("title").asText());
        assertEquals("https://example.com/search/2", results.path(1).path("url").asText());
        assertTrue(results.path(0).has("content") && results.path(0).has("score"), results.toString());
        String answer = content(deltas);
        assertTrue(answer.contains("[1]") && answer.contains("[2]"), answer);
    }

    @Test
    void the_sources_directive_gives_that_many_results() throws Exception {
        JsonNode finished = tool(stream(tools("openai/gpt-oss-20b", "browser_search", "many #mock:sources=50")), 1);
        assertEquals(50, finished.path("search_results").path("results").size());
        assertEquals("https://example.com/search/50", finished.path("search_results").path("results").path(49).path("url").asText());
    }

    @Test
    void hostile_sources_carry_html_and_script_links_beside_a_good_one() throws Exception {
        JsonNode results = tool(stream(tools("openai/gpt-oss-20b", "browser_search", "x #mock:hostile-sources")), 1)
                .path("search_results").path("results");
        String all = results.toString();
        assertTrue(all.contains("<script>") && all.contains("onerror="), all);
        List<String> urls = new ArrayList<>();
        results.forEach(r -> urls.add(r.path("url").asText()));
        assertTrue(urls.contains("javascript:alert(1)"), urls.toString());
        assertTrue(urls.stream().anyMatch(u -> u.startsWith("data:text/html")), urls.toString());
        assertTrue(urls.contains("https://example.com/good"), urls.toString());
    }

    @Test
    void a_code_run_sends_the_code_then_its_output_and_the_answer_says_42() throws Exception {
        List<JsonNode> deltas = stream(tools("openai/gpt-oss-120b", "code_interpreter", "What is 6 times 7?"));

        JsonNode started = tool(deltas, 0);
        assertEquals("python", started.path("type").asText());
        assertFalse(started.has("output"));
        assertEquals("print(6 * 7)", JSON.readTree(started.path("arguments").asText()).path("code").asText());
        JsonNode finished = tool(deltas, 1);
        assertEquals(0, finished.path("index").asInt());
        assertEquals("42\n", finished.path("output").asText());
        assertEquals("42\n", finished.path("code_results").path(0).path("text").asText());
        assertTrue(content(deltas).contains("42"), content(deltas));
    }

    @Test
    void the_code_output_directive_makes_the_output_that_many_mebibytes() throws Exception {
        JsonNode finished = tool(stream(tools("openai/gpt-oss-120b", "code_interpreter", "big #mock:code-output-mb=5")), 1);
        assertEquals(5 * 1024 * 1024, finished.path("output").asText().length());
    }

    @Test
    void built_in_tools_on_a_model_without_them_get_a_400_naming_the_tool() throws Exception {
        HttpResponse<String> refused = post(tools("qwen/qwen3.8-27b", "browser_search", "hi"));
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("browser_search"), refused.body());
    }

    @Test
    void the_vision_model_describes_each_image_from_its_bytes() throws Exception {
        String body = images("qwen/qwen3.8-27b", picture("jpg", 640, 480), "image/jpeg", picture("png", 20, 10), "image/png");
        String answer = content(stream(body.replace("\"messages\"", "\"stream\":true,\"messages\"")));
        assertTrue(answer.contains("Image 1 is a JPEG picture of 640 x 480 pixels."), answer);
        assertTrue(answer.contains("Image 2 is a PNG picture of 20 x 10 pixels."), answer);
    }

    @Test
    void an_image_to_a_model_without_vision_gets_groqs_400() throws Exception {
        HttpResponse<String> refused = post(images("openai/gpt-oss-120b", picture("jpg", 64, 48), "image/jpeg"));
        assertEquals(400, refused.statusCode());
        assertEquals("messages[0].content must be a string", JSON.readTree(refused.body()).path("error").path("message").asText());
    }

    @Test
    void a_fourth_image_gets_a_400() throws Exception {
        byte[] one = picture("jpg", 64, 48);
        HttpResponse<String> refused = post(images("qwen/qwen3.8-27b", one, "image/jpeg", one, "image/jpeg", one,
                "image/jpeg", one, "image/jpeg"));
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("up to 3 images"), refused.body());
    }

    @Test
    void a_request_with_images_over_4_mb_gets_a_413() throws Exception {
        byte[] noise = new byte[3_100_000]; // 4.1 MB once in base64
        new java.util.Random(7).nextBytes(noise);
        HttpResponse<String> refused = post(images("qwen/qwen3.8-27b", noise, "image/jpeg"));
        assertEquals(413, refused.statusCode());
    }

    @Test
    void bytes_that_are_no_picture_get_a_400_invalid_image() throws Exception {
        HttpResponse<String> refused = post(images("qwen/qwen3.8-27b", "<html>not a picture</html>".getBytes(), "image/jpeg"));
        assertEquals(400, refused.statusCode());
        assertEquals("invalid_image", JSON.readTree(refused.body()).path("error").path("code").asText());
    }

    @Test
    void the_models_are_groqs_current_ones_and_a_retired_one_is_refused() throws Exception {
        HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(groq.baseUrl() + "/models"))
                .build(), HttpResponse.BodyHandlers.ofString());
        List<String> ids = new ArrayList<>();
        JSON.readTree(list.body()).path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertTrue(ids.containsAll(List.of("openai/gpt-oss-120b", "openai/gpt-oss-20b", "qwen/qwen3.8-27b",
                "whisper-large-v3-turbo", "canopylabs/orpheus-v1-english")), ids.toString());
        assertFalse(ids.contains("qwen/qwen3-32b") || ids.contains("groq/compound"), ids.toString());

        HttpResponse<String> retired = post("{\"model\":\"qwen/qwen3-32b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("model_decommissioned", JSON.readTree(retired.body()).path("error").path("code").asText());
    }

    // ---- helpers ---------------------------------------------------------------------------

    static String tools(String model, String tool, String prompt) throws Exception {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"tools\":[{\"type\":\"" + tool + "\"}],\"messages\":[{\"role\":\"user\","
                + "\"content\":" + JSON.writeValueAsString(prompt) + "}]}";
    }

    /** A user message "What is this?" with the images (bytes, media type, bytes, media type, ...). */
    static String images(String model, Object... picturesAndTypes) {
        StringBuilder parts = new StringBuilder("{\"type\":\"text\",\"text\":\"What is this?\"}");
        for (int i = 0; i < picturesAndTypes.length; i += 2) {
            parts.append(",{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:").append(picturesAndTypes[i + 1]).append(";base64,")
                    .append(Base64.getEncoder().encodeToString((byte[]) picturesAndTypes[i])).append("\"}}");
        }
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":[" + parts + "]}]}";
    }

    static byte[] picture(String format, int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), format, out);
        return out.toByteArray();
    }

    HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(groq.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The deltas of a streamed answer, in order. */
    List<JsonNode> stream(String body) throws Exception {
        HttpResponse<String> response = post(body);
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> deltas = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: {")) deltas.add(JSON.readTree(line.substring(6)).path("choices").path(0).path("delta"));
        }
        return deltas;
    }

    /** The n-th executed_tools entry of the stream. */
    static JsonNode tool(List<JsonNode> deltas, int n) {
        return deltas.stream().filter(d -> d.has("executed_tools")).skip(n).findFirst().orElseThrow().path("executed_tools").path(0);
    }

    static String content(List<JsonNode> deltas) {
        StringBuilder text = new StringBuilder();
        deltas.forEach(d -> text.append(d.path("content").asText("")));
        return text.toString();
    }
}
