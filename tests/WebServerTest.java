package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.Conversation;
import bnagpt.chat.ConversationStore;
import bnagpt.web.WebServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's server (web.java) seen by a plain HTTP client: what a web page elsewhere, a
 * rebinding DNS name or a careless script cannot do with it, and how it behaves when pages
 * go away or ask twice. No browser needed.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(Clients.KEY);
    @TempDir
    static Path home;

    private static WebServer server;
    private static final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30))
            .followRedirects(false).build();

    @BeforeAll
    static void start() {
        server = WebServer.start(Clients.of(groq.baseUrl(), Clients.KEY, Clients.MODEL, Clients.QUICK_RETRIES), home,
                "127.0.0.1", 0, Repo.file("101s/web"), new PrintStream(OutputStream.nullOutputStream()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_host_that_is_not_this_machine_is_refused_against_dns_rebinding() throws IOException {
        for (String host : List.of("attacker.example:" + server.port(), "127.0.0.1.nip.io:" + server.port(),
                "127.0.0.1:" + (server.port() + 1), "127.0.0.1")) {
            try (Response page = call(new Request.Builder().url(base() + "/").header("Host", host))) {
                assertEquals(403, page.code(), host);
            }
        }
        try (Response page = call(new Request.Builder().url(base() + "/").header("Host", "localhost:" + server.port()))) {
            assertEquals(200, page.code());
        }
    }

    @Test
    void the_api_needs_this_runs_token() throws IOException {
        try (Response state = call(new Request.Builder().url(base() + "/api/state"))) {
            assertEquals(403, state.code());
            assertTrue(state.body().string().contains("with its token"));
        }
        try (Response state = call(new Request.Builder().url(base() + "/api/state")
                .header("Cookie", server.cookie().replaceFirst("=.*", "=0123456789abcdef")))) {
            assertEquals(403, state.code());
        }
        try (Response state = call(withToken("/api/state"))) {
            assertEquals(200, state.code());
        }
    }

    @Test
    void the_printed_address_keeps_the_token_in_a_cookie_no_script_can_read() throws IOException {
        try (Response login = call(new Request.Builder().url(server.address()))) {
            assertEquals(303, login.code());
            assertEquals("/", login.header("Location"));
            String cookie = login.header("Set-Cookie");
            assertTrue(cookie.startsWith(server.cookie() + ";"), cookie);
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        }
        try (Response wrong = call(new Request.Builder().url(base() + "/?token=guess"))) {
            assertEquals(403, wrong.code());
            assertEquals(null, wrong.header("Set-Cookie"));
        }
    }

    @Test
    void a_request_from_another_site_is_refused_even_with_the_token() throws IOException {
        int before = groq.requestCount();
        try (Response post = call(withToken("/api/chat").header("Origin", "http://attacker.example")
                .post(RequestBody.create("{\"message\":\"spend their key\"}", JSON_TYPE)))) {
            assertEquals(403, post.code());
        }
        try (Response post = call(withToken("/api/chat").header("Origin", "http://127.0.0.1:" + (server.port() + 1))
                .post(RequestBody.create("{\"message\":\"spend their key\"}", JSON_TYPE)))) {
            assertEquals(403, post.code(), "another port of this machine is another origin");
        }
        try (Response post = call(withToken("/api/chat").header("Sec-Fetch-Site", "cross-site")
                .post(RequestBody.create("{\"message\":\"spend their key\"}", JSON_TYPE)))) {
            assertEquals(403, post.code());
        }
        assertEquals(before, groq.requestCount(), "nothing reached Groq");
    }

    @Test
    void every_response_forbids_inline_script_and_framing() throws IOException {
        try (Response page = call(new Request.Builder().url(base() + "/"))) {
            String csp = page.header("Content-Security-Policy");
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("nosniff", page.header("X-Content-Type-Options"));
            String html = page.body().string();
            assertFalse(html.matches("(?s).*<script(?![^>]*\\bsrc=).*"), "every script is a file of its own");
            assertFalse(html.matches("(?s).*\\son[a-z]+=.*"), "no inline event handlers");
        }
        try (Response refused = call(new Request.Builder().url(base() + "/api/state"))) {
            assertTrue(refused.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
        }
    }

    @Test
    void the_key_never_reaches_the_page() throws IOException {
        for (String path : List.of("/", "/page.js", "/api/state")) {
            try (Response response = call(withToken(path))) {
                assertFalse(response.body().string().contains(Clients.KEY), path);
            }
        }
    }

    @Test
    void a_request_body_over_the_limit_is_refused() throws IOException {
        String huge = "{\"message\":\"" + "a".repeat(WebServer.MAX_BODY) + "\"}";
        try (Response post = call(withToken("/api/chat").post(RequestBody.create(huge, JSON_TYPE)))) {
            assertEquals(413, post.code());
        }
    }

    @Test
    void a_second_message_while_the_conversation_answers_is_refused_not_lost() throws Exception {
        try (Response first = chat(null, "Take your time #mock:tokens=40 #mock:tps=20")) {
            String id = event(first.body().source()).path("conversation").asText();
            try (Response second = chat(id, "Me again")) {
                assertEquals(409, second.code());
                assertTrue(JSON.readTree(second.body().string()).path("error").asText()
                        .startsWith("This conversation is still answering"));
            }
            assertEquals("done", lastEvent(first.body().source()).path("type").asText());
            try (Response third = chat(id, "Me again")) {
                JsonNode done = lastEvent(third.body().source());
                assertTrue(done.path("html").asText().contains("This is message 2"), done.toString());
            }
        }
    }

    @Test
    void two_conversations_answer_at_the_same_time() throws Exception {
        try (Response one = chat(null, "One #mock:tokens=20 #mock:tps=40");
             Response two = chat(null, "Two #mock:tokens=20 #mock:tps=40")) {
            assertEquals(200, one.code());
            assertEquals(200, two.code());
            CompletableFuture<JsonNode> first = CompletableFuture.supplyAsync(() -> lastEvent(one.body().source()));
            JsonNode second = lastEvent(two.body().source());
            assertEquals("done", first.get().path("type").asText());
            assertEquals("done", second.path("type").asText());
            assertFalse(first.get().path("cut").asBoolean());
        }
    }

    @Test
    void a_tab_closed_mid_answer_cancels_the_request_and_saves_what_arrived() throws Exception {
        long started = System.nanoTime();
        String id;
        try (Response answer = chat(null, "A long story #mock:tokens=400 #mock:tps=40")) {
            BufferedSource events = answer.body().source();
            id = event(events).path("conversation").asText();
            while (!event(events).path("type").asText().equals("content")) {
                // the reasoning first; the tab closes once some of the answer is in
            }
        } // the tab is closed: the connection ends here
        Path saved = home.resolve("conversations").resolve(id + ".json");
        Chromium.waitFor("the cut answer to be saved", Duration.ofSeconds(5), () -> Files.exists(saved));
        Conversation conversation = new ConversationStore(home).load(id);
        assertEquals(2, conversation.messages().size());
        assertTrue(conversation.messages().get(1).cut());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(8).toNanos(),
                "the answer would have taken 10 s had it not been cancelled");
    }

    @Test
    void stopping_the_server_mid_answer_saves_what_arrived_marked_cut() throws Exception {
        Path ownHome = Files.createTempDirectory(home, "stopped");
        WebServer stopping = WebServer.start(Clients.of(groq.baseUrl(), Clients.KEY, Clients.MODEL,
                Clients.QUICK_RETRIES), ownHome, "127.0.0.1", 0, Repo.file("101s/web"),
                new PrintStream(OutputStream.nullOutputStream()));
        String body = JSON.createObjectNode().put("message", "A long story #mock:tokens=400 #mock:tps=40").toString();
        Request request = new Request.Builder().url("http://127.0.0.1:" + stopping.port() + "/api/chat")
                .header("Cookie", stopping.cookie()).post(RequestBody.create(body, JSON_TYPE)).build();
        String id;
        try (Response answer = http.newCall(request).execute()) {
            BufferedSource events = answer.body().source();
            id = event(events).path("conversation").asText();
            while (!event(events).path("type").asText().equals("content")) {
                // the reasoning first; the server stops once some of the answer is in
            }
            stopping.close(); // what Ctrl-C does
        }
        Conversation conversation = new ConversationStore(ownHome).load(id);
        assertEquals(2, conversation.messages().size());
        assertTrue(conversation.messages().get(1).cut(), "marked as cut");
        assertFalse(conversation.messages().get(1).content().isEmpty(), "what arrived is kept");
    }

    @Test
    void the_pages_files_weigh_at_most_50_kb_in_all() throws IOException {
        try (Stream<Path> files = Files.list(Repo.file("101s/web"))) {
            long bytes = files.mapToLong(file -> file.toFile().length()).sum();
            assertTrue(bytes <= 50 * 1024, bytes + " bytes");
        }
    }

    // ---- Plain HTTP ------------------------------------------------------------------------

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private static Request.Builder withToken(String path) {
        return new Request.Builder().url(base() + path).header("Cookie", server.cookie());
    }

    private static Response call(Request.Builder request) throws IOException {
        return http.newCall(request.build()).execute();
    }

    private static Response chat(String conversation, String message) throws IOException {
        String body = JSON.createObjectNode().put("conversation", conversation).put("message", message).toString();
        return call(withToken("/api/chat").post(RequestBody.create(body, JSON_TYPE)));
    }

    /** The next event of an answer (the server's empty keep-alive lines skipped). */
    private static JsonNode event(BufferedSource events) throws IOException {
        String line;
        do {
            line = events.readUtf8Line();
            if (line == null) {
                throw new IOException("the answer ended");
            }
        } while (line.isEmpty());
        return JSON.readTree(line);
    }

    private static JsonNode lastEvent(BufferedSource events) {
        try {
            JsonNode last = null;
            for (String line = events.readUtf8Line(); line != null; line = events.readUtf8Line()) {
                if (!line.isEmpty()) {
                    last = JSON.readTree(line);
                }
            }
            return last;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
