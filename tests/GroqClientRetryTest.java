package bnagpt;

import static bnagpt.GroqResponses.error;
import static bnagpt.GroqResponses.hello;
import static bnagpt.GroqResponses.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ChatException;
import bnagpt.chat.GroqClient;
import bnagpt.chat.Message;
import bnagpt.chat.Reply;
import bnagpt.chat.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Failures that may pass are tried again (rate limits, server errors, connections that
 * break before the answer starts), and the listener is told; the others are not.
 * The client here retries up to 2 times, 10 ms apart, so the tests stay fast.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GroqClientRetryTest {
    private static final List<Message> HI = List.of(Message.user("Hi"));

    /** A fresh server for each test; JUnit closes it after the test. */
    @AutoClose
    private final MockWebServer server = Clients.startedMockServer();
    private final RecordingListener listener = new RecordingListener();
    private final GroqClient client = Clients.of(server);

    @Test
    void a_rate_limit_429_waits_as_long_as_retry_after_says_then_tries_again() {
        server.enqueue(error(429, "rate_limit_exceeded", "Rate limit reached for model openai/gpt-oss-120b.")
                .newBuilder().setHeader("retry-after", "1").build());
        server.enqueue(hello());
        long[] toldAt = new long[1];
        RecordingListener timed = new RecordingListener() {
            @Override
            public void onRetry(String notice) {
                super.onRetry(notice);
                toldAt[0] = System.nanoTime();
            }
        };

        Reply reply = client.stream(HI, timed);
        Duration waited = Duration.ofNanos(System.nanoTime() - toldAt[0]);

        assertEquals("Hello!", reply.content());
        assertEquals(2, server.getRequestCount());
        assertEquals(1, timed.retries.size());
        assertTrue(timed.retries.get(0).contains("429"), timed.retries.get(0));
        assertTrue(waited.toMillis() >= 900 && waited.toMillis() < 5000, "waited " + waited.toMillis() + " ms");
    }

    @Test
    void the_stop_button_ends_a_wait_before_a_retry_and_nothing_is_sent_again() {
        server.enqueue(error(429, "rate_limit_exceeded", "Rate limit reached for model openai/gpt-oss-120b.")
                .newBuilder().setHeader("retry-after", "5").build());
        server.enqueue(hello());
        RecordingListener stopsWhileWaiting = new RecordingListener() {
            @Override
            public void onRetry(String notice) {
                super.onRetry(notice);
                new Thread(() -> {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                    client.cancel();
                }).start();
            }
        };

        long started = System.nanoTime();
        Reply reply = client.stream(HI, stopsWhileWaiting);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(chat.GroqClient.STOPPED, reply.interruption());
        assertEquals("", reply.content());
        assertEquals(1, server.getRequestCount());
        assertTrue(took.toMillis() < 3000, "took " + took.toMillis() + " ms of a 5 s wait");
    }

    @Test
    void a_retry_after_longer_than_the_longest_wait_fails_at_once() {
        server.enqueue(error(429, "rate_limit_exceeded", "Rate limit reached for tokens per day.")
                .newBuilder().setHeader("retry-after", "3600").build());

        ChatException e = assertThrows(ChatException.class, () -> client.stream(HI, listener));

        assertTrue(e.getMessage().contains("429"), e.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void server_errors_500_502_and_503_are_tried_again_until_the_answer_comes() {
        GroqClient patient = Clients.of(server.url("/openai/v1").toString(), Clients.KEY, Clients.MODEL,
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5)));
        server.enqueue(error(500, "internal_server_error", "Internal Server Error"));
        server.enqueue(error(502, "bad_gateway", "Bad Gateway"));
        server.enqueue(error(503, "service_unavailable", "Service Unavailable"));
        server.enqueue(hello());

        Reply reply = patient.stream(HI, listener);

        assertEquals("Hello!", reply.content());
        assertEquals(4, server.getRequestCount());
        assertEquals(3, listener.retries.size(), listener.retries.toString());
    }

    @Test
    void a_server_error_that_lasts_past_the_last_retry_is_a_sentence_with_its_status() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(error(503, "service_unavailable", "Service Unavailable"));
        }

        ChatException e = assertThrows(ChatException.class, () -> client.stream(HI, listener));

        assertTrue(e.getMessage().contains("503"), e.getMessage());
        assertEquals(3, server.getRequestCount());
        assertEquals(2, listener.retries.size());
    }

    @Test
    void a_connection_closed_before_the_response_is_tried_again() {
        server.enqueue(hello().newBuilder().onResponseStart(new SocketEffect.CloseSocket()).build());
        server.enqueue(hello());

        Reply reply = client.stream(HI, listener);

        assertEquals("Hello!", reply.content());
        assertEquals(2, server.getRequestCount());
        assertEquals(1, listener.retries.size());
    }

    @Test
    void a_connection_cut_before_the_first_token_is_tried_again() {
        // The server closes the connection after half the body: inside the first event.
        server.enqueue(stream("""
                data: {"choices":[{"delta":{"content":"An answer that never arrives whole."}}]}

                """).newBuilder().onResponseBody(new SocketEffect.CloseSocket()).build());
        server.enqueue(hello());

        Reply reply = client.stream(HI, listener);

        assertEquals("Hello!", reply.content());
        assertEquals(List.of("Hello!"), listener.content);
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void client_errors_400_401_and_404_are_not_tried_again() throws IOException {
        for (int status : new int[] {400, 401, 404}) {
            try (MockWebServer own = new MockWebServer()) {
                own.start();
                own.enqueue(error(status, "invalid_request_error", "No."));
                own.enqueue(hello()); // what a retry would get

                assertThrows(ChatException.class, () -> Clients.of(own).stream(HI, listener));

                assertEquals(1, own.getRequestCount(), status + " was tried again");
            }
        }
        assertEquals(List.of(), listener.retries);
    }

    @Test
    void the_backoff_doubles_from_half_a_second_up_to_8_seconds_less_up_to_25_percent() {
        RetryPolicy groqs = RetryPolicy.DEFAULT;

        for (int i = 0; i < 100; i++) {
            assertBetween(375, 500, groqs.backoff(0));
            assertBetween(750, 1000, groqs.backoff(1));
            assertBetween(1500, 2000, groqs.backoff(2));
            assertBetween(6000, 8000, groqs.backoff(10));
        }
    }

    private static void assertBetween(long lowestMillis, long highestMillis, Duration wait) {
        assertTrue(wait.toMillis() >= lowestMillis && wait.toMillis() <= highestMillis,
                wait.toMillis() + " ms is not within " + lowestMillis + "-" + highestMillis + " ms");
    }
}
