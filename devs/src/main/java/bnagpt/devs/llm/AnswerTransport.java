package bnagpt.devs.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    AnswerTransport(Exchange exchange, Watchdog watchdog, Llm.Listener listener, Limits limits) {
        this.exchange = exchange;
        this.watchdog = watchdog;
        this.listener = listener;
        this.limits = limits;
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
        try (InputStream body = new BoundedStream(response.body(), limits, listener)) {
            watchdog.watch(() -> closeQuietly(body));
            parser.parse(body, new ErrorEvents(events)); // a failure while reading reaches events.onError
        } catch (IOException e) {
            // closing a broken stream: the parser has reported what broke it
        }
        events.onClose();
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

    /**
     * Groq reports a failure in the middle of a stream as an event {"error": {...}}, which
     * LangChain4j's OpenAI module passes over in silence: the answer would just stop. Here it
     * ends the stream as the failure it is, and its message reaches the sentence.
     */
    private static final class ErrorEvents implements ServerSentEventListener {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final ServerSentEventListener events;

        ErrorEvents(ServerSentEventListener events) {
            this.events = events;
        }

        @Override
        public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
            String data = event.data();
            if (data != null && data.startsWith("{\"error\"")) {
                JsonNode error = parse(data).path("error");
                if (error.isObject()) {
                    context.parsingHandle().cancel();
                    events.onError(new ErrorEvent(error.path("message").asText("(no message)"),
                            error.path("code").asText("")));
                    return;
                }
            }
            events.onEvent(event, context);
        }

        @Override
        public void onEvent(ServerSentEvent event) {
            events.onEvent(event);
        }

        @Override
        public void onOpen(SuccessfulHttpResponse response) {
            events.onOpen(response);
        }

        @Override
        public void onError(Throwable error) {
            events.onError(error);
        }

        @Override
        public void onClose() {
            events.onClose();
        }

        private static JsonNode parse(String data) {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                return JSON.missingNode();
            }
        }
    }

    /** An error event in the middle of a stream: the server's message and code. */
    static final class ErrorEvent extends RuntimeException {
        final String code;

        ErrorEvent(String message, String code) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /**
     * A stream whose lines are at most limits.longestLine() bytes (LangChain4j reads a line
     * whole before it looks at it, so one endless "data:" line would fill the memory), and
     * which ends past limits.longestStream() bytes (LangChain4j keeps every event until the end).
     */
    static final class BoundedStream extends FilterInputStream {
        private final Limits limits;
        private final Llm.Listener listener;
        private long line;
        private long total;

        BoundedStream(InputStream in, Limits limits, Llm.Listener listener) {
            super(in);
            this.limits = limits;
            this.listener = listener;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        /**
         * LangChain4j's reader asks for more bytes only once it has handed over every line it
         * had: the moment to tell the listener that a batch has ended (a good time to flush).
         */
        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            listener.onBatchEnd();
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(buffer, offset, n);
            }
            return n;
        }

        /** Counts the stream and the line under way: from the last line break of the piece, if it has one. */
        private void count(byte[] buffer, int offset, int n) throws TooLong {
            total += n;
            int end = offset + n;
            int lastBreak = end - 1;
            while (lastBreak >= offset && buffer[lastBreak] != '\n' && buffer[lastBreak] != '\r') {
                lastBreak--;
            }
            line = lastBreak < offset ? line + n : end - 1 - lastBreak;
            if (line > limits.longestLine()) {
                throw new TooLong("The server sent more than " + mebibytes(limits.longestLine()) + " in one line of its "
                        + "stream, more than any answer needs, so reading stopped there.");
            }
            if (total > limits.longestStream()) {
                throw new TooLong("The server's stream passed " + mebibytes(limits.longestStream()) + ", more than any "
                        + "answer needs, so reading stopped there.");
            }
        }

        private static String mebibytes(long bytes) {
            return (bytes >> 20) + " MiB";
        }
    }

    /** A line, or a whole stream, longer than any answer needs: reading stopped there, and the sentence says so. */
    static final class TooLong extends IOException {
        TooLong(String sentence) {
            super(sentence);
        }
    }
}
