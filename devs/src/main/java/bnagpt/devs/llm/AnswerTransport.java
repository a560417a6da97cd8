package bnagpt.devs.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How LangChain4j's OpenAI model reaches the server for one answer: its own HTTP client
 * interface, put on our Exchange (retries, a fresh connection for a stale one, proxies,
 * a bounded error body, a web page told apart) and our Watchdog (the first token, a stall,
 * the stop button). LangChain4j still parses the stream and its JSON. One per answer,
 * because the watchdog belongs to one answer; the connections under it are shared.
 */
final class AnswerTransport implements dev.langchain4j.http.client.HttpClient {
    private final Exchange exchange;
    private final Watchdog watchdog;
    private final Llm.Listener listener;
    private final Limits limits;
    private final RawEvents.Sink tools;

    /** The built-in tools' runs, read from the stream's events, go to {@code tools}. */
    AnswerTransport(Exchange exchange, Watchdog watchdog, Llm.Listener listener, Limits limits, RawEvents.Sink tools) {
        this.exchange = exchange;
        this.watchdog = watchdog;
        this.listener = listener;
        this.limits = limits;
        this.tools = tools;
    }

    @Override
    public void execute(dev.langchain4j.http.client.HttpRequest request, ServerSentEventParser parser,
            ServerSentEventListener events) {
        HttpResponse<InputStream> response;
        try {
            response = exchange.send(toJdk(request), listener, watchdog);
        } catch (IOException e) {
            events.onError(e);
            return;
        }
        events.onOpen(SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                .headers(response.headers().map()).build());
        InputStream body = new BoundedStream(response.body(), limits, listener);
        watchdog.watch(() -> closeQuietly(body));
        try {
            InputStream stream = isJson(response) ? wholeAnswerAsStream(body) : body;
            // a failure while reading reaches events.onError
            parser.parse(stream, new RawEvents(events, tools));
        } catch (IOException e) {
            events.onError(e); // a whole answer that could not be read
        } finally {
            closeQuietly(body);
        }
        events.onClose();
    }

    private static boolean isJson(HttpResponse<?> response) {
        return response.headers().firstValue("content-type").orElse("").toLowerCase().contains("json");
    }

    /**
     * Some OpenAI-compatible servers answer with one chat.completion object although a stream
     * was asked for; LangChain4j would find no event in it, and the answer would be empty. It
     * is read (bounded) and handed on as the one event of a stream.
     */
    private static InputStream wholeAnswerAsStream(InputStream body) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode whole = json.readTree(body);
        if (whole == null || whole.has("error") || !whole.path("choices").path(0).isObject()) {
            return event(json, whole == null ? json.createObjectNode() : whole); // RawEvents reads an error, or no answer
        }
        JsonNode choice = whole.path("choices").path(0);
        ObjectNode chunk = json.createObjectNode();
        ObjectNode piece = chunk.putArray("choices").addObject().put("index", 0);
        piece.set("delta", choice.path("message"));
        piece.set("finish_reason", choice.path("finish_reason").isTextual() ? choice.get("finish_reason")
                : json.getNodeFactory().textNode("stop"));
        if (whole.has("usage")) {
            chunk.set("usage", whole.get("usage"));
        }
        return event(json, chunk);
    }

    private static InputStream event(ObjectMapper json, JsonNode data) throws IOException {
        return new ByteArrayInputStream(("data: " + json.writeValueAsString(data) + "\n\ndata: [DONE]\n\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public SuccessfulHttpResponse execute(dev.langchain4j.http.client.HttpRequest request) {
        throw new UnsupportedOperationException("bnaGPT streams every answer");
    }

    private static HttpRequest toJdk(dev.langchain4j.http.client.HttpRequest request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(request.url()))
                .method(request.method().name(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body()));
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            for (String value : header.getValue()) {
                builder.header(header.getKey(), value);
            }
        }
        return builder.build();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // it is being given up anyway
        }
    }

    /** Hands LangChain4j's model builder this transport; the timeouts it asks for are the Watchdog's business. */
    static HttpClientBuilder builderOf(AnswerTransport transport) {
        return new HttpClientBuilder() {
            @Override
            public Duration connectTimeout() {
                return null;
            }

            @Override
            public HttpClientBuilder connectTimeout(Duration timeout) {
                return this;
            }

            @Override
            public Duration readTimeout() {
                return null;
            }

            @Override
            public HttpClientBuilder readTimeout(Duration timeout) {
                return this;
            }

            @Override
            public dev.langchain4j.http.client.HttpClient build() {
                return transport;
            }
        };
    }
}
