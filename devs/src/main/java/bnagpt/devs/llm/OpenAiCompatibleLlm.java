package bnagpt.devs.llm;

import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Groq, or any OpenAI-compatible server, through LangChain4j's OpenAI module: Groq has no
 * module of its own, its API is OpenAI's at https://api.groq.com/openai/v1. LangChain4j
 * builds the request and parses the stream; we bring the transport under it (AnswerTransport:
 * retries, proxies, limits, the watchdog) and turn its callbacks into ours (AnswerHandler).
 */
public final class OpenAiCompatibleLlm implements Llm {
    private final String baseUrl;
    private final String apiKey;
    private final String defaultModel;
    private final boolean groq;
    private final Limits limits;
    private final Exchange exchange;
    private final ModelList modelList;
    private final Failures failures;

    /** Groq or the server at BASE_URL, as the settings say; proxies as the environment says. */
    public OpenAiCompatibleLlm(String baseUrl, String apiKey, String defaultModel) {
        this(baseUrl, apiKey, defaultModel, Limits.DEFAULT, RetryPolicy.DEFAULT, httpClient(System.getenv()));
    }

    public OpenAiCompatibleLlm(String baseUrl, String apiKey, String defaultModel, Limits limits, RetryPolicy retries,
            HttpClient http) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey;
        this.defaultModel = defaultModel;
        this.groq = isGroq(this.baseUrl);
        this.limits = limits;
        String shown = shown(this.baseUrl);
        this.exchange = new Exchange(http, retries, shown);
        this.modelList = new ModelList(this.baseUrl, apiKey, exchange, limits);
        this.failures = new Failures(shown, apiKey, this::models);
    }

    /**
     * The connections every answer shares (kept alive between requests), through the proxy
     * the environment names (see ProxyFromEnvironment). The watchdog keeps the other times.
     */
    public static HttpClient httpClient(Map<String, String> env) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL);
        ProxyFromEnvironment proxies = new ProxyFromEnvironment(env);
        if (proxies.any()) {
            builder.proxy(proxies);
        }
        return builder.build();
    }

    @Override
    public String defaultModel() {
        return defaultModel;
    }

    @Override
    public Reply stream(Request request, Listener listener, Stop stop) {
        requireKey();
        String model = request.model() != null ? request.model() : defaultModel;
        Failures failures = this.failures.about(request); // a refusal of its images or tools is worded as such
        try (Watchdog watchdog = new Watchdog(limits, shown(baseUrl))) {
            AnswerHandler handler = new AnswerHandler(listener, watchdog, stop, failures, model);
            stop.onStop(() -> {
                watchdog.end();
                handler.settle();
            });
            watchdog.onVerdict(handler::settle);
            OpenAiStreamingChatModel chat = OpenAiStreamingChatModel.builder()
                    .httpClientBuilder(AnswerTransport.builderOf(
                            new AnswerTransport(exchange, watchdog, listener, limits, handler::onTool)))
                    .baseUrl(baseUrl)
                    .apiKey(apiKey == null ? "none" : apiKey) // servers on loopback often take none; LangChain4j wants one
                    .modelName(model)
                    .returnThinking(true) // gpt-oss's reasoning, apart from the answer
                    .build();
            if (!stop.stopped()) {
                chat.chat(LangChainRequest.of(request, model), handler);
            }
            try {
                return handler.reply().get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof LlmFailure failure ? failure : failures.of(e.getCause(), model);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.stop("The answer was interrupted.");
                throw new LlmFailure("The answer was interrupted.");
            }
        }
    }

    @Override
    public List<ModelInfo> models() {
        requireKey();
        return modelList.fetch(failures);
    }

    private void requireKey() {
        if (apiKey == null && groq) {
            throw Failures.noKey();
        }
    }

    /** Groq's own server: https and the host api.groq.com, not a look-alike. */
    static boolean isGroq(String url) {
        try {
            URI uri = URI.create(url);
            return "https".equals(uri.getScheme()) && "api.groq.com".equals(uri.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The server's address as sentences show it: without a user name and password written into it. */
    static String shown(String url) {
        return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*:/+)?[^/?#]*@", "$1");
    }
}
