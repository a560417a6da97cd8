package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.llm.BuiltInTool;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Source;
import bnagpt.devs.model.ToolRun;
import bnagpt.devs.view.web.WebServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What /api/chat says about tools and images, one event a line, with an Llm that plays a
 * search as Groq's stream reports one (started, then finished with its sources): the "tool"
 * events, the "done" event that carries what was kept, the model the engine switched to, and a
 * reopened conversation that still holds the images and the sources. No browser, no network.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebFeaturesEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final String HUGE = "x".repeat(300_000);

    @TempDir
    static Path home;

    private static final SearchingLlm llm = new SearchingLlm();
    private static WebServer server;
    private static final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    @BeforeAll
    static void start() {
        server = DevsPage.start(llm, home, "127.0.0.1");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_search_streams_as_tool_events_and_the_saved_conversation_keeps_its_sources() throws IOException {
        List<JsonNode> events = chat("{\"message\":\"Who won?\",\"tools\":[\"search\"]}");

        List<JsonNode> tools = events.stream().filter(e -> e.path("type").asText().equals("tool")).toList();
        assertEquals(2, tools.size(), events.toString());
        assertEquals("Who won?", tools.get(0).path("input").asText());
        assertTrue(tools.get(0).path("output").isNull(), "started: no output yet");
        assertEquals(0, tools.get(0).path("sources").size());
        assertEquals(2, tools.get(1).path("sources").size());
        assertEquals("https://example.com/a", tools.get(1).path("sources").get(0).path("url").asText());
        assertTrue(events.indexOf(tools.get(1)) < indexOfContent(events), "the search shows before the answer");
        assertEquals(BuiltInTool.SEARCH, llm.requests.get(llm.requests.size() - 1).tools().iterator().next());

        JsonNode done = events.get(events.size() - 1);
        assertEquals("done", done.path("type").asText());
        assertEquals("<b>Result</b> one", done.path("tools").get(0).path("sources").get(0).path("title").asText());
        JsonNode saved = conversation(done.path("conversation").asText());
        JsonNode answer = saved.path("messages").get(1);
        assertEquals(done.path("tools"), answer.path("tools"), "reopened, it shows what the answer showed");
    }

    @Test
    void the_engine_switches_to_a_model_that_searches_unless_you_chose_yours_and_says_so() throws IOException {
        JsonNode done = last(chat("{\"message\":\"Search\",\"model\":\"fake/model\",\"tools\":[\"search\"]}"));
        assertEquals("openai/gpt-oss-120b", done.path("model").asText(), "the picker shows the model that answered");
        assertTrue(done.path("notice").asText().startsWith("Switched to openai/gpt-oss-120b"), done.toString());

        JsonNode pinned = last(chat("{\"message\":\"Search\",\"model\":\"fake/model\",\"modelPinned\":true,"
                + "\"tools\":[\"search\"]}"));
        assertEquals("fake/model", pinned.path("model").asText());
        assertTrue(pinned.path("notice").isMissingNode(), pinned.toString());
    }

    @Test
    void an_image_goes_with_its_message_and_comes_back_when_the_conversation_is_reopened() throws IOException {
        JsonNode attachment;
        try (Response upload = call(withSecret("/api/attachments?name=cat.png")
                .post(RequestBody.create(WebPictures.plain(40, 30, "png"), MediaType.get("image/png"))))) {
            attachment = JSON.readTree(upload.body().string());
        }
        ObjectNode body = JSON.createObjectNode().put("message", "What is this?");
        body.putArray("attachments").add(attachment);
        JsonNode done = last(chat(body.toString()));

        Llm.Request sent = llm.requests.get(llm.requests.size() - 1);
        assertEquals(1, sent.images().values().iterator().next().size(), "the engine sent the kept picture");
        JsonNode question = conversation(done.path("conversation").asText()).path("messages").get(0);
        assertEquals(attachment, question.path("attachments").get(0));
    }

    @Test
    void a_huge_tool_output_reaches_the_page_cut_to_a_size_it_can_show() throws IOException {
        List<JsonNode> events = chat("{\"message\":\"run it #huge\",\"tools\":[\"code\"]}");

        JsonNode finished = events.stream().filter(e -> e.path("type").asText().equals("tool"))
                .reduce((first, second) -> second).orElseThrow();
        String output = finished.path("output").asText();
        assertTrue(output.length() < 100_200, String.valueOf(output.length()));
        assertTrue(output.endsWith("[... 200,000 more characters, not shown here]"), output.substring(99_990));
    }

    private static int indexOfContent(List<JsonNode> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).path("type").asText().equals("content")) {
                return i;
            }
        }
        return events.size();
    }

    /** An Llm that searches (or runs code) as Groq's stream reports it, then answers citing what it found. */
    private static final class SearchingLlm implements Llm {
        final List<Request> requests = new CopyOnWriteArrayList<>();

        @Override
        public Reply stream(Request request, Listener listener, Stop stop) {
            requests.add(request);
            String asked = request.messages().get(request.messages().size() - 1).content();
            if (request.tools().contains(BuiltInTool.CODE)) {
                listener.onTool(0, new ToolRun(ToolRun.CODE, "print('x' * 300000)", null, null));
                listener.onTool(0, new ToolRun(ToolRun.CODE, "print('x' * 300000)", HUGE, null));
            } else if (request.tools().contains(BuiltInTool.SEARCH)) {
                listener.onTool(0, new ToolRun(ToolRun.SEARCH, asked, null, null));
                listener.onTool(0, new ToolRun(ToolRun.SEARCH, asked, "", List.of(
                        new Source("<b>Result</b> one", "https://example.com/a"),
                        new Source("Result two", "javascript:alert(1)"))));
            }
            listener.onBatchEnd();
            listener.onContent("As [1] says, it is so.");
            listener.onBatchEnd();
            return new Reply("stop", null, null, null);
        }

        @Override
        public List<ModelInfo> models() {
            return List.of(new ModelInfo("fake/model", 1000));
        }

        @Override
        public String defaultModel() {
            return "fake/model";
        }
    }

    private static List<JsonNode> chat(String body) throws IOException {
        try (Response response = call(withSecret("/api/chat").post(RequestBody.create(body, JSON_TYPE)))) {
            assertEquals(200, response.code(), body);
            List<JsonNode> events = new ArrayList<>();
            for (String line : response.body().string().split("\n")) {
                if (!line.isEmpty()) {
                    events.add(JSON.readTree(line));
                }
            }
            return events;
        }
    }

    private static JsonNode last(List<JsonNode> events) {
        JsonNode last = events.get(events.size() - 1);
        assertEquals("done", last.path("type").asText(), events.toString());
        return last;
    }

    private static JsonNode conversation(String id) throws IOException {
        try (Response response = call(withSecret("/api/conversations/" + id))) {
            return JSON.readTree(response.body().string());
        }
    }

    private static Request.Builder withSecret(String path) {
        return new Request.Builder().url("http://127.0.0.1:" + server.port() + path)
                .header("X-Bnagpt-Secret", server.secret());
    }

    private static Response call(Request.Builder request) throws IOException {
        return http.newCall(request.build()).execute();
    }
}
