package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.view.web.WebServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import okhttp3.FormBody;
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
 * The page's server (the devs app's web view) seen by a plain HTTP client: what a web page
 * elsewhere, a rebinding DNS name, another server on this machine or a careless script
 * cannot do with it, and how it behaves when pages go away or ask twice. No browser needed.
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
        server = DevsPage.start(groq.baseUrl(), home);
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
    void the_api_needs_this_runs_secret_in_its_header() throws IOException {
        try (Response state = call(new Request.Builder().url(base() + "/api/state"))) {
            assertEquals(403, state.code());
            JsonNode refusal = JSON.readTree(state.body().string());
            assertTrue(refusal.path("needsSecret").asBoolean());
            assertTrue(refusal.path("error").asText().contains("open the address that ./jbang web printed"));
        }
        try (Response state = call(new Request.Builder().url(base() + "/api/state")
                .header("X-Bnagpt-Secret", "0123456789abcdef"))) {
            assertEquals(403, state.code());
        }
        try (Response state = call(new Request.Builder().url(base() + "/api/state")
                .header("Cookie", "bnagpt=" + server.secret()))) {
            assertEquals(403, state.code(), "a cookie is not how the secret travels");
        }
        try (Response state = call(withSecret("/api/state"))) {
            assertEquals(200, state.code());
        }
    }

    @Test
    void a_printed_address_works_once_and_sets_no_cookie() throws IOException {
        String address = server.address();
        assertTrue(address.matches("http://127\\.0\\.0\\.1:[0-9]+/login\\?code=[0-9a-f]{32}"), address);
        assertFalse(address.contains(server.secret()), "the address never holds the secret itself");
        try (Response first = call(new Request.Builder().url(address))) {
            assertEquals(200, first.code());
            assertNull(first.header("Set-Cookie"));
            assertTrue(first.body().string().contains("<meta name=\"bnagpt-secret\" content=\"" + server.secret() + "\">"));
        }
        try (Response again = call(new Request.Builder().url(address))) {
            assertEquals(403, again.code(), "a used address is spent: found in the browser's history, it opens nothing");
            assertFalse(again.body().string().contains(server.secret()));
        }
    }

    @Test
    void the_private_files_form_posts_the_secret_and_a_wrong_one_is_refused() throws IOException {
        try (Response login = call(new Request.Builder().url(base() + "/login")
                .post(new FormBody.Builder().add("secret", server.secret()).build()))) {
            assertEquals(200, login.code());
            assertNull(login.header("Set-Cookie"));
            assertTrue(login.body().string().contains(server.secret()));
        }
        try (Response login = call(new Request.Builder().url(base() + "/login")
                .post(new FormBody.Builder().add("secret", "guess").build()))) {
            assertEquals(403, login.code());
        }
    }

    @Test
    void no_response_sets_a_cookie_that_other_ports_of_this_machine_would_receive() throws IOException {
        for (String path : List.of("/", "/simple", "/page.js", "/api/state", "/api/models", "/nothing")) {
            try (Response response = call(withSecret(path))) {
                assertNull(response.header("Set-Cookie"), path);
            }
        }
    }

    @Test
    void a_request_from_another_site_is_refused_even_with_the_secret() throws IOException {
        int before = groq.requestCount();
        String body = "{\"message\":\"spend their key\"}";
        try (Response post = call(withSecret("/api/chat").header("Origin", "http://attacker.example")
                .post(RequestBody.create(body, JSON_TYPE)))) {
            assertEquals(403, post.code());
        }
        try (Response post = call(withSecret("/api/chat").header("Origin", "http://127.0.0.1:" + (server.port() + 1))
                .post(RequestBody.create(body, JSON_TYPE)))) {
            assertEquals(403, post.code(), "another port of this machine is another origin");
        }
        try (Response post = call(withSecret("/api/chat").header("Sec-Fetch-Site", "cross-site")
                .post(RequestBody.create(body, JSON_TYPE)))) {
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
        for (String path : List.of("/api/state", "/nothing", "/login")) {
            try (Response refused = call(new Request.Builder().url(base() + path))) {
                assertTrue(refused.header("Content-Security-Policy").contains("frame-ancestors 'none'"), path);
            }
        }
    }

    @Test
    void only_the_pages_own_files_are_served() throws IOException {
        for (String path : List.of("/../../etc/passwd", "/%2e%2e/bnagpt.java", "/WebServer.class", "/web/page.js")) {
            try (Response response = call(new Request.Builder().url(base() + path))) {
                assertTrue(response.code() == 404 || response.code() == 400, path + ": " + response.code());
            }
        }
        try (Response favicon = call(new Request.Builder().url(base() + "/logo.svg"))) {
            assertEquals("image/svg+xml", favicon.header("Content-Type"));
        }
    }

    @Test
    void the_picker_offers_the_default_model_first_and_each_of_the_servers_models_once() throws IOException {
        try (Response response = call(withSecret("/api/models"))) {
            JsonNode offer = JSON.readTree(response.body().string());
            List<String> models = new ArrayList<>();
            offer.path("models").forEach(model -> models.add(model.asText()));
            assertEquals(Clients.MODEL, models.get(0));
            assertTrue(models.contains("qwen/qwen3.8-27b"), models.toString());
            assertEquals(models.size(), new HashSet<>(models).size(), "each once: " + models);
            assertTrue(offer.path("problem").isMissingNode(), offer.toString());
        }
    }

    @Test
    void the_key_never_reaches_the_page() throws IOException {
        for (String path : List.of("/", "/page.js", "/api/state", "/api/models")) {
            try (Response response = call(withSecret(path))) {
                assertFalse(response.body().string().contains(Clients.KEY), path);
            }
        }
    }

    @Test
    void a_request_body_over_the_limit_is_refused() throws IOException {
        String huge = "{\"message\":\"" + "a".repeat(WebServer.MAX_BODY) + "\"}";
        try (Response post = call(withSecret("/api/chat").post(RequestBody.create(huge, JSON_TYPE)))) {
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
            try (Response delete = call(withSecret("/api/conversations/" + id).delete())) {
                assertEquals(409, delete.code(), "nor is it deleted while it answers");
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
    void the_simple_page_sends_the_last_message_only_and_saves_nothing() throws Exception {
        Path ownHome = Files.createTempDirectory(home, "simple");
        try (WebServer simple = DevsPage.start(groq.baseUrl(), ownHome)) {
            for (String message : List.of("My name is Ada", "What is my name?")) {
                String body = JSON.createObjectNode().put("page", "simple").put("message", message).toString();
                try (Response answer = http.newCall(new Request.Builder().url(simple.origin() + "/api/chat")
                        .header("X-Bnagpt-Secret", simple.secret()).post(RequestBody.create(body, JSON_TYPE)).build())
                        .execute()) {
                    JsonNode done = lastEvent(answer.body().source());
                    assertTrue(done.path("html").asText().contains("This is the first message"), done.toString());
                    assertTrue(done.path("conversation").isNull(), "no conversation to go on with");
                }
            }
        }
        assertTrue(new ConversationStore(ownHome).list().isEmpty());
    }

    @Test
    void a_saved_conversation_is_listed_with_its_time_renamed_and_deleted() throws Exception {
        String id;
        try (Response answer = chat(null, "Rename me, then delete me")) {
            id = lastEvent(answer.body().source()).path("conversation").asText();
        }
        JsonNode listed = listed(id);
        assertEquals("Rename me, then delete me", listed.path("title").asText());
        assertTrue(Math.abs(System.currentTimeMillis() - listed.path("updated").asLong()) < 60_000, listed.toString());

        try (Response rename = call(withSecret("/api/conversations/" + id)
                .patch(RequestBody.create("{\"title\":\"A better title\"}", JSON_TYPE)))) {
            assertEquals(200, rename.code(), rename.body().string());
        }
        assertEquals("A better title", listed(id).path("title").asText());
        assertEquals("A better title", new ConversationStore(home).load(id).title(), "the chat sees the title too");

        try (Response delete = call(withSecret("/api/conversations/" + id).delete())) {
            assertEquals(200, delete.code());
        }
        assertNull(listed(id));
        try (Response gone = call(withSecret("/api/conversations/" + id))) {
            assertEquals(400, gone.code());
            assertTrue(JSON.readTree(gone.body().string()).path("error").asText().startsWith("There is no saved"));
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
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = Chromium.waitFor("the cut answer to be saved", Duration.ofSeconds(5), () -> {
            Conversation saved = store.load(id);
            return saved.messages().size() == 2 && saved.messages().get(1).cut() ? saved : null;
        });
        assertFalse(conversation.messages().get(1).content().isEmpty());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(8).toNanos(),
                "the answer would have taken 10 s had it not been cancelled");
    }

    @Test
    void stopping_the_server_mid_answer_saves_what_arrived_marked_cut() throws Exception {
        Path ownHome = Files.createTempDirectory(home, "stopped");
        WebServer stopping = DevsPage.start(groq.baseUrl(), ownHome);
        String body = JSON.createObjectNode().put("message", "A long story #mock:tokens=400 #mock:tps=40").toString();
        Request request = new Request.Builder().url(stopping.origin() + "/api/chat")
                .header("X-Bnagpt-Secret", stopping.secret()).post(RequestBody.create(body, JSON_TYPE)).build();
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
    void the_pages_files_weigh_at_most_70_kb_in_all() throws IOException {
        try (Stream<Path> files = Files.list(DevsPage.files())) {
            long bytes = files.mapToLong(file -> file.toFile().length()).sum();
            // 50 KB until issue 16: Read Documents' page code (documents.js, .css) brought it to 54 KB
            assertTrue(bytes <= 70 * 1024, bytes + " bytes");
        }
    }

    // ---- Plain HTTP ------------------------------------------------------------------------

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private static Request.Builder withSecret(String path) {
        return new Request.Builder().url(base() + path).header("X-Bnagpt-Secret", server.secret());
    }

    private static Response call(Request.Builder request) throws IOException {
        return http.newCall(request.build()).execute();
    }

    private static Response chat(String conversation, String message) throws IOException {
        String body = JSON.createObjectNode().put("conversation", conversation).put("message", message).toString();
        return call(withSecret("/api/chat").post(RequestBody.create(body, JSON_TYPE)));
    }

    /** The sidebar's entry for conversation ID, or null when it is not listed. */
    private static JsonNode listed(String id) throws IOException {
        try (Response state = call(withSecret("/api/state"))) {
            for (JsonNode conversation : JSON.readTree(state.body().string()).path("conversations")) {
                if (conversation.path("id").asText().equals(id)) {
                    return conversation;
                }
            }
            return null;
        }
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
