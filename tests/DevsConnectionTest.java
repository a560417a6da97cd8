package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.llm.Limits;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.llm.ProxyFromEnvironment;
import bnagpt.devs.llm.RetryPolicy;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Message;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The devs app's connections (issue 14, items 4 and 5): a kept-alive connection the server
 * has closed is tried again on a fresh one, for GET and POST alike; and the proxy variables
 * are read as curl reads them. The servers are tiny raw sockets on loopback, so the test
 * decides exactly when a connection closes and sees every line a client sends.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsConnectionTest {
    static final String KEY = "gsk_fake_connection_test_key_0000";
    static final Limits QUICK = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 1 << 20, 64L << 20);
    static final RetryPolicy QUICK_RETRIES = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(40),
            Duration.ofSeconds(5));

    static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"openai/gpt-oss-120b\",\"context_window\":131072}]}";
    static final String STREAM = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    /** A request as the server read it: its first line, its headers, its body. */
    record Seen(int connection, String head, String body) {
        String line() {
            return head.lines().findFirst().orElse("");
        }
    }

    /**
     * An HTTP/1.1 server on a raw socket: keeps connections alive, answers each request with
     * ANSWER (null: close the connection without a word), and remembers what it read.
     */
    static final class RawServer implements AutoCloseable {
        final ServerSocket socket;
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();

        RawServer(BiFunction<Integer, Seen, byte[]> answer) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket connection = socket.accept();
                        int number = connections.incrementAndGet();
                        Thread handler = new Thread(() -> serve(connection, number, answer));
                        handler.setDaemon(true);
                        handler.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void serve(Socket connection, int number, BiFunction<Integer, Seen, byte[]> answer) {
            try (connection) {
                InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream();
                for (int n = 1; ; n++) {
                    Seen request = read(in, number);
                    if (request == null) {
                        return;
                    }
                    seen.add(request);
                    byte[] response = answer.apply(n, request);
                    if (response == null) {
                        return; // closed without a word, as a server closes an idle connection
                    }
                    out.write(response);
                    out.flush();
                }
            } catch (IOException e) {
                // the client hung up
            }
        }

        private static Seen read(InputStream in, int connection) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                head.append((char) b);
                if (head.toString().endsWith("\r\n\r\n")) {
                    break;
                }
            }
            if (b == -1) {
                return null;
            }
            int length = 0;
            for (String header : head.toString().split("\r\n")) {
                if (header.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).strip());
                }
            }
            return new Seen(connection, head.toString(), new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        String url(String path) {
            return "http://127.0.0.1:" + socket.getLocalPort() + path;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static byte[] ok(String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /** Models for GET, a short stream for POST. */
    static byte[] answer(Seen request) {
        return request.line().startsWith("GET") ? ok("application/json", MODELS) : ok("text/event-stream", STREAM);
    }

    /** The first connection answers its first request, then closes when the second arrives. */
    static RawServer closingIdleConnections() throws IOException {
        return new RawServer((n, request) -> request.connection() == 1 && n == 2 ? null : answer(request));
    }

    static Llm llm(String baseUrl, HttpClient http) {
        return new OpenAiCompatibleLlm(baseUrl, KEY, "openai/gpt-oss-120b", QUICK, QUICK_RETRIES, http);
    }

    static Llm.Request hi() {
        return new Llm.Request(null, null, List.of(Message.user("hi")), false);
    }

    @Test
    void the_fault_is_real_a_bare_post_on_the_closed_connection_fails() throws Exception {
        try (RawServer server = closingIdleConnections()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest post = HttpRequest.newBuilder(URI.create(server.url("/v1/chat/completions")))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            assertEquals(200, http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
            assertThrows(IOException.class, () -> http.send(post, HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void a_chat_request_on_a_closed_kept_alive_connection_goes_again_on_a_fresh_one_quietly() throws Exception {
        try (RawServer server = closingIdleConnections()) {
            Llm llm = llm(server.url("/v1"), OpenAiCompatibleLlm.httpClient(Map.of()));
            List<String> retries = new CopyOnWriteArrayList<>();
            Llm.Listener listener = new Llm.Listener() {
                @Override
                public void onContent(String text) { }

                @Override
                public void onRetry(String sentence) {
                    retries.add(sentence);
                }
            };
            assertTrue(llm.stream(hi(), listener, new Stop()).complete());
            assertTrue(llm.stream(hi(), listener, new Stop()).complete());

            assertEquals(List.of(1, 1, 2), server.seen.stream().map(Seen::connection).toList(),
                    "the second request went on the first connection, then on a fresh one");
            assertEquals(List.of(), retries, "a stale connection is no news");
        }
    }

    @Test
    void a_models_request_on_a_closed_kept_alive_connection_goes_again_too() throws Exception {
        try (RawServer server = closingIdleConnections()) {
            Llm llm = llm(server.url("/v1"), OpenAiCompatibleLlm.httpClient(Map.of()));
            assertEquals("openai/gpt-oss-120b", llm.models().get(0).id());
            assertEquals("openai/gpt-oss-120b", llm.models().get(0).id());
            assertEquals(2, server.connections.get());
        }
    }

    @Test
    void http_proxy_carries_the_chat_and_the_models_list() throws Exception {
        try (RawServer proxy = new RawServer((n, request) -> answer(request))) {
            HttpClient http = OpenAiCompatibleLlm.httpClient(Map.of("http_proxy", proxy.url("")));
            Llm llm = llm("http://127.0.0.1:1/v1", http); // nothing listens there: only the proxy can answer
            assertTrue(llm.stream(hi(), text -> { }, new Stop()).complete());
            llm.models();
            assertEquals(List.of("POST http://127.0.0.1:1/v1/chat/completions HTTP/1.1",
                    "GET http://127.0.0.1:1/v1/models HTTP/1.1"), proxy.seen.stream().map(Seen::line).toList());
        }
    }

    @Test
    void no_proxy_sends_a_host_directly() throws Exception {
        try (RawServer proxy = new RawServer((n, request) -> answer(request))) {
            HttpClient http = OpenAiCompatibleLlm.httpClient(Map.of("http_proxy", proxy.url(""), "NO_PROXY", "example.org,127.0.0.1"));
            LlmFailure failure = assertThrows(LlmFailure.class,
                    () -> llm("http://127.0.0.1:1/v1", http).stream(hi(), text -> { }, new Stop()));
            assertTrue(failure.getMessage().startsWith("Could not reach http://127.0.0.1:1/v1"), failure.getMessage());
            assertEquals(List.of(), proxy.seen);
        }
    }

    @Test
    void https_goes_through_the_proxy_in_a_tunnel_so_the_proxy_never_sees_the_key() throws Exception {
        try (RawServer proxy = new RawServer((n, request) -> "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII))) {
            HttpClient http = OpenAiCompatibleLlm.httpClient(Map.of("HTTPS_PROXY", proxy.url("")));
            assertThrows(LlmFailure.class,
                    () -> llm("https://api.groq.com/openai/v1", http).stream(hi(), text -> { }, new Stop()));
            assertTrue(proxy.seen.get(0).line().startsWith("CONNECT api.groq.com:443 "), proxy.seen.get(0).line());
            assertFalse(proxy.seen.stream().anyMatch(s -> s.head().contains(KEY) || s.body().contains(KEY)));
        }
    }

    @Test
    void the_variables_are_read_as_curl_reads_them() {
        URI groq = URI.create("https://api.groq.com/openai/v1/models");
        URI local = URI.create("http://localhost:8080/v1/models");
        assertEquals(List.of(Proxy.NO_PROXY), new ProxyFromEnvironment(Map.of()).select(groq));
        assertEquals("proxy.example:3128", address(new ProxyFromEnvironment(Map.of("HTTPS_PROXY", "http://proxy.example:3128")), groq));
        assertEquals("lower.example:8080", address(new ProxyFromEnvironment(Map.of("https_proxy", "lower.example:8080",
                "HTTPS_PROXY", "upper.example:3128")), groq));
        assertEquals(List.of(Proxy.NO_PROXY), new ProxyFromEnvironment(Map.of("HTTP_PROXY", "proxy.example:3128")).select(local),
                "curl ignores HTTP_PROXY in capitals (httpoxy)");
        assertEquals("proxy.example:1080", address(new ProxyFromEnvironment(Map.of("http_proxy", "proxy.example")), local));
        assertEquals("all.example:3128", address(new ProxyFromEnvironment(Map.of("ALL_PROXY", "all.example:3128")), groq));
        for (String noProxy : List.of("groq.com", ".groq.com", "api.groq.com", "*", "localhost, groq.com")) {
            assertEquals(List.of(Proxy.NO_PROXY), new ProxyFromEnvironment(Map.of("HTTPS_PROXY", "proxy.example:3128",
                    "NO_PROXY", noProxy)).select(groq), noProxy);
        }
        assertEquals("proxy.example:3128", address(new ProxyFromEnvironment(Map.of("HTTPS_PROXY", "proxy.example:3128",
                "no_proxy", "notgroq.com")), groq), "a domain covers its subdomains, not look-alikes");
    }

    @Test
    void a_proxy_that_is_not_an_address_is_a_sentence_that_keeps_its_password_out() {
        LlmFailure failure = assertThrows(LlmFailure.class,
                () -> new ProxyFromEnvironment(Map.of("HTTPS_PROXY", "http://me:s3cret@[bad")));
        assertEquals("The proxy in HTTPS_PROXY is not an address like http://proxy.example:3128. Correct it, or unset it.",
                failure.getMessage());
    }

    static String address(ProxyFromEnvironment selector, URI uri) {
        java.net.InetSocketAddress address = (java.net.InetSocketAddress) selector.select(uri).get(0).address();
        return address.getHostString() + ":" + address.getPort();
    }
}
