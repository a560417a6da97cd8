package bnagpt;

import static bnagpt.GroqResponses.error;
import static bnagpt.GroqResponses.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ChatException;
import bnagpt.chat.Config;
import bnagpt.chat.GroqClient;
import bnagpt.chat.Message;
import bnagpt.chat.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Every way a request can fail ends in a sentence that says what happened and what to
 * do (a ChatException), or in a reply that keeps what arrived and says why it is cut short.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GroqClientFailureTest {
    private static final List<Message> HI = List.of(Message.user("Hi"));

    /** A fresh server for each test; JUnit closes it after the test. */
    @AutoClose
    private final MockWebServer server = Clients.startedMockServer();
    private final RecordingListener listener = new RecordingListener();
    private final GroqClient client = Clients.of(server);

    /** A GET /models answer offering these active models. */
    private static MockResponse models(String... ids) {
        StringBuilder data = new StringBuilder();
        for (String id : ids) {
            data.append(data.length() == 0 ? "" : ",").append("{\"id\":\"").append(id)
                    .append("\",\"object\":\"model\",\"active\":true,\"context_window\":131072}");
        }
        return new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body("{\"object\":\"list\",\"data\":[" + data + "]}")
                .build();
    }

    private ChatException failureOf(GroqClient client) {
        return assertThrows(ChatException.class, () -> client.stream(HI, listener));
    }

    // ---------------------------------------------------------------------------------
    // Before the answer: a sentence.
    // ---------------------------------------------------------------------------------

    @Test
    void without_a_key_groq_is_not_even_asked_and_the_sentence_says_where_to_get_one() {
        ChatException e = assertThrows(ChatException.class, () -> new GroqClient(
                new Config(null, "https://api.groq.com/openai/v1", Clients.MODEL), new OkHttpClient(),
                Clients.QUICK_RETRIES));

        assertTrue(e.getMessage().contains("https://console.groq.com/keys"), e.getMessage());
        assertTrue(e.getMessage().contains("GROQ_API_KEY"), e.getMessage());
    }

    @Test
    void a_rejected_key_401_is_named_but_never_shown() {
        server.enqueue(error(401, "invalid_api_key", "Invalid API Key: gsk_test_not_a_real_key_000"));

        String sentence = failureOf(client).getMessage();

        assertTrue(sentence.contains("401"), sentence);
        assertTrue(sentence.contains("GROQ_API_KEY"), sentence);
        assertFalse(sentence.contains(Clients.KEY), sentence);
    }

    @Test
    void a_server_message_that_repeats_the_key_is_shown_without_it() {
        server.enqueue(error(403, "permission_denied",
                "The key gsk_test_not_a_real_key_000 may not use this model in this organisation."));

        String sentence = failureOf(client).getMessage();

        assertTrue(sentence.contains("may not use this model in this organisation"), sentence);
        assertFalse(sentence.contains(Clients.KEY), sentence);
    }

    @Test
    void a_retired_model_400_is_named_said_to_be_retired_and_the_current_models_are_offered() {
        server.enqueue(error(400, "model_decommissioned", "The model `llama3-70b-8192` has been decommissioned and "
                + "is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a "
                + "recommendation on which model to use instead."));
        server.enqueue(models("openai/gpt-oss-120b", "openai/gpt-oss-20b"));
        GroqClient retired = Clients.of(server.url("/openai/v1").toString(), Clients.KEY, "llama3-70b-8192",
                Clients.QUICK_RETRIES);

        ChatException failure = failureOf(retired);

        String sentence = failure.getMessage();
        assertTrue(sentence.contains("\"llama3-70b-8192\" has been retired"), sentence);
        assertTrue(sentence.contains("Models you can use now: openai/gpt-oss-120b, openai/gpt-oss-20b."), sentence);
        assertTrue(sentence.contains("-m NAME"), sentence);
        assertEquals("model_decommissioned", failure.code);
    }

    @Test
    void an_unknown_model_404_is_named_and_the_current_models_are_offered() {
        server.enqueue(error(404, "model_not_found",
                "The model `gpt-oss-120b` does not exist or you do not have access to it."));
        server.enqueue(models("openai/gpt-oss-120b"));
        GroqClient misspelt = Clients.of(server.url("/openai/v1").toString(), Clients.KEY, "gpt-oss-120b",
                Clients.QUICK_RETRIES);

        ChatException failure = failureOf(misspelt);

        String sentence = failure.getMessage();
        assertTrue(sentence.contains("\"gpt-oss-120b\" does not exist"), sentence);
        assertTrue(sentence.contains("Models you can use now: openai/gpt-oss-120b."), sentence);
        assertEquals("model_not_found", failure.code);
    }

    @Test
    void a_long_list_of_current_models_is_cut_after_eight_with_the_way_to_see_all() {
        server.enqueue(error(400, "model_decommissioned", "The model `old` has been decommissioned."));
        server.enqueue(models("m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08", "m09", "m10"));
        GroqClient retired = Clients.of(server.url("/openai/v1").toString(), Clients.KEY, "old",
                Clients.QUICK_RETRIES);

        String sentence = failureOf(retired).getMessage();

        assertTrue(sentence.contains("m07, m08 and 2 more (--list-models)."), sentence);
        assertFalse(sentence.contains("m09"), sentence);
    }

    @Test
    void when_the_models_cannot_be_listed_either_the_retired_model_sentence_says_how_to_list_them() {
        server.enqueue(error(400, "model_decommissioned", "The model `llama3-70b-8192` has been decommissioned."));
        server.enqueue(error(503, "service_unavailable", "Service Unavailable"));
        GroqClient retired = Clients.of(server.url("/openai/v1").toString(), Clients.KEY, "llama3-70b-8192",
                Clients.QUICK_RETRIES);

        String sentence = failureOf(retired).getMessage();

        assertTrue(sentence.contains("has been retired"), sentence);
        assertTrue(sentence.contains("./jbang chat --list-models"), sentence);
        assertFalse(sentence.contains("503"), sentence);
    }

    @Test
    void a_wrong_base_url_404_names_the_url_and_groq_base_url() {
        server.enqueue(error(404, "unknown_url", "Unknown request URL: POST /openai/v2/chat/completions. "
                + "Please check the URL for typos, or see the docs at https://console.groq.com/docs/"));
        String wrongUrl = server.url("/openai/v2").toString();

        String sentence = failureOf(Clients.of(wrongUrl, Clients.KEY, Clients.MODEL, Clients.QUICK_RETRIES))
                .getMessage();

        assertTrue(sentence.contains(wrongUrl), sentence);
        assertTrue(sentence.contains("GROQ_BASE_URL"), sentence);
    }

    @Test
    void a_base_url_that_answers_404_with_a_web_page_is_a_wrong_base_url() {
        server.enqueue(new MockResponse.Builder().code(404).body("<html><body>Not Found</body></html>").build());

        String sentence = failureOf(client).getMessage();

        assertTrue(sentence.contains(server.url("/openai/v1").toString()), sentence);
        assertTrue(sentence.contains("GROQ_BASE_URL"), sentence);
    }

    @Test
    void a_conversation_too_long_for_the_model_400_says_so() {
        server.enqueue(error(400, "context_length_exceeded", "Please reduce the length of the messages or "
                + "completion."));

        ChatException e = failureOf(client);

        assertTrue(e.getMessage().contains("too long for openai/gpt-oss-120b"), e.getMessage());
        assertEquals("context_length_exceeded", e.code);
    }

    @Test
    void a_request_too_large_413_says_the_conversation_is_too_long() {
        server.enqueue(error(413, "request_too_large", "Request Entity Too Large"));

        String sentence = failureOf(client).getMessage();

        assertTrue(sentence.contains("too long"), sentence);
    }

    @Test
    void a_refusal_403_gives_the_status_and_the_server_message() {
        server.enqueue(error(403, "permission_denied", "Organization restricted from using this model."));

        String sentence = failureOf(client).getMessage();

        assertTrue(sentence.contains("403"), sentence);
        assertTrue(sentence.contains("Organization restricted from using this model."), sentence);
    }

    @Test
    void a_server_that_cannot_be_reached_is_named() throws IOException {
        String closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
        }

        String sentence = failureOf(Clients.of(closedPort, null, "llama3.2", Clients.QUICK_RETRIES)).getMessage();

        assertTrue(sentence.contains("Could not reach " + closedPort), sentence);
    }

    // ---------------------------------------------------------------------------------
    // During the answer: what arrived is kept, and the reply says why it is incomplete.
    // ---------------------------------------------------------------------------------

    @Test
    void a_connection_cut_in_the_middle_keeps_the_partial_answer_and_says_it_was_cut() {
        // The server closes the connection after half the body: inside the second event.
        server.enqueue(stream("""
                data: {"choices":[{"delta":{"content":"The answer is"}}]}

                data: {"choices":[{"delta":{"content":" forty-two, as everyone who read the book knows."}}]}

                data: [DONE]

                """).newBuilder().onResponseBody(new SocketEffect.CloseSocket()).build());

        Reply reply = client.stream(HI, listener);

        assertEquals("The answer is", reply.content());
        assertEquals(List.of("The answer is"), listener.content);
        assertFalse(reply.complete());
        assertTrue(reply.interruption().contains("cut"), reply.interruption());
    }

    @Test
    void an_error_event_in_the_middle_keeps_the_partial_answer_and_reports_the_message() {
        server.enqueue(stream("""
                data: {"choices":[{"delta":{"content":"The answer is"}}]}

                data: {"error":{"message":"Service Unavailable","type":"internal_server_error","code":"service_unavailable"}}

                """));

        Reply reply = client.stream(HI, listener);

        assertEquals("The answer is", reply.content());
        assertFalse(reply.complete());
        assertTrue(reply.interruption().contains("Service Unavailable"), reply.interruption());
    }

    @Test
    void an_error_event_that_repeats_the_key_is_reported_without_it() {
        server.enqueue(stream("""
                data: {"error":{"message":"Key gsk_test_not_a_real_key_000 is over its quota","type":"rate_limit"}}

                """));

        Reply reply = client.stream(HI, listener);

        assertTrue(reply.interruption().contains("is over its quota"), reply.interruption());
        assertFalse(reply.interruption().contains(Clients.KEY), reply.interruption());
    }

    @Test
    void a_stream_that_ends_without_done_or_finish_reason_is_incomplete() {
        server.enqueue(stream("""
                data: {"choices":[{"delta":{"content":"The answer is"}}]}

                """));

        Reply reply = client.stream(HI, listener);

        assertEquals("The answer is", reply.content());
        assertFalse(reply.complete());
        assertTrue(reply.interruption().contains("ended before the answer was finished"), reply.interruption());
    }
}
