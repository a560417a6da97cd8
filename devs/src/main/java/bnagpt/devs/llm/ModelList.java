package bnagpt.devs.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * GET /models: the models the server offers now, for the picker and for the sentence that
 * says a model was retired. Sent through the same Exchange as the chat (retries, a fresh
 * connection for a stale one, proxies) and bounded by the same Limits.
 */
final class ModelList {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;
    private final Exchange exchange;
    private final Limits limits;

    ModelList(String baseUrl, String apiKey, Exchange exchange, Limits limits) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.exchange = exchange;
        this.limits = limits;
    }

    /** The active models, sorted by name. Throws LlmFailure, worded by FAILURES. */
    List<Llm.ModelInfo> fetch(Failures failures) {
        HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(baseUrl + "/models")).GET()
                .timeout(limits.firstToken());
        if (apiKey != null) {
            get.header("Authorization", "Bearer " + apiKey);
        }
        try (Watchdog watchdog = new Watchdog(limits, OpenAiCompatibleLlm.shown(baseUrl))) {
            HttpResponse<InputStream> response = exchange.send(get.build(), text -> { }, watchdog);
            byte[] body;
            try (InputStream in = response.body()) {
                watchdog.watch(() -> close(in));
                body = in.readNBytes(limits.longestLine() + 1);
            }
            if (body.length > limits.longestLine()) {
                throw new LlmFailure("The server at " + OpenAiCompatibleLlm.shown(baseUrl) + " sent a list of models of "
                        + "more than " + (limits.longestLine() >> 20) + " MiB; it was not read. Check GROQ_BASE_URL.");
            }
            JsonNode data = JSON.readTree(body).path("data");
            if (!data.isArray()) {
                throw notAList();
            }
            List<Llm.ModelInfo> models = new ArrayList<>();
            for (JsonNode node : data) {
                if (node.path("active").asBoolean(true) && node.path("id").isTextual()) {
                    models.add(new Llm.ModelInfo(node.path("id").asText(), node.path("context_window").asLong(0)));
                }
            }
            models.sort(Comparator.comparing(Llm.ModelInfo::id));
            return models;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw notAList();
        } catch (IOException e) {
            throw failures.of(e, null);
        }
    }

    private LlmFailure notAList() {
        return new LlmFailure("The server at " + OpenAiCompatibleLlm.shown(baseUrl) + " answered GET /models with "
                + "something that is not a list of models. Check GROQ_BASE_URL.");
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // given up anyway
        }
    }
}
