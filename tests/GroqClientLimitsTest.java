package bnagpt;

import static bnagpt.GroqResponses.error;
import static bnagpt.GroqResponses.hello;
import static bnagpt.GroqResponses.stream;
import static bnagpt.HostileServer.ascii;
import static bnagpt.HostileServer.repeat;
import static bnagpt.HostileServer.streamHead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ChatException;
import bnagpt.chat.GroqClient;
import bnagpt.chat.Limits;
import bnagpt.chat.Message;
import bnagpt.chat.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * A server, broken or hostile, can neither keep the client waiting forever nor fill its
 * memory, and whatever it does ends in a sentence that names what happened, with what
 * arrived kept. Some servers here are a few lines of raw socket (HostileServer): they
 * never answer, or send without end, which MockWebServer cannot do.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GroqClientLimitsTest {
    private static final List<Message> HI = List.of(Message.user("Hi"));
    private static final String HI_CHUNK = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n";
    /** Half a second to begin, half a second of silence at most: the tests stay quick. */
    private static final Limits IMPATIENT = new Limits(Duration.ofMillis(500), Duration.ofMillis(500), 8 << 20);
    /** Without the limits, these cases took minutes or ran out of memory: a test must end. */
    private static final Duration AT_MOST = Duration.ofSeconds(10);

    @AutoClose
    private final MockWebServer server = Clients.startedMockServer();
    private final RecordingListener listener = new RecordingListener();
    private final GroqClient client = Clients.of(server);

    private static GroqClient clientOf(HostileServer hostile, Limits limits) {
        return Clients.of(hostile.baseUrl(), Clients.KEY, Clients.MODEL, Clients.QUICK_RETRIES, limits);
    }

    // ---------------------------------------------------------------------------------
    // Size: one line or event of at most 8 MiB, counted after unzipping.
    // ---------------------------------------------------------------------------------

    @Test
    void an_endless_line_stops_at_8_mib_with_a_sentence_and_what_arrived_is_kept() throws Exception {
        try (HostileServer endless = new HostileServer(out -> {
            streamHead(out);
            out.write(ascii(HI_CHUNK + "data: "));
            repeat(out, (byte) 'a', Long.MAX_VALUE);
        })) {
            GroqClient client = clientOf(endless, Limits.DEFAULT);

            Reply reply = assertTimeoutPreemptively(AT_MOST, () -> client.stream(HI, listener));

            assertEquals("Hi", reply.content());
            assertFalse(reply.complete());
            assertTrue(reply.interruption().contains("more than 8 MiB"), reply.interruption());
        }
    }

    @Test
    void a_gzip_bomb_is_stopped_at_8_mib_of_unzipped_bytes() throws Exception {
        // 2.5 GB of one line, gzipped: about 2.5 MB on the wire. OkHttp unzips it for us.
        try (HostileServer bomb = new HostileServer(out -> {
            streamHead(out, "Content-Encoding: gzip");
            GZIPOutputStream zipped = new GZIPOutputStream(out);
            zipped.write(ascii(HI_CHUNK + "data: "));
            repeat(zipped, (byte) 'a', 2_500_000_000L);
            zipped.close();
        })) {
            GroqClient client = clientOf(bomb, Limits.DEFAULT);

            Reply reply = assertTimeoutPreemptively(AT_MOST, () -> client.stream(HI, listener));

            assertEquals("Hi", reply.content());
            assertTrue(reply.interruption().contains("more than 8 MiB"), reply.interruption());
        }
    }

    @Test
    void a_valid_chunk_of_25_mb_gets_the_size_sentence_not_not_json() {
        server.enqueue(stream(HI_CHUNK + "data: {\"choices\":[{\"delta\":{\"content\":\"" + "a".repeat(25_000_000)
                + "\"}}]}\n\n"));

        Reply reply = client.stream(HI, listener);

        assertEquals("Hi", reply.content());
        assertTrue(reply.interruption().contains("more than 8 MiB"), reply.interruption());
    }

    @Test
    void a_valid_chunk_just_under_8_mib_is_read_whole() {
        String big = "a".repeat((8 << 20) - 100);
        server.enqueue(stream("data: {\"choices\":[{\"delta\":{\"content\":\"" + big + "\"},"
                + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"));
        // The whole answer's own limit (4 MiB unless --max-answer-bytes) is not what this is about.
        GroqClient client = Clients.of(server.url("/openai/v1").toString(), Clients.KEY, Clients.MODEL,
                Clients.QUICK_RETRIES, Limits.DEFAULT.withMaxAnswerBytes(16 << 20));

        Reply reply = client.stream(HI, listener);

        assertTrue(reply.complete(), reply.interruption());
        assertEquals(big.length(), reply.content().length());
    }

    // ---------------------------------------------------------------------------------
    // Time: a deadline for the response that counts the retries, and a stall limit.
    // ---------------------------------------------------------------------------------

    @Test
    void a_server_that_never_answers_is_asked_once_and_given_up_at_the_deadline() throws Exception {
        try (HostileServer silent = new HostileServer(out -> Thread.sleep(30_000))) {
            long started = System.nanoTime();
            ChatException e = assertTimeoutPreemptively(AT_MOST,
                    () -> assertThrows(ChatException.class, () -> clientOf(silent, IMPATIENT).stream(HI, listener)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertTrue(e.getMessage().startsWith("No answer from " + silent.baseUrl() + " within 0.5 s."),
                    e.getMessage());
            assertTrue(e.getMessage().contains("--timeout SECONDS"), e.getMessage());
            assertEquals(1, silent.requestCount());
            assertTrue(took.toMillis() < 3000, "took " + took.toMillis() + " ms");
        }
    }

    @Test
    void keep_alive_comments_do_not_keep_a_stalled_answer_alive() throws Exception {
        try (HostileServer stalling = new HostileServer(out -> {
            streamHead(out);
            out.write(ascii(HI_CHUNK));
            while (true) {
                out.write(ascii(": keep-alive\n\n"));
                out.flush();
                Thread.sleep(50);
            }
        })) {
            Reply reply = assertTimeoutPreemptively(AT_MOST, () -> clientOf(stalling, IMPATIENT).stream(HI, listener));

            assertEquals("Hi", reply.content());
            assertFalse(reply.complete());
            assertTrue(reply.interruption().startsWith("The answer stalled: nothing new from"), reply.interruption());
        }
    }

    @Test
    void a_whole_answer_that_stalls_halfway_is_given_up_as_a_stall() throws Exception {
        try (HostileServer stalling = new HostileServer(out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"choices\":"));
            out.flush();
            Thread.sleep(60_000);
        })) {
            ChatException e = assertTimeoutPreemptively(AT_MOST,
                    () -> assertThrows(ChatException.class, () -> clientOf(stalling, IMPATIENT).stream(HI, listener)));

            assertTrue(e.getMessage().startsWith("The answer stalled: nothing new from"), e.getMessage());
        }
    }

    @Test
    void a_retry_that_would_end_after_the_deadline_is_not_waited_for() {
        server.enqueue(error(429, "rate_limit_exceeded", "Rate limit reached.").newBuilder()
                .setHeader("retry-after", "2").build());
        server.enqueue(hello());
        GroqClient impatient = Clients.of(server.url("/openai/v1").toString(), Clients.KEY, Clients.MODEL,
                Clients.QUICK_RETRIES, IMPATIENT);

        ChatException e = assertThrows(ChatException.class, () -> impatient.stream(HI, listener));

        assertTrue(e.getMessage().contains("429"), e.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void retry_after_values_that_are_no_wait_fall_back_to_the_usual_backoff() {
        List<String[]> absurd = List.of(new String[] {"retry-after", "-1e30"}, new String[] {"retry-after", "NaN"},
                new String[] {"retry-after", "1e30"}, new String[] {"retry-after", "Infinity"},
                new String[] {"retry-after-ms", "-9223372036854775808"}, new String[] {"retry-after-ms", "-1"},
                new String[] {"retry-after-ms", "1e300"});
        for (String[] header : absurd) {
            server.enqueue(error(429, "rate_limit_exceeded", "Rate limit reached.").newBuilder()
                    .setHeader(header[0], header[1]).build());
            server.enqueue(hello());

            Reply reply = assertTimeoutPreemptively(AT_MOST, () -> client.stream(HI, listener),
                    header[0] + ": " + header[1]);

            assertEquals("Hello!", reply.content(), header[0] + ": " + header[1]);
        }
        assertEquals(2 * absurd.size(), server.getRequestCount());
    }

    @Test
    void the_timeout_flag_sets_both_waits_and_must_be_a_number_of_seconds() {
        Limits limits = chat.Options.parse(new String[] {"--timeout", "2.5", "hi"}, Map.of()).limits();
        ChatException notANumber = assertThrows(ChatException.class,
                () -> chat.Options.parse(new String[] {"--timeout", "soon", "hi"}, Map.of()));

        assertEquals(new Limits(Duration.ofMillis(2500), Duration.ofMillis(2500), 8 << 20), limits);
        assertEquals(Limits.DEFAULT, chat.Options.parse(new String[] {"hi"}, Map.of()).limits());
        assertEquals("--timeout needs a number of seconds from 0 to 86400, like --timeout 120.",
                notANumber.getMessage());
    }

    // ---------------------------------------------------------------------------------
    // Answers that are not a stream, and servers that are not Groq.
    // ---------------------------------------------------------------------------------

    @Test
    void a_web_page_with_status_200_is_named_as_one_with_what_to_check() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/html; charset=utf-8")
                .body("<html><body><h1>Welcome to Café Wi-Fi</h1><a href=/login>Log in</a></body></html>").build());

        ChatException e = assertThrows(ChatException.class, () -> client.stream(HI, listener));

        assertTrue(e.getMessage().contains("answered with a web page, not with Groq's API"), e.getMessage());
        assertTrue(e.getMessage().contains("log in"), e.getMessage());
        assertTrue(e.getMessage().contains("GROQ_BASE_URL"), e.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void a_whole_answer_sent_instead_of_a_stream_is_simply_shown() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json").body("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"openai/gpt-oss-120b",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello, whole!","reasoning":"Greet."},
                             "finish_reason":"stop"}],
                 "usage":{"prompt_tokens":8,"completion_tokens":3,"completion_time":0.01,"total_time":0.02}}
                """).build());

        Reply reply = client.stream(HI, listener);

        assertTrue(reply.complete(), reply.interruption());
        assertEquals("Hello, whole!", reply.content());
        assertEquals(List.of("Hello, whole!"), listener.content);
        assertEquals("Greet.", reply.reasoning());
        assertEquals(3, reply.usage().completionTokens());
    }

    @Test
    void a_stream_labelled_as_json_is_still_read_as_a_stream() {
        server.enqueue(stream(HI_CHUNK + "data: [DONE]\n\n").newBuilder()
                .setHeader("Content-Type", "application/json").build());

        Reply reply = client.stream(HI, listener);

        assertTrue(reply.complete(), reply.interruption());
        assertEquals("Hi", reply.content());
    }

    @Test
    void a_model_list_that_is_a_web_page_is_named_as_one_not_as_unreachable() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/html")
                .body("<!doctype html><title>Sign in</title>").build());

        ChatException e = assertThrows(ChatException.class, client::models);

        assertTrue(e.getMessage().contains("answered with a web page"), e.getMessage());
        assertFalse(e.getMessage().contains("Could not reach"), e.getMessage());
    }

    @Test
    void a_redirect_loop_is_a_sentence_after_at_most_21_requests() {
        for (int i = 0; i < 70; i++) {
            server.enqueue(new MockResponse.Builder().code(307)
                    .setHeader("Location", "/openai/v1/chat/completions").build());
        }

        ChatException e = assertThrows(ChatException.class, () -> client.stream(HI, listener));

        assertTrue(e.getMessage().contains("circle of redirects"), e.getMessage());
        assertTrue(e.getMessage().contains("GROQ_BASE_URL"), e.getMessage());
        assertTrue(server.getRequestCount() <= 21, server.getRequestCount() + " requests");
    }

    // ---------------------------------------------------------------------------------
    // Error bodies: read up to a bound, their message shortened.
    // ---------------------------------------------------------------------------------

    @Test
    void a_long_error_message_is_shortened_with_an_ellipsis() {
        server.enqueue(error(400, "invalid_request", "Too long. " + "blah ".repeat(2_000_000)));

        String sentence = assertThrows(ChatException.class, () -> client.stream(HI, listener)).getMessage();

        assertTrue(sentence.contains("Too long. blah"), sentence);
        assertTrue(sentence.length() < 500, sentence.length() + " characters");
        assertTrue(sentence.endsWith("..."), sentence);
    }

    @Test
    void a_long_error_in_the_middle_of_the_stream_is_shortened_with_an_ellipsis() {
        server.enqueue(stream(HI_CHUNK + "event: error\ndata: {\"error\":{\"message\":\"Overloaded. "
                + "blah ".repeat(1_000_000) + "\",\"code\":\"overloaded\"}}\n\n"));

        Reply reply = client.stream(HI, listener);

        assertEquals("Hi", reply.content());
        assertTrue(reply.interruption().startsWith("The server stopped the answer with an error: Overloaded. blah"),
                reply.interruption());
        assertTrue(reply.interruption().length() < 500, reply.interruption().length() + " characters");
        assertTrue(reply.interruption().endsWith("..."), reply.interruption());
    }

    @Test
    void an_error_body_of_2_gb_gives_a_sentence_having_read_only_its_start() throws Exception {
        try (HostileServer huge = new HostileServer(out -> {
            out.write(ascii("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2200000000\r\n\r\n{\"error\":{\"message\":\"Bad "));
            repeat(out, (byte) 'a', 2_200_000_000L);
        })) {
            ChatException e = assertTimeoutPreemptively(AT_MOST,
                    () -> assertThrows(ChatException.class, () -> clientOf(huge, Limits.DEFAULT).stream(HI, listener)));

            assertTrue(e.getMessage().startsWith("The server answered 400: Bad aaaa"), e.getMessage());
            assertTrue(e.getMessage().endsWith("aaa..."), e.getMessage());
            assertTrue(e.getMessage().length() < 500, e.getMessage().length() + " characters");
        }
    }
}
