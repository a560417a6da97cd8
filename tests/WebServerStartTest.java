package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.devs.controller.ModelCatalog;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.view.web.WebServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the page's server listens and what it waits for: --host and --port as issue 14 found
 * them (case 7), and a server whose /models never answers (case 8).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebServerStartTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(Clients.KEY);
    @TempDir
    static Path home;

    private static WebServer server;
    private static final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    @BeforeAll
    static void start() {
        server = DevsPage.start(groq.baseUrl(), home);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void serving_every_address_answers_to_this_machines_own_addresses() throws Exception {
        InetAddress own = null;
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    own = address;
                }
            }
        }
        assumeTrue(own != null, "this machine has no address but its loopback");
        try (WebServer everywhere = DevsPage.start(new OpenAiCompatibleLlm(groq.baseUrl(), Clients.KEY, Clients.MODEL),
                Files.createTempDirectory(home, "everywhere"), "0.0.0.0")) {
            assertEquals("http://127.0.0.1:" + everywhere.port(), everywhere.origin());
            String url = "http://" + own.getHostAddress() + ":" + everywhere.port() + "/";
            try (Response page = call(new Request.Builder().url(url))) {
                assertEquals(200, page.code(), url);
            }
        }
    }

    @Test
    void another_loopback_address_is_the_one_printed_and_served() throws Exception {
        try (WebServer other = DevsPage.start(new OpenAiCompatibleLlm(groq.baseUrl(), Clients.KEY, Clients.MODEL),
                Files.createTempDirectory(home, "other"), "127.0.0.2")) {
            assertTrue(other.address().startsWith("http://127.0.0.2:" + other.port() + "/login?code="), other.address());
            try (Response page = call(new Request.Builder().url(other.origin() + "/"))) {
                assertEquals(200, page.code());
            }
        }
    }

    @Test
    void a_taken_port_is_said_and_the_next_free_one_used() throws Exception {
        OpenAiCompatibleLlm llm = new OpenAiCompatibleLlm(groq.baseUrl(), Clients.KEY, Clients.MODEL);
        ConversationStore store = new ConversationStore(Files.createTempDirectory(home, "ports"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (WebServer next = WebServer.start(new ModelCatalog(llm), store, new AttachmentStore(home),
                DevsPage.assistants(home), Map.of(), "127.0.0.1", server.port(), DevsPage.files(),
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
            assertTrue(next.port() > server.port() && next.port() <= server.port() + 20, String.valueOf(next.port()));
            assertEquals("Port " + server.port() + " is taken; using " + next.port() + " instead.",
                    log.toString(StandardCharsets.UTF_8).strip());
        }
    }

    @Test
    void a_models_list_that_never_answers_holds_up_no_page() throws Exception {
        Llm real = new OpenAiCompatibleLlm(groq.baseUrl(), Clients.KEY, Clients.MODEL);
        CountDownLatch never = new CountDownLatch(1);
        Llm hanging = new Llm() {
            @Override
            public Reply stream(Request request, Listener listener, Stop stop) {
                return real.stream(request, listener, stop);
            }

            @Override
            public List<ModelInfo> models() {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }

            @Override
            public String defaultModel() {
                return real.defaultModel();
            }
        };
        try (WebServer slow = DevsPage.start(hanging, Files.createTempDirectory(home, "hanging"), "127.0.0.1")) {
            long start = System.nanoTime();
            try (Response state = http.newCall(new Request.Builder().url(slow.origin() + "/api/state")
                    .header("X-Bnagpt-Secret", slow.secret()).build()).execute()) {
                assertEquals(Clients.MODEL, JSON.readTree(state.body().string()).path("model").asText());
            }
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "the page draws at once");
            for (int load = 0; load < 2; load++) {
                start = System.nanoTime();
                try (Response models = http.newCall(new Request.Builder().url(slow.origin() + "/api/models")
                        .header("X-Bnagpt-Secret", slow.secret()).build()).execute()) {
                    JsonNode offer = JSON.readTree(models.body().string());
                    assertEquals(Clients.MODEL, offer.path("models").get(0).asText());
                    assertTrue(offer.path("problem").asText().contains("did not list its models within 3 s"),
                            offer.toString());
                }
                long seconds = (System.nanoTime() - start) / 1_000_000_000;
                assertTrue(load == 0 ? seconds < 5 : seconds < 1, "load " + load + " waited " + seconds + " s");
            }
        } finally {
            never.countDown();
        }
    }

    private static Response call(Request.Builder request) throws IOException {
        return http.newCall(request.build()).execute();
    }
}
