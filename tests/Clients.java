package bnagpt;

import bnagpt.chat.Config;
import bnagpt.chat.GroqClient;
import bnagpt.chat.Limits;
import bnagpt.chat.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;

/**
 * GroqClients for tests (an obviously fake key, and retries 10 ms apart instead of 0.5 s),
 * and the servers they talk to, started: a field marked with JUnit's @AutoClose stops them.
 */
final class Clients {
    private Clients() {}

    static final String KEY = "gsk_test_not_a_real_key_000";
    static final String MODEL = "openai/gpt-oss-120b";
    static final RetryPolicy QUICK_RETRIES =
            new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5));

    /** A client of the mock server as if it were Groq: base URL .../openai/v1. */
    static GroqClient of(MockWebServer server) {
        return of(server.url("/openai/v1").toString(), KEY, MODEL, QUICK_RETRIES);
    }

    static GroqClient of(String baseUrl, String key, String model, RetryPolicy retries) {
        return of(baseUrl, key, model, retries, Limits.DEFAULT);
    }

    /** The same, waiting for the server and taking from it only as much as these limits allow. */
    static GroqClient of(String baseUrl, String key, String model, RetryPolicy retries, Limits limits) {
        // Like the chat's own client: OkHttp must not retry behind our back.
        OkHttpClient http = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .readTimeout(Duration.ofSeconds(10))
                .build();
        return new GroqClient(new Config(key, baseUrl, model), http, retries, limits);
    }

    /** OkHttp's MockWebServer, listening on a free port. */
    static MockWebServer startedMockServer() {
        MockWebServer server = new MockWebServer();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("MockWebServer did not start", e);
        }
        return server;
    }

    /** The local Groq server on a free port, quiet. With a key, it accepts only that one, as Groq would. */
    static LocalGroq startedLocalGroq(String requiredKey) {
        try {
            return LocalGroq.start(new LocalGroq.Options(0, 0, requiredKey, true));
        } catch (IOException e) {
            throw new UncheckedIOException("LocalGroq did not start", e);
        }
    }
}
