package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.llm.Limits;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.llm.RetryPolicy;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The devs app's LLM layer (LangChain4j under our transport) against the local Groq server
 * and its #mock: misbehaviours: what streams, how long it waits, and what it says when it fails.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsLlmTest {
    static final String KEY = Clients.KEY;
    static final Limits QUICK = new Limits(Duration.ofSeconds(2), Duration.ofSeconds(2), 1 << 20, 64L << 20);
    static final RetryPolicy QUICK_RETRIES = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(40),
            Duration.ofSeconds(5));

    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(KEY);

    static Llm llm(String baseUrl, String key) {
        return new OpenAiCompatibleLlm(baseUrl, key, Clients.MODEL, QUICK, QUICK_RETRIES, OpenAiCompatibleLlm.httpClient(Map.of()));
    }

    Llm llm() {
        return llm(groq.baseUrl(), KEY);
    }

    static Llm.Request ask(String prompt) {
        return new Llm.Request(null, null, List.of(Message.user(prompt)), false);
    }

    @Test
    void an_answer_streams_in_pieces_with_the_reasoning_apart_and_its_usage() {
        RecordingListener heard = new RecordingListener();
        Llm.Reply reply = llm().stream(ask("hello there"), heard, new Stop());

        assertTrue(reply.complete());
        assertEquals("stop", reply.finishReason());
        assertTrue(heard.content.size() > 3, "pieces: " + heard.content);
        assertEquals("You said \"hello there\". This is the first message of our conversation.", heard.text());
        assertFalse(heard.reasoning.isEmpty(), "gpt-oss thinks first");
        assertFalse(heard.text().contains(String.join("", heard.reasoning)), "the thinking is not in the answer");
        assertTrue(reply.usage().completionTokens() > 0);
        assertTrue(reply.usage().promptTokens() > 0);
        assertTrue(reply.usage().tokensPerSecond() > 0);
        assertTrue(reply.timeToFirstToken() != null);
    }

    @Test
    void the_model_instructions_and_json_mode_go_in_the_request() {
        llm().stream(new Llm.Request("openai/gpt-oss-20b", "Answer in JSON.", List.of(Message.user("hi, JSON")), true),
                new RecordingListener(), new Stop());
        String body = groq.lastRequestBody().replaceAll("\\s+", "");
        assertTrue(body.contains("\"model\":\"openai/gpt-oss-20b\""), body);
        assertTrue(body.contains("{\"role\":\"system\",\"content\":\"AnswerinJSON.\"}"), body);
        assertTrue(body.contains("\"response_format\":{\"type\":\"json_object\"}"), body);
    }

    @Test
    void the_conversation_goes_in_order_and_the_server_hears_all_of_it() {
        RecordingListener heard = new RecordingListener();
        llm().stream(new Llm.Request(null, null, List.of(Message.user("first"), Message.assistant("ok"),
                Message.user("second")), false), heard, new Stop());
        assertTrue(heard.text().contains("your first message was \"first\""), heard.text());
    }

    @Test
    void the_stop_button_before_the_first_token_ends_the_wait_and_says_so() {
        Stop stop = new Stop();
        new Thread(() -> {
            sleep(300);
            stop.stop("You stopped the answer.");
        }).start();
        long start = System.nanoTime();
        Llm.Reply reply = llm().stream(ask("go #mock:slow-start=5000"), new RecordingListener(), stop);
        assertEquals("You stopped the answer.", reply.interruption());
        assertTrue(System.nanoTime() - start < 1_500_000_000L, "it did not wait for the server");
    }

    @Test
    void the_stop_button_mid_answer_keeps_what_arrived() {
        Stop stop = new Stop();
        RecordingListener heard = new RecordingListener() {
            @Override
            public void onContent(String text) {
                super.onContent(text);
                if (content.size() == 3) {
                    stop.stop("You stopped the answer.");
                }
            }
        };
        Llm.Reply reply = llm().stream(ask("go #mock:tokens=1000 #mock:tps=200"), heard, stop);
        assertEquals("You stopped the answer.", reply.interruption());
        assertEquals(3, heard.content.size());
    }

    @Test
    void no_first_token_in_time_is_a_sentence_not_a_wait_forever() {
        long start = System.nanoTime();
        LlmFailure failure = assertThrows(LlmFailure.class, () -> llm().stream(ask("go #mock:no-answer"), new RecordingListener(), new Stop()));
        assertTrue(failure.getMessage().startsWith("No answer from " + groq.baseUrl()), failure.getMessage());
        assertTrue(failure.getMessage().contains("within 2 s"), failure.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @Test
    void a_stall_mid_answer_ends_it_keeping_the_part_keep_alives_aside() {
        RecordingListener heard = new RecordingListener();
        Llm.Reply reply = llm().stream(ask("go #mock:stall"), heard, new Stop());
        assertTrue(reply.interruption().startsWith("The answer stalled"), reply.interruption());
        assertEquals("The", heard.text());
    }

    @Test
    void a_cut_stream_keeps_the_part_and_says_it_was_cut() {
        RecordingListener heard = new RecordingListener();
        Llm.Reply reply = llm().stream(ask("go #mock:cut=3"), heard, new Stop());
        assertTrue(reply.interruption().startsWith("The connection was cut in the middle of the answer"), reply.interruption());
        assertEquals(3, heard.content.size());
    }

    @Test
    void an_error_event_mid_stream_ends_the_answer_with_the_servers_words() {
        RecordingListener heard = new RecordingListener();
        Llm.Reply reply = llm().stream(ask("go #mock:error-after=2"), heard, new Stop());
        assertEquals("The server stopped the answer with an error: The model ran out of capacity mid-answer (simulated). "
                + "(service_unavailable)", reply.interruption());
        assertEquals(2, heard.content.size());
    }

    @Test
    void an_endless_line_is_read_only_as_far_as_the_limit() {
        Llm.Reply reply = llm().stream(ask("go #mock:endless-line"), new RecordingListener(), new Stop());
        assertTrue(reply.interruption().contains("more than 1 MiB in one line"), reply.interruption());
    }

    @Test
    void a_stream_past_its_limit_ends_keeping_the_part_because_langchain4j_keeps_every_event() {
        Limits small = new Limits(Duration.ofSeconds(2), Duration.ofSeconds(2), 1 << 20, 1 << 20);
        Llm llm = new OpenAiCompatibleLlm(groq.baseUrl(), KEY, Clients.MODEL, small, QUICK_RETRIES,
                OpenAiCompatibleLlm.httpClient(Map.of()));
        RecordingListener heard = new RecordingListener();
        Llm.Reply reply = llm.stream(ask("go #mock:tokens=100000"), heard, new Stop());
        assertEquals("The server's stream passed 1 MiB, more than any answer needs, so reading stopped there.",
                reply.interruption());
        assertTrue(heard.content.size() > 1000, "the part before the limit arrived: " + heard.content.size());
    }

    @Test
    void no_key_for_groq_says_where_to_get_one() {
        Llm noKey = llm("https://api.groq.com/openai/v1", null);
        LlmFailure failure = assertThrows(LlmFailure.class, () -> noKey.stream(ask("hi"), new RecordingListener(), new Stop()));
        assertTrue(failure.getMessage().contains("https://console.groq.com/keys"), failure.getMessage());
    }

    @Test
    void a_rejected_key_is_a_sentence_that_never_shows_the_key() {
        String wrong = "gsk_fake_wrong_key_1234567890";
        LlmFailure failure = assertThrows(LlmFailure.class,
                () -> llm(groq.baseUrl(), wrong).stream(ask("hi"), new RecordingListener(), new Stop()));
        assertTrue(failure.getMessage().startsWith("The server rejected the API key (401)"), failure.getMessage());
        assertFalse(failure.getMessage().contains(wrong));
        assertEquals(1, groq.requestCount(), "a 401 is not retried");
    }

    @Test
    void a_retired_model_is_named_with_the_models_to_use_now() {
        LlmFailure failure = assertThrows(LlmFailure.class, () -> llm().stream(
                new Llm.Request("llama3-70b-8192", null, List.of(Message.user("hi")), false), new RecordingListener(), new Stop()));
        assertEquals("model_decommissioned", failure.code());
        assertTrue(failure.getMessage().startsWith("The model \"llama3-70b-8192\" has been retired."), failure.getMessage());
        assertTrue(failure.getMessage().contains("Models you can use now: ") && failure.getMessage().contains("openai/gpt-oss-20b"),
                failure.getMessage());
    }

    @Test
    void an_unknown_model_and_a_wrong_address_are_told_apart() {
        LlmFailure model = assertThrows(LlmFailure.class, () -> llm().stream(
                new Llm.Request("no/such-model", null, List.of(Message.user("hi")), false), new RecordingListener(), new Stop()));
        assertTrue(model.getMessage().startsWith("The model \"no/such-model\" does not exist"), model.getMessage());
        String wrongPath = groq.baseUrl().replace("/openai/v1", "/nowhere/v1");
        LlmFailure address = assertThrows(LlmFailure.class,
                () -> llm(wrongPath, KEY).stream(ask("hi"), new RecordingListener(), new Stop()));
        assertTrue(address.getMessage().startsWith("Nothing answers at " + wrongPath + " (404)"), address.getMessage());
    }

    @Test
    void a_rate_limit_is_retried_as_groqs_sdks_do_and_said() {
        RecordingListener heard = new RecordingListener();
        Llm.Reply reply = llm().stream(ask("hi #mock:status=429 #mock:retry-after=0 #mock:times=2"), heard, new Stop());
        assertTrue(reply.complete());
        assertEquals(2, heard.retries.size(), heard.retries.toString());
        assertTrue(heard.retries.get(0).startsWith("The server's rate limit was reached (429). Trying again in"));
        assertEquals(3, groq.requestCount());
    }

    @Test
    void a_rate_limit_that_lasts_says_how_long_to_wait() {
        LlmFailure failure = assertThrows(LlmFailure.class,
                () -> llm().stream(ask("hi #mock:status=429 #mock:retry-after=30"), new RecordingListener(), new Stop()));
        assertTrue(failure.getMessage().contains("wait 30 s"), failure.getMessage());
        assertEquals(1, groq.requestCount(), "30 s is longer than the longest wait we retry after");
    }

    @Test
    void a_server_error_is_retried_twice_then_said() {
        LlmFailure failure = assertThrows(LlmFailure.class,
                () -> llm().stream(ask("hi #mock:status=503"), new RecordingListener(), new Stop()));
        assertTrue(failure.getMessage().startsWith("The server had a problem (503)"), failure.getMessage());
        assertEquals(3, groq.requestCount());
    }

    @Test
    void an_unreachable_server_is_a_sentence() {
        LlmFailure failure = assertThrows(LlmFailure.class,
                () -> llm("http://127.0.0.1:1/v1", KEY).stream(ask("hi"), new RecordingListener(), new Stop()));
        assertTrue(failure.getMessage().startsWith("Could not reach http://127.0.0.1:1/v1 (connection refused)"),
                failure.getMessage());
    }

    @Test
    void a_web_page_instead_of_the_api_is_called_what_it_is() {
        String portal = groq.baseUrl().replace("/openai/v1", "/captive-portal/v1");
        LlmFailure failure = assertThrows(LlmFailure.class,
                () -> llm(portal, KEY).stream(ask("hi"), new RecordingListener(), new Stop()));
        assertTrue(failure.getMessage().contains("answered with a web page"), failure.getMessage());
        LlmFailure models = assertThrows(LlmFailure.class, () -> llm(portal, KEY).models());
        assertTrue(models.getMessage().contains("answered with a web page"), models.getMessage());
    }

    @Test
    void the_models_are_listed_sorted() {
        List<String> ids = llm().models().stream().map(Llm.ModelInfo::id).toList();
        assertTrue(ids.contains("openai/gpt-oss-120b"), ids.toString());
        assertEquals(ids.stream().sorted().toList(), ids);
    }

    @Test
    void a_server_that_answers_with_one_whole_object_instead_of_a_stream_is_understood() {
        RecordingListener heard = new RecordingListener();
        Llm.Reply reply = llm().stream(ask("hello #mock:whole"), heard, new Stop());
        assertTrue(reply.complete(), String.valueOf(reply.interruption()));
        assertEquals("You said \"hello\". This is the first message of our conversation.", heard.text());
        assertTrue(reply.usage().completionTokens() > 0);
    }

    @Test
    void a_whole_answer_has_no_interruption() {
        Llm.Reply reply = llm().stream(ask("hi"), new RecordingListener(), new Stop());
        assertNull(reply.interruption());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
