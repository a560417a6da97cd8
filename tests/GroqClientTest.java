package bnagpt;

import static bnagpt.GroqResponses.hello;
import static bnagpt.GroqResponses.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.GroqClient;
import bnagpt.chat.Message;
import bnagpt.chat.Model;
import bnagpt.chat.Reply;
import bnagpt.chat.ResponseFormat;
import bnagpt.chat.Usage;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** What the client sends, and what it makes of a stream that arrives well. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GroqClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fresh server for each test; JUnit closes it after the test. */
    @AutoClose
    private final MockWebServer server = Clients.startedMockServer();
    private final RecordingListener listener = new RecordingListener();
    private final GroqClient client = Clients.of(server);

    // ---------------------------------------------------------------------------------
    // The request.
    // ---------------------------------------------------------------------------------

    @Test
    void posts_to_chat_completions_under_the_base_url() throws Exception {
        server.enqueue(hello());

        client.stream(List.of(Message.user("Hi")), listener);

        RecordedRequest request = server.takeRequest();
        assertEquals("POST", request.getMethod());
        assertEquals("/openai/v1/chat/completions", request.getUrl().encodedPath());
    }

    @Test
    void sends_the_key_as_a_bearer_token() throws Exception {
        server.enqueue(hello());

        client.stream(List.of(Message.user("Hi")), listener);

        assertEquals("Bearer gsk_test_not_a_real_key_000", server.takeRequest().getHeaders().get("Authorization"));
    }

    @Test
    void sends_the_model_and_the_whole_conversation_in_order_and_asks_for_a_stream() throws Exception {
        server.enqueue(hello());

        client.stream(List.of(
                Message.system("You are bnaGPT."),
                Message.user("Hi"),
                Message.assistant("Hello!"),
                Message.user("What did I just say?")), listener);

        assertEquals(JSON.readTree("""
                {"model": "openai/gpt-oss-120b",
                 "messages": [{"role": "system", "content": "You are bnaGPT."},
                              {"role": "user", "content": "Hi"},
                              {"role": "assistant", "content": "Hello!"},
                              {"role": "user", "content": "What did I just say?"}],
                 "stream": true}
                """), JSON.readTree(server.takeRequest().getBody().utf8()));
    }

    @Test
    void asks_for_one_json_object_in_json_mode() throws Exception {
        server.enqueue(hello());

        client.stream(List.of(Message.user("Three colours, as JSON")), ResponseFormat.JSON, listener);

        assertEquals(JSON.readTree("{\"type\": \"json_object\"}"),
                JSON.readTree(server.takeRequest().getBody().utf8()).get("response_format"));
    }

    @Test
    void sends_no_authorization_header_without_a_key_to_a_server_that_is_not_groq() throws Exception {
        server.enqueue(hello());
        GroqClient keyless = Clients.of(server.url("/v1").toString(), null, "llama3.2", Clients.QUICK_RETRIES);

        keyless.stream(List.of(Message.user("Hi")), listener);

        assertNull(server.takeRequest().getHeaders().get("Authorization"));
    }

    // ---------------------------------------------------------------------------------
    // The answer.
    // ---------------------------------------------------------------------------------

    @Test
    void hands_each_piece_of_the_answer_to_the_listener_in_order() {
        server.enqueue(stream("""
                data: {"choices":[{"delta":{"content":"Hel"}}]}

                data: {"choices":[{"delta":{"content":"lo"}}]}

                data: {"choices":[{"delta":{"content":"!"},"finish_reason":"stop"}]}

                data: [DONE]

                """));

        client.stream(List.of(Message.user("Hi")), listener);

        assertEquals(List.of("Hel", "lo", "!"), listener.content);
    }

    @Test
    void hands_a_piece_on_while_the_rest_of_the_answer_is_still_on_its_way() {
        String firstEvent = """
                data: {"choices":[{"delta":{"content":"Hello"},"finish_reason":"stop"}]}

                """;
        // The server sends the first event, then waits 400 ms before "data: [DONE]". Were
        // the answer handed on only at the end, the listener would hear it 0 ms before.
        server.enqueue(stream(firstEvent + "data: [DONE]\n\n").newBuilder()
                .throttleBody(firstEvent.length(), 400, TimeUnit.MILLISECONDS)
                .build());
        long[] firstPieceAt = new long[1];

        client.stream(List.of(Message.user("Hi")), text -> firstPieceAt[0] = System.nanoTime());
        long endAt = System.nanoTime();

        assertTrue(Duration.ofNanos(endAt - firstPieceAt[0]).toMillis() >= 100,
                "the piece reached the listener only " + Duration.ofNanos(endAt - firstPieceAt[0]).toMillis()
                        + " ms before the stream ended");
    }

    @Test
    void the_reply_holds_the_whole_answer_its_finish_reason_and_its_usage() throws IOException {
        server.enqueue(stream(Files.readString(Repo.file("tests/streams/groq_stream.sse"))));

        Reply reply = client.stream(List.of(Message.user("Hi")), listener);

        assertEquals("Hello there!", reply.content());
        assertEquals("stop", reply.finishReason());
        assertEquals(new Usage(38, 4, 0.027, 0.03), reply.usage());
        assertTrue(reply.complete());
    }

    @Test
    void the_reply_keeps_the_reasoning_apart_from_the_answer() throws IOException {
        server.enqueue(stream(Files.readString(Repo.file("tests/streams/reasoning_before_content.sse"))));

        Reply reply = client.stream(List.of(Message.user("Hi")), listener);

        assertEquals("Hello!", reply.content());
        assertEquals("The user greets me. Greet back.", reply.reasoning());
        assertEquals(List.of("The user greets me.", " Greet back."), listener.reasoning);
        assertEquals(List.of("Hello!"), listener.content);
    }

    @Test
    void the_reply_measures_the_time_to_the_first_token() {
        server.enqueue(hello().newBuilder().headersDelay(300, TimeUnit.MILLISECONDS).build());

        Reply reply = client.stream(List.of(Message.user("Hi")), listener);

        assertNotNull(reply.timeToFirstToken());
        assertTrue(reply.timeToFirstToken().toMillis() >= 300, "time to first token: " + reply.timeToFirstToken());
    }

    @Test
    void an_answer_with_a_finish_reason_is_complete_even_without_done() throws IOException {
        server.enqueue(stream(Files.readString(Repo.file("tests/streams/no_done.sse"))));

        Reply reply = client.stream(List.of(Message.user("Hi")), listener);

        assertEquals("Hello", reply.content());
        assertTrue(reply.complete(), reply.interruption());
    }

    @Test
    void stopping_an_answer_keeps_what_arrived_and_says_you_stopped_it() {
        String firstEvent = """
                data: {"choices":[{"delta":{"content":"Once upon a time"}}]}

                """;
        server.enqueue(stream(firstEvent + """
                data: {"choices":[{"delta":{"content":" there was a parser."},"finish_reason":"stop"}]}

                data: [DONE]

                """).newBuilder().throttleBody(firstEvent.length(), 300, TimeUnit.MILLISECONDS).build());

        Reply reply = client.stream(List.of(Message.user("A story?")), text -> client.cancel());

        assertEquals("Once upon a time", reply.content());
        assertFalse(reply.complete());
        assertTrue(reply.interruption().contains("stopped"), reply.interruption());
    }

    // ---------------------------------------------------------------------------------
    // The models.
    // ---------------------------------------------------------------------------------

    @Test
    void models_are_the_active_ones_sorted_by_name_with_their_context_windows() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body("""
                        {"object": "list", "data": [
                          {"id": "openai/gpt-oss-120b", "object": "model", "owned_by": "OpenAI", "active": true,
                           "context_window": 131072},
                          {"id": "llama3-70b-8192", "object": "model", "owned_by": "Meta", "active": false,
                           "context_window": 8192},
                          {"id": "groq/compound", "object": "model", "owned_by": "Groq", "active": true,
                           "context_window": 131072},
                          {"id": "openai/gpt-oss-20b", "object": "model", "owned_by": "OpenAI", "active": true,
                           "context_window": 65536}]}
                        """)
                .build());

        List<Model> models = client.models();

        assertEquals(List.of(
                new Model("groq/compound", 131072),
                new Model("openai/gpt-oss-120b", 131072),
                new Model("openai/gpt-oss-20b", 65536)), models);
        RecordedRequest request = server.takeRequest();
        assertEquals("GET /openai/v1/models", request.getMethod() + " " + request.getUrl().encodedPath());
    }
}
