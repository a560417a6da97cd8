package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.llm.BuiltInTool;
import bnagpt.devs.llm.Image;
import bnagpt.devs.llm.Limits;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.Source;
import bnagpt.devs.model.ToolRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The devs app's LLM layer with Groq's built-in tools and images: what the request carries
 * (one "tools" key; image parts), how executed_tools in the stream become Listener.onTool
 * calls (started, then finished), how much of what a server sends is kept, and the
 * sentences for Groq's refusals. Against LocalGroq, and MockWebServer where a stream must be
 * exactly so.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsToolsLlmTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Limits LIMITS = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 8 << 20, 64L << 20);

    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(Clients.KEY);

    @AutoClose
    MockWebServer server = Clients.startedMockServer();

    Llm llm(String baseUrl) {
        return new OpenAiCompatibleLlm(baseUrl, Clients.KEY, Clients.MODEL, LIMITS, DevsLlmTest.QUICK_RETRIES,
                OpenAiCompatibleLlm.httpClient(Map.of()));
    }

    static Llm.Request ask(String model, String prompt, BuiltInTool... tools) {
        return new Llm.Request(model, null, List.of(Message.user(prompt)), false, Set.of(tools), Map.of());
    }

    /** Every event in order: "reasoning", "content", or "tool INDEX KIND started|finished". */
    static final class Heard extends RecordingListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<ToolRun> runs = new CopyOnWriteArrayList<>();

        @Override
        public void onContent(String text) {
            super.onContent(text);
            events.add("content");
        }

        @Override
        public void onReasoning(String text) {
            super.onReasoning(text);
            events.add("reasoning");
        }

        @Override
        public void onTool(int index, ToolRun run) {
            runs.add(run);
            events.add("tool " + index + " " + run.kind() + (run.finished() ? " finished" : " started"));
        }

        List<String> distinctEvents() {
            return events.stream().distinct().toList();
        }
    }

    // ---- the request ------------------------------------------------------------------------

    @Test
    void a_search_request_carries_one_tools_key_holding_browser_search() throws Exception {
        llm(groq.baseUrl()).stream(ask("openai/gpt-oss-120b", "java news", BuiltInTool.SEARCH), new Heard(), new Stop());
        String body = groq.lastRequestBody();
        assertEquals(1, body.split("\"tools\"", -1).length - 1, body);
        assertEquals(JSON.readTree("[{\"type\":\"browser_search\"}]"), JSON.readTree(body).path("tools"));
    }

    @Test
    void a_code_request_carries_code_interpreter_and_both_tools_go_in_a_fixed_order() throws Exception {
        llm(groq.baseUrl()).stream(ask("openai/gpt-oss-120b", "6 x 7", BuiltInTool.CODE), new Heard(), new Stop());
        assertEquals(JSON.readTree("[{\"type\":\"code_interpreter\"}]"), JSON.readTree(groq.lastRequestBody()).path("tools"));

        llm(groq.baseUrl()).stream(ask("openai/gpt-oss-120b", "both", BuiltInTool.CODE, BuiltInTool.SEARCH), new Heard(), new Stop());
        assertEquals(JSON.readTree("[{\"type\":\"browser_search\"},{\"type\":\"code_interpreter\"}]"),
                JSON.readTree(groq.lastRequestBody()).path("tools"));
    }

    @Test
    void a_request_without_tools_has_no_tools_key() {
        llm(groq.baseUrl()).stream(ask("openai/gpt-oss-120b", "hi"), new Heard(), new Stop());
        assertFalse(groq.lastRequestBody().contains("\"tools\""), groq.lastRequestBody());
    }

    @Test
    void an_image_goes_as_an_image_url_part_with_a_data_url_beside_the_text() throws Exception {
        byte[] jpeg = LocalGroqToolsTest.picture("jpg", 64, 48);
        Heard heard = new Heard();
        llm(groq.baseUrl()).stream(new Llm.Request("qwen/qwen3.8-27b", null, List.of(Message.user("What is this?")), false,
                Set.of(), Map.of(0, List.of(new Image("image/jpeg", jpeg)))), heard, new Stop());

        JsonNode parts = JSON.readTree(groq.lastRequestBody()).path("messages").path(0).path("content");
        assertEquals("text", parts.path(0).path("type").asText());
        assertEquals("What is this?", parts.path(0).path("text").asText());
        assertEquals("image_url", parts.path(1).path("type").asText());
        assertEquals("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg),
                parts.path(1).path("image_url").path("url").asText());
        assertTrue(heard.text().contains("Image 1 is a JPEG picture of 64 x 48 pixels."), heard.text());
    }

    // ---- executed_tools become onTool ---------------------------------------------------------

    @Test
    void a_search_becomes_a_started_run_then_a_finished_one_with_its_sources_before_the_answer() {
        Heard heard = new Heard();
        Llm.Reply reply = llm(groq.baseUrl()).stream(ask("openai/gpt-oss-120b", "java news", BuiltInTool.SEARCH), heard, new Stop());

        assertTrue(reply.complete());
        assertEquals(List.of("reasoning", "tool 0 search started", "tool 0 search finished", "content"), heard.distinctEvents());
        ToolRun started = heard.runs.get(0);
        assertEquals("java news", started.input());
        assertNull(started.output());
        assertTrue(started.sources().isEmpty());
        ToolRun finished = heard.runs.get(1);
        assertEquals("java news", finished.input());
        assertEquals(List.of(new Source("Result 1 for java news", "https://example.com/search/1"),
                new Source("Result 2 for java news", "https://example.com/search/2"),
                new Source("Result 3 for java news", "https://example.com/search/3")), finished.sources());
        assertTrue(heard.text().contains("[1]") && heard.text().contains("[2]"), heard.text());
    }

    @Test
    void a_code_run_becomes_its_code_then_its_output() {
        Heard heard = new Heard();
        llm(groq.baseUrl()).stream(ask("openai/gpt-oss-20b", "6 times 7?", BuiltInTool.CODE), heard, new Stop());

        assertEquals(List.of("reasoning", "tool 0 code started", "tool 0 code finished", "content"), heard.distinctEvents());
        assertEquals(new ToolRun(ToolRun.CODE, "print(6 * 7)", null, List.of()), heard.runs.get(0));
        assertEquals(new ToolRun(ToolRun.CODE, "print(6 * 7)", "42\n", List.of()), heard.runs.get(1));
        assertTrue(heard.text().contains("42"), heard.text());
    }

    @Test
    void a_whole_answer_where_a_stream_was_asked_for_still_gives_its_finished_runs() {
        Heard heard = new Heard();
        llm(groq.baseUrl()).stream(ask("openai/gpt-oss-120b", "java news #mock:whole", BuiltInTool.SEARCH), heard, new Stop());
        assertEquals("tool 0 search finished", heard.events.get(0), heard.events.toString());
        assertTrue(heard.text().contains("[1]"), heard.text());
        assertEquals(3, heard.runs.get(0).sources().size());
    }

    @Test
    void of_60_sources_50_are_kept_and_the_run_says_how_many_were_left_out() {
        Heard heard = new Heard();
        llm(groq.baseUrl()).stream(ask("openai/gpt-oss-120b", "many #mock:sources=60", BuiltInTool.SEARCH), heard, new Stop());
        ToolRun finished = heard.runs.get(1);
        assertEquals(50, finished.sources().size());
        assertEquals("https://example.com/search/50", finished.sources().get(49).url());
        assertTrue(finished.output().startsWith("10 more sources were left out"), finished.output());
    }

    @Test
    void a_5_mib_code_output_is_cut_to_64_kib_with_a_marker_saying_so() {
        Heard heard = new Heard();
        Llm.Reply reply = llm(groq.baseUrl()).stream(ask("openai/gpt-oss-120b", "big #mock:code-output-mb=5", BuiltInTool.CODE),
                heard, new Stop());
        assertTrue(reply.complete(), reply.interruption());
        String output = heard.runs.get(1).output();
        assertTrue(output.startsWith("42\n42\n"), output.substring(0, 20));
        assertTrue(output.length() < 64 * 1024 + 200, "kept: " + output.length());
        assertTrue(output.endsWith("[… the output was cut here: it was 5,242,880 characters long, the first 65,536 are kept.]"),
                output.substring(output.length() - 120));
    }

    @Test
    void html_and_script_links_in_sources_arrive_as_plain_data() {
        Heard heard = new Heard();
        llm(groq.baseUrl()).stream(ask("openai/gpt-oss-120b", "x #mock:hostile-sources", BuiltInTool.SEARCH), heard, new Stop());
        List<Source> sources = heard.runs.get(1).sources();
        assertEquals(new Source("<script>alert('title')</script>Hostile title", "javascript:alert(1)"), sources.get(0));
        assertTrue(sources.get(1).url().startsWith("data:text/html,"), sources.get(1).url());
        assertEquals("https://example.com/good", sources.get(2).url());
    }

    @Test
    void unknown_tools_are_passed_over_and_long_titles_and_urls_are_bounded() {
        String longTitle = "t".repeat(1000);
        String longUrl = "https://example.com/" + "u".repeat(3000);
        server.enqueue(stream(
                delta("{\"executed_tools\":[{\"index\":0,\"type\":\"browser.open\",\"arguments\":\"{\\\"id\\\":3}\"}]}"),
                delta("{\"executed_tools\":[{\"index\":1,\"type\":\"wolfram_alpha\",\"arguments\":\"{}\",\"output\":\"x\"}]}"),
                delta("{\"executed_tools\":[{\"index\":2,\"type\":\"browser.search\",\"arguments\":\"{\\\"query\\\":\\\"q\\\"}\","
                        + "\"output\":\"\",\"search_results\":{\"results\":[{\"title\":\"" + longTitle + "\",\"url\":\"" + longUrl
                        + "\"},{\"title\":\"ok\",\"url\":\"https://example.com/ok\"}]}}]}"),
                delta("{\"executed_tools\":[{\"index\":3,\"type\":\"python\",\"arguments\":\"print(1)\","
                        + "\"code_results\":[{\"text\":\"1\\n\"}]}]}"),
                delta("{\"content\":\"Done.\"}")));
        Heard heard = new Heard();
        llm(server.url("/openai/v1").toString()).stream(ask(null, "hi"), heard, new Stop());

        assertEquals(List.of("tool 2 search finished", "tool 3 code finished", "content"), heard.distinctEvents());
        Source bounded = heard.runs.get(0).sources().get(0);
        assertEquals(300, bounded.title().length());
        assertEquals("", bounded.url(), "a cut URL would lead elsewhere: it is dropped");
        assertEquals(new Source("ok", "https://example.com/ok"), heard.runs.get(0).sources().get(1));
        assertEquals(new ToolRun(ToolRun.CODE, "print(1)", "1\n", List.of()), heard.runs.get(1));
        assertEquals("Done.", heard.text());
    }

    // ---- Groq's refusals, in sentences -------------------------------------------------------

    @Test
    void an_image_to_a_model_without_vision_is_one_sentence_naming_both_models() throws Exception {
        LlmFailure failure = assertThrows(LlmFailure.class, () -> llm(groq.baseUrl()).stream(new Llm.Request(
                "openai/gpt-oss-120b", null, List.of(Message.user("What is this?")), false, Set.of(),
                Map.of(0, List.of(new Image("image/jpeg", LocalGroqToolsTest.picture("jpg", 8, 8))))), new Heard(), new Stop()));
        assertEquals("The model openai/gpt-oss-120b cannot see images: ask qwen/qwen3.8-27b, Groq's vision model, instead "
                + "(-m qwen/qwen3.8-27b).", failure.getMessage());
    }

    @Test
    void a_fourth_image_and_a_request_over_4_mb_are_sentences_too() throws Exception {
        Image small = new Image("image/jpeg", LocalGroqToolsTest.picture("jpg", 8, 8));
        LlmFailure four = assertThrows(LlmFailure.class, () -> llm(groq.baseUrl()).stream(new Llm.Request("qwen/qwen3.8-27b",
                null, List.of(Message.user("Four?")), false, Set.of(), Map.of(0, List.of(small, small, small, small))),
                new Heard(), new Stop()));
        assertTrue(four.getMessage().contains("reads at most 3"), four.getMessage());

        Image huge = new Image("image/jpeg", new byte[3_200_000]);
        LlmFailure large = assertThrows(LlmFailure.class, () -> llm(groq.baseUrl()).stream(new Llm.Request("qwen/qwen3.8-27b",
                null, List.of(Message.user("Big?")), false, Set.of(), Map.of(0, List.of(huge))), new Heard(), new Stop()));
        assertTrue(large.getMessage().startsWith("The images are too large together"), large.getMessage());
    }

    @Test
    void search_on_a_model_without_built_in_tools_says_where_they_run_without_the_key_or_the_body() {
        LlmFailure failure = assertThrows(LlmFailure.class, () -> llm(groq.baseUrl()).stream(
                ask("qwen/qwen3.8-27b", "java news", BuiltInTool.SEARCH), new Heard(), new Stop()));
        assertTrue(failure.getMessage().contains("openai/gpt-oss-120b and openai/gpt-oss-20b only, not on qwen/qwen3.8-27b"),
                failure.getMessage());
        assertFalse(failure.getMessage().contains(Clients.KEY) || failure.getMessage().contains("{"), failure.getMessage());
    }

    // ---- helpers ------------------------------------------------------------------------------

    static String delta(String delta) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"finish_reason\":null}]}\n\n";
    }

    static MockResponse stream(String... events) {
        String end = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(String.join("", events) + end).build();
    }
}
