///usr/bin/env jbang "$0" "$@" ; exit $?
//
// bnaGPT in one Java file: a chat that streams Groq's answer token by token.
//
// This is the Java edition of "From Zero to bnaGPT, Part 0". The headings below
// ("Step 3.2", "Step 7.3", ...) follow the article's beginner steps, so you can
// read both side by side.
//
//   ./jbang 101s/chat.java "why is the sky blue?"    one question, one answer
//   ./jbang 101s/chat.java                            a chat: type, Enter, /exit
//   ./jbang 101s/chat.java --help                     every option
//
// Needs GROQ_API_KEY in the environment (free at https://console.groq.com/keys),
// or GROQ_BASE_URL pointing at any OpenAI-compatible server (see README.md).

// Step 1: install the libraries. JBang reads these lines and fetches the jars.
//JAVA 17+
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
// Start fast: remember loaded classes between runs (class-data sharing), and
// skip the optimising compiler that a short chat never waits long enough for.
//CDS
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -XX:CICompilerCount=1

// JShell and notebooks can only see classes in a named package.
package bnagpt;

// Step 2: import the libraries.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The whole chat. Nested classes are public so JShell and notebooks can use them. */
public class chat {

    public static void main(String[] args) {
        StartupArchive.trainIfRecording();
        System.exit(run(args, System.getenv()));
    }

    /** Runs the command line and returns the exit status; failures become one sentence on stderr. */
    public static int run(String[] args, Map<String, String> env) {
        Terminal terminal = Terminal.system(env);
        try {
            Options options = Options.parse(args, env);
            if (options.help()) {
                terminal.out.print(Options.HELP);
                terminal.out.flush();
                return 0;
            }
            GroqClient client = new GroqClient(options.config());
            if (options.listModels()) {
                for (Model model : client.models()) {
                    terminal.out.printf("%-40s %,9d tokens%n", model.id(), model.contextWindow());
                }
                terminal.out.flush();
                return 0;
            }
            Chat session = new Chat(client, new Conversation(), terminal);
            return options.prompt() != null ? session.oneShot(options.prompt()) : session.loop();
        } catch (ChatException e) {
            terminal.error(e.getMessage());
            return e.exitCode;
        }
    }

    // ---------------------------------------------------------------------------------
    // Step 3: the main configurations and methods for Groq.
    // ---------------------------------------------------------------------------------

    static final String GROQ_URL = "https://api.groq.com/openai/v1";
    /** A model Groq serves today. The article's llama3-70b-8192 was retired in 2025. */
    static final String DEFAULT_MODEL = "openai/gpt-oss-120b";

    /**
     * Step 3.1: where to send requests, with which key and model.
     * The key only ever comes from the environment: a command-line flag would
     * show it to every user of the machine in the process list.
     */
    public record Config(String apiKey, String baseUrl, String model) {

        public static Config fromEnvironment() {
            return fromEnvironment(System.getenv());
        }

        public static Config fromEnvironment(Map<String, String> env) {
            return new Config(blankToNull(env.get("GROQ_API_KEY")),
                    orDefault(env.get("GROQ_BASE_URL"), GROQ_URL),
                    orDefault(env.get("GROQ_MODEL"), DEFAULT_MODEL));
        }

        public Config withModel(String newModel) {
            return new Config(apiKey, baseUrl, newModel);
        }

        public Config withBaseUrl(String newBaseUrl) {
            return new Config(apiKey, newBaseUrl, model);
        }

        boolean isGroq() {
            return baseUrl.startsWith("https://api.groq.com");
        }

        /** Never print the key, not even by accident in a log of this record. */
        @Override
        public String toString() {
            return "Config[baseUrl=" + baseUrl + ", model=" + model
                    + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
        }
    }

    /** The command line: a prompt, or nothing for a chat, plus a few options. */
    record Options(Config config, String prompt, boolean help, boolean listModels) {

        static final String HELP = """
                bnaGPT: chat with Groq's fast LLMs from your terminal.

                Usage:
                  chat.java "your question"     ask once: the answer streams to stdout
                  chat.java                     chat: one message per line, /exit or Ctrl-D to end
                  chat.java --list-models       the models your key can use

                Options:
                  -m, --model NAME      model to use (env GROQ_MODEL, default %s)
                      --base-url URL    any OpenAI-compatible server (env GROQ_BASE_URL,
                                        default %s)
                      --list-models     print the available models and their context windows
                  -h, --help            this text

                Environment:
                  GROQ_API_KEY          your key, needed for Groq (https://console.groq.com/keys).
                                        Only read from the environment, never from a flag.
                  GROQ_MODEL            default model
                  GROQ_BASE_URL         default server, e.g. http://localhost:11434/v1 for Ollama

                The answer goes to stdout; everything else goes to stderr.
                """.formatted(DEFAULT_MODEL, GROQ_URL);

        static Options parse(String[] args, Map<String, String> env) {
            Config config = Config.fromEnvironment(env);
            List<String> words = new ArrayList<>();
            boolean help = false;
            boolean listModels = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String inlineValue = null;
                if (arg.startsWith("--") && arg.contains("=")) {
                    inlineValue = arg.substring(arg.indexOf('=') + 1);
                    arg = arg.substring(0, arg.indexOf('='));
                }
                switch (arg) {
                    case "-h", "--help" -> help = true;
                    case "--list-models" -> listModels = true;
                    case "-m", "--model" -> config = config.withModel(
                            inlineValue != null ? inlineValue : valueAfter(args, i++, arg));
                    case "--base-url" -> config = config.withBaseUrl(
                            inlineValue != null ? inlineValue : valueAfter(args, i++, arg));
                    case "--api-key", "--key" -> throw new ChatException(
                            "The key is never passed as a flag (it would show in the process list): "
                                    + "set GROQ_API_KEY in the environment instead.", 2);
                    case "--" -> {
                        words.addAll(List.of(args).subList(i + 1, args.length));
                        i = args.length;
                    }
                    default -> {
                        if (arg.startsWith("-") && arg.length() > 1) {
                            throw new ChatException("Unknown option " + arg + ". See --help.", 2);
                        }
                        words.add(args[i]);
                    }
                }
            }
            String prompt = words.isEmpty() ? null : String.join(" ", words);
            return new Options(config, prompt, help, listModels);
        }

        private static String valueAfter(String[] args, int i, String flag) {
            if (i + 1 >= args.length || args[i + 1].isBlank()) {
                throw new ChatException(flag + " needs a value. See --help.", 2);
            }
            return args[i + 1];
        }
    }

    // ---------------------------------------------------------------------------------
    // Step 3.2: the stream parser, our parse_groq_stream.
    //
    // Groq streams its answer as server-sent events: lines of text, where
    //     data: {"choices":[{"delta":{"content":"Hel"}}]}
    // followed by a blank line is one event, and `data: [DONE]` ends the stream.
    // The parser is a pure function of the bytes it is fed: no network, no printing.
    // ---------------------------------------------------------------------------------

    /** What the stream parser finds: pieces of the answer and facts about it. */
    public sealed interface Piece permits Content, Reasoning, Finish, Usage, StreamError, Done {}

    /** A piece of the answer: print it. */
    public record Content(String text) implements Piece {}

    /** A piece of the model's thinking before it answers (gpt-oss, qwen3). Not the answer. */
    public record Reasoning(String text) implements Piece {}

    /** Why the model stopped: "stop", "length" (hit max tokens), "content_filter", ... */
    public record Finish(String reason) implements Piece {}

    /** Token counts and timings Groq measured; tokens per second come from these. */
    public record Usage(long promptTokens, long completionTokens, double completionTime, double totalTime)
            implements Piece {
        public double tokensPerSecond() {
            return completionTime > 0 ? completionTokens / completionTime : 0;
        }
    }

    /** The server reported a failure in the middle of the stream. */
    public record StreamError(String message, String type, String code) implements Piece {}

    /** The stream's `data: [DONE]`: the answer is complete. */
    public record Done() implements Piece {}

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Turns the bytes of a streamed response into pieces, following the
     * server-sent events rules (WHATWG HTML): lines end in LF, CRLF or CR; a line
     * starting with ':' is a comment; `data:` lines of one event are joined with
     * '\n'; a blank line ends the event. Bytes can arrive cut anywhere, even in the
     * middle of a UTF-8 character: we keep the unfinished line as bytes and only
     * decode whole lines, which always hold whole characters.
     */
    public static final class StreamParser {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final StringBuilder data = new StringBuilder();
        private String eventType = "";
        private boolean dataSeen;
        private boolean afterCR;
        private boolean atStart = true;

        /** Parses a whole response at once (handy in tests and notebooks). */
        public static List<Piece> parse(byte[] body) {
            StreamParser parser = new StreamParser();
            List<Piece> pieces = new ArrayList<>(parser.feed(body, 0, body.length));
            pieces.addAll(parser.end());
            return pieces;
        }

        /** Feeds the next bytes off the network; returns the pieces they complete. */
        public List<Piece> feed(byte[] bytes, int offset, int length) {
            List<Piece> pieces = new ArrayList<>();
            int lineStart = offset;
            int end = offset + length;
            if (atStart && length > 0) {
                lineStart = skipByteOrderMark(bytes, offset, end);
            }
            for (int i = lineStart; i < end; i++) {
                byte b = bytes[i];
                if (b == '\n' && afterCR) { // the LF of a CRLF whose CR ended the last line
                    afterCR = false;
                    lineStart = i + 1;
                    continue;
                }
                afterCR = false;
                if (b == '\n' || b == '\r') {
                    line.write(bytes, lineStart, i - lineStart);
                    processLine(line.toString(StandardCharsets.UTF_8), pieces);
                    line.reset();
                    afterCR = b == '\r';
                    lineStart = i + 1;
                }
            }
            line.write(bytes, lineStart, end - lineStart);
            return pieces;
        }

        /**
         * Call when the connection closes. An event not yet ended by a blank line
         * is dropped, as the SSE rules say: it may be half a message.
         */
        public List<Piece> end() {
            line.reset();
            data.setLength(0);
            dataSeen = false;
            return List.of();
        }

        private int skipByteOrderMark(byte[] bytes, int offset, int end) {
            atStart = false;
            boolean bom = end - offset >= 3 && (bytes[offset] & 0xFF) == 0xEF
                    && (bytes[offset + 1] & 0xFF) == 0xBB && (bytes[offset + 2] & 0xFF) == 0xBF;
            return bom ? offset + 3 : offset;
        }

        private void processLine(String text, List<Piece> pieces) {
            if (text.isEmpty()) {
                dispatchEvent(pieces);
                return;
            }
            if (text.charAt(0) == ':') {
                return; // a comment, often a keep-alive
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> {
                    if (dataSeen) {
                        data.append('\n');
                    }
                    data.append(value);
                    dataSeen = true;
                }
                case "event" -> eventType = value;
                default -> { } // "id" and "retry" only matter to browsers reconnecting
            }
        }

        private void dispatchEvent(List<Piece> pieces) {
            String type = eventType;
            eventType = "";
            if (!dataSeen) {
                return;
            }
            String payload = data.toString();
            data.setLength(0);
            dataSeen = false;
            if (payload.equals("[DONE]")) {
                pieces.add(new Done());
            } else if (type.equals("error")) {
                pieces.add(errorFrom(payload));
            } else {
                readChunk(payload, pieces);
            }
        }

        /** One chat.completion.chunk: the delta's content, reasoning, finish reason, usage. */
        private static void readChunk(String payload, List<Piece> pieces) {
            JsonNode chunk;
            try {
                chunk = JSON.readTree(payload);
            } catch (IOException e) {
                pieces.add(new StreamError("The server sent a chunk that is not JSON: " + shorten(payload),
                        "invalid_chunk", null));
                return;
            }
            if (chunk.hasNonNull("error")) {
                pieces.add(errorFrom(chunk.get("error")));
                return;
            }
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            String reasoning = delta.path("reasoning").asText("");
            if (!reasoning.isEmpty()) {
                pieces.add(new Reasoning(reasoning));
            }
            String content = delta.path("content").asText("");
            if (!content.isEmpty()) {
                pieces.add(new Content(content));
            }
            if (choice.hasNonNull("finish_reason")) {
                pieces.add(new Finish(choice.get("finish_reason").asText()));
            }
            JsonNode usage = chunk.path("x_groq").hasNonNull("usage")
                    ? chunk.path("x_groq").get("usage") : chunk.path("usage");
            if (usage.isObject()) {
                pieces.add(new Usage(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                        usage.path("completion_time").asDouble(), usage.path("total_time").asDouble()));
            }
        }

        private static StreamError errorFrom(String payload) {
            try {
                JsonNode node = JSON.readTree(payload);
                return errorFrom(node.has("error") ? node.get("error") : node);
            } catch (IOException e) {
                return new StreamError(payload, null, null);
            }
        }

        private static StreamError errorFrom(JsonNode error) {
            if (error.isTextual()) {
                return new StreamError(error.asText(), null, null);
            }
            return new StreamError(error.path("message").asText("unknown error"),
                    error.path("type").asText(null), error.path("code").asText(null));
        }
    }

    // ---------------------------------------------------------------------------------
    // Step 3.3: the client: one request to Groq, the answer streamed back.
    // ---------------------------------------------------------------------------------

    /** A chat message: role is "system", "user" or "assistant". */
    public record Message(String role, String content) {
        public static Message system(String text) { return new Message("system", text); }
        public static Message user(String text) { return new Message("user", text); }
        public static Message assistant(String text) { return new Message("assistant", text); }
    }

    /** A model the server offers. */
    public record Model(String id, long contextWindow) {}

    /** Everything the stream gave us. {@code interruption} is null when the answer arrived whole. */
    public record Reply(String content, String reasoning, String finishReason, Usage usage,
                        Duration timeToFirstToken, String interruption) {
        public boolean complete() {
            return interruption == null;
        }
    }

    /** Receives the answer while it streams. */
    public interface StreamListener {
        /** A piece of the answer arrived. */
        void onContent(String text);

        /** A piece of the model's thinking arrived. */
        default void onReasoning(String text) { }

        /** Everything that arrived in one network read has been handed over: a good time to flush. */
        default void onBatchEnd() { }

        /** The request failed and will be tried again; say so. */
        default void onRetry(String notice) { }
    }

    /** How often and how long to retry. Groq's own SDKs: 2 retries, 0.5 s doubling, at most 8 s. */
    public record RetryPolicy(int maxRetries, Duration firstDelay, Duration maxDelay, Duration longestWait) {
        public static final RetryPolicy DEFAULT =
                new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));

        /** 0.5 s, 1 s, 2 s, ... with up to 25% jitter, so many clients do not retry in step. */
        Duration backoff(int retry) {
            long millis = Math.min(maxDelay.toMillis(), firstDelay.toMillis() << Math.min(retry, 20));
            return Duration.ofMillis((long) (millis * (1 - 0.25 * ThreadLocalRandom.current().nextDouble())));
        }
    }

    /** A failure the user can act on, already worded for them. */
    public static final class ChatException extends RuntimeException {
        public final int exitCode;

        public ChatException(String sentence, int exitCode) {
            super(sentence);
            this.exitCode = exitCode;
        }

        public ChatException(String sentence) {
            this(sentence, 1);
        }
    }

    public static final class GroqClient {
        private static final MediaType JSON_TYPE = MediaType.get("application/json");

        private final Config config;
        private final OkHttpClient http;
        private final RetryPolicy retryPolicy;

        public GroqClient(Config config) {
            this(config, new OkHttpClient.Builder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .readTimeout(Duration.ofSeconds(60)) // longest silence we accept mid-answer
                    .retryOnConnectionFailure(false)    // we retry ourselves, and say so
                    .build(), RetryPolicy.DEFAULT);
        }

        public GroqClient(Config config, OkHttpClient http, RetryPolicy retryPolicy) {
            if (config.apiKey() == null && config.isGroq()) {
                throw new ChatException("""
                        No Groq API key found. Get a free one at https://console.groq.com/keys, then:
                          export GROQ_API_KEY=...    (in your shell, or your shell's profile)
                        No key? Run the local server instead: see "Offline" in README.md.""");
            }
            this.config = config;
            this.http = http;
            this.retryPolicy = retryPolicy;
        }

        public Config config() {
            return config;
        }

        /** Step 7.3: sends the conversation and streams the answer to the listener. */
        public Reply stream(List<Message> messages, StreamListener listener) {
            ObjectNode body = JSON.createObjectNode();
            body.put("model", config.model());
            ArrayNode list = body.putArray("messages");
            for (Message message : messages) {
                list.addObject().put("role", message.role()).put("content", message.content());
            }
            body.put("stream", true);
            Request request = authorized(endpoint("chat/completions"))
                    .header("Accept", "text/event-stream")
                    .post(RequestBody.create(body.toString(), JSON_TYPE))
                    .build();
            for (int attempt = 0; ; attempt++) {
                long start = System.nanoTime();
                Response response;
                try {
                    response = http.newCall(request).execute();
                } catch (IOException e) {
                    if (attempt < retryPolicy.maxRetries()) {
                        Duration wait = retryPolicy.backoff(attempt);
                        listener.onRetry("Could not reach " + config.baseUrl() + " (" + describe(e)
                                + "); trying again in " + seconds(wait) + ".");
                        sleep(wait);
                        continue;
                    }
                    throw unreachable(e);
                }
                try (response) {
                    if (!response.isSuccessful()) {
                        Duration wait = retryWait(response, attempt);
                        if (wait != null) {
                            listener.onRetry(retryNotice(response.code()) + " Trying again in " + seconds(wait) + ".");
                            sleep(wait);
                            continue;
                        }
                        throw failure(response.code(), bodyText(response));
                    }
                    StreamResult result = readStream(response.body().byteStream(), listener, start);
                    if (result.failedBeforeFirstToken() && attempt < retryPolicy.maxRetries()) {
                        Duration wait = retryPolicy.backoff(attempt);
                        listener.onRetry("The connection broke before the answer started; trying again in "
                                + seconds(wait) + ".");
                        sleep(wait);
                        continue;
                    }
                    return result.reply();
                }
            }
        }

        /** The answer as one string, for quick experiments in JShell. */
        public Reply complete(List<Message> messages) {
            return stream(messages, text -> { });
        }

        /** GET /models: the models this key may use, active ones only, sorted by name. */
        public List<Model> models() {
            Request request = authorized(endpoint("models")).get().build();
            try (Response response = http.newCall(request).execute()) {
                String text = response.body().string();
                if (!response.isSuccessful()) {
                    throw failure(response.code(), text);
                }
                List<Model> models = new ArrayList<>();
                for (JsonNode node : JSON.readTree(text).path("data")) {
                    if (node.path("active").asBoolean(true)) {
                        models.add(new Model(node.path("id").asText(), node.path("context_window").asLong()));
                    }
                }
                models.sort((a, b) -> a.id().compareTo(b.id()));
                return models;
            } catch (IOException e) {
                throw unreachable(e);
            }
        }

        /** An error response's body; an unreadable one just gives a vaguer message. */
        private static String bodyText(Response response) {
            try {
                return response.body().string();
            } catch (IOException e) {
                return "";
            }
        }

        private record StreamResult(Reply reply, boolean failedBeforeFirstToken) {}

        /** Reads the event stream, handing each piece on the moment it arrives. */
        private StreamResult readStream(InputStream in, StreamListener listener, long start) {
            StreamParser parser = new StreamParser();
            StringBuilder content = new StringBuilder();
            StringBuilder reasoning = new StringBuilder();
            String finishReason = null;
            Usage usage = null;
            Duration firstToken = null;
            String interruption = null;
            boolean done = false;
            byte[] buffer = new byte[16 * 1024];
            try {
                int n;
                reading:
                while ((n = in.read(buffer)) != -1) {
                    for (Piece piece : parser.feed(buffer, 0, n)) {
                        if (firstToken == null && (piece instanceof Content || piece instanceof Reasoning)) {
                            firstToken = Duration.ofNanos(System.nanoTime() - start);
                        }
                        if (piece instanceof Content c) {
                            content.append(c.text());
                            listener.onContent(c.text());
                        } else if (piece instanceof Reasoning r) {
                            reasoning.append(r.text());
                            listener.onReasoning(r.text());
                        } else if (piece instanceof Finish f) {
                            finishReason = f.reason();
                        } else if (piece instanceof Usage u) {
                            usage = u;
                        } else if (piece instanceof StreamError e) {
                            interruption = "The server stopped the answer with an error: " + e.message()
                                    + (e.code() != null ? " (" + e.code() + ")" : "");
                            break reading;
                        } else if (piece instanceof Done) {
                            done = true;
                            break reading;
                        }
                    }
                    listener.onBatchEnd();
                }
                parser.end();
            } catch (IOException e) {
                if (firstToken == null && content.length() == 0) {
                    return new StreamResult(null, true);
                }
                interruption = "The connection was cut in the middle of the answer (" + describe(e) + ").";
            }
            listener.onBatchEnd();
            if (interruption == null && !done && finishReason == null) {
                interruption = "The stream ended before the answer was finished.";
            }
            Reply reply = new Reply(content.toString(), reasoning.toString(), finishReason, usage, firstToken,
                    interruption);
            return new StreamResult(reply, false);
        }

        private Request.Builder authorized(HttpUrl url) {
            Request.Builder builder = new Request.Builder().url(url).header("User-Agent", "bnagpt-java/1.0");
            if (config.apiKey() != null) {
                builder.header("Authorization", "Bearer " + config.apiKey());
            }
            return builder;
        }

        private HttpUrl endpoint(String path) {
            String base = config.baseUrl().endsWith("/") ? config.baseUrl() : config.baseUrl() + "/";
            HttpUrl url = HttpUrl.parse(base + path);
            if (url == null) {
                throw new ChatException("\"" + config.baseUrl() + "\" is not a web address. "
                        + "Set GROQ_BASE_URL (or --base-url) to something like " + GROQ_URL + ".", 2);
            }
            return url;
        }

        /** How long to wait before retrying, or null when this failure is final. */
        private Duration retryWait(Response response, int attempt) {
            int code = response.code();
            boolean retryable = code == 408 || code == 409 || code == 429 || code >= 500;
            if (!retryable || attempt >= retryPolicy.maxRetries()) {
                return null;
            }
            Duration asked = retryAfter(response);
            if (asked == null) {
                return retryPolicy.backoff(attempt);
            }
            return asked.compareTo(retryPolicy.longestWait()) <= 0 ? asked : null;
        }

        /** The server's own word on when to come back: retry-after-ms, or retry-after in seconds. */
        private static Duration retryAfter(Response response) {
            try {
                String millis = response.header("retry-after-ms");
                if (millis != null) {
                    return Duration.ofMillis((long) Double.parseDouble(millis));
                }
                String seconds = response.header("retry-after");
                if (seconds != null) {
                    return Duration.ofMillis((long) (Double.parseDouble(seconds) * 1000));
                }
            } catch (NumberFormatException e) {
                return null; // an HTTP date or nonsense: fall back to our own backoff
            }
            return null;
        }

        private static String retryNotice(int code) {
            if (code == 429) {
                return "Groq's rate limit was reached (429).";
            }
            return "The server had a problem (" + code + ").";
        }

        /** Turns an HTTP error into a sentence that says what happened and what to do. */
        ChatException failure(int status, String body) {
            String message = "";
            String code = "";
            try {
                JsonNode error = JSON.readTree(body).path("error");
                message = error.path("message").asText("");
                code = error.path("code").asText("");
            } catch (IOException | RuntimeException e) {
                message = shorten(body);
            }
            message = redact(message);
            String model = config.model();
            String listHint = " See the models you can use with: ./jbang chat --list-models";
            if (status == 401) {
                return new ChatException("The server rejected the API key (401). Check GROQ_API_KEY, or create "
                        + "a new key at https://console.groq.com/keys.");
            }
            if (code.equals("model_decommissioned")) {
                return new ChatException("The model \"" + model + "\" has been retired by Groq. Pick a current one "
                        + "with --model or GROQ_MODEL (the default is " + DEFAULT_MODEL + ")." + listHint);
            }
            if (code.equals("model_not_found") || (status == 404 && message.contains(model))) {
                return new ChatException("The model \"" + model + "\" does not exist at " + config.baseUrl()
                        + ", or your key may not use it." + listHint);
            }
            if (status == 404) {
                return new ChatException("Nothing answers at " + config.baseUrl() + " (404). Check GROQ_BASE_URL: "
                        + "for Groq it is " + GROQ_URL + "; most other servers end in /v1.");
            }
            if (code.equals("context_length_exceeded") || status == 413) {
                return new ChatException("The conversation is too long for " + model + ". Start a new "
                        + "conversation, or choose a model with a larger context window." + listHint);
            }
            if (status == 429) {
                return new ChatException("Groq's rate limit was reached (429) and waiting did not help. "
                        + "Wait a minute and try again. The server said: " + message);
            }
            if (status == 403) {
                return new ChatException("The server refused the request (403): " + message
                        + " Your key or organisation may not be allowed to use " + model + ".");
            }
            if (status >= 500) {
                return new ChatException("The server had a problem (" + status + ") and still failed after "
                        + (retryPolicy.maxRetries() + 1) + " tries. Try again in a minute. " + message);
            }
            return new ChatException("The server answered " + status + (code.isEmpty() ? "" : " " + code)
                    + ": " + message);
        }

        private ChatException unreachable(IOException e) {
            if (e instanceof SocketTimeoutException) {
                return new ChatException("No answer from " + config.baseUrl() + " in time. The server may be "
                        + "overloaded; try again.");
            }
            return new ChatException("Could not reach " + config.baseUrl() + " (" + describe(e) + "). Check your "
                    + "network connection and GROQ_BASE_URL.");
        }

        /** Keys must never reach a terminal or a log, even inside a server's message. */
        private String redact(String text) {
            String key = config.apiKey();
            return key == null || key.isEmpty() ? text : text.replace(key, "[your key]");
        }
    }

    // ---------------------------------------------------------------------------------
    // Step 5: the session's messages. ChatGPT sends the whole conversation each time:
    // that is all "memory" is. (The article's beginner code sends only the last prompt.)
    // ---------------------------------------------------------------------------------

    public static final class Conversation {
        private final List<Message> messages = new ArrayList<>();

        public List<Message> messages() {
            return messages;
        }

        public void add(Message message) {
            messages.add(message);
        }

        /** Forgets the last message: used when a question could not be sent at all. */
        void removeLast() {
            messages.remove(messages.size() - 1);
        }
    }

    // ---------------------------------------------------------------------------------
    // Steps 4, 6 and 7: the chat itself, in the terminal.
    // ---------------------------------------------------------------------------------

    /** Where text goes: the answer to stdout, everything else to stderr. */
    public static final class Terminal {
        final PrintStream out;
        final PrintStream err;
        final boolean interactive;
        final boolean colour;

        Terminal(PrintStream out, PrintStream err, boolean interactive, boolean colour) {
            this.out = out;
            this.err = err;
            this.interactive = interactive;
            this.colour = colour;
        }

        static Terminal system(Map<String, String> env) {
            boolean interactive = System.console() != null;
            boolean colour = interactive && env.get("NO_COLOR") == null && !"dumb".equals(env.get("TERM"));
            // Our own buffer, flushed after each network read: piece by piece, without a
            // system call per token.
            PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
            return new Terminal(out, err, interactive, colour);
        }

        void error(String sentence) {
            err.println(paint("31", sentence));
        }

        void note(String sentence) {
            err.println(paint("2", sentence));
        }

        String paint(String ansi, String text) {
            return colour ? "\033[" + ansi + "m" + text + "\033[0m" : text;
        }
    }

    /** One chat session: a client, a conversation and a terminal. */
    public static final class Chat {
        private final GroqClient client;
        private final Conversation conversation;
        private final Terminal terminal;

        Chat(GroqClient client, Conversation conversation, Terminal terminal) {
            this.client = client;
            this.conversation = conversation;
            this.terminal = terminal;
        }

        /** A single question: the answer to stdout, exit status 0 if it arrived whole. */
        int oneShot(String prompt) {
            Reply reply = answer(prompt);
            return reply.complete() ? 0 : 1;
        }

        /** Step 4 and 7: read a message per line until the input ends or /exit. */
        int loop() {
            // Step 4: the title.
            if (terminal.interactive) {
                terminal.note("bnaGPT, chatting with " + client.config().model() + ". /exit or Ctrl-D to end.");
            }
            BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int status = 0;
            while (true) {
                if (terminal.interactive) {
                    terminal.err.print(terminal.paint("1;32", "you> "));
                    terminal.err.flush();
                }
                String line;
                try {
                    line = input.readLine();
                } catch (IOException e) {
                    throw new ChatException("Could not read your input: " + e.getMessage());
                }
                if (line == null || line.strip().equals("/exit")) {
                    return status;
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Reply reply = answer(line);
                    status = reply.complete() ? status : 1;
                } catch (ChatException e) {
                    terminal.error(e.getMessage());
                    status = e.exitCode;
                }
            }
        }

        /** Step 7: add the user's message, stream the answer, keep it in the conversation. */
        Reply answer(String prompt) {
            // Step 7.1: add the new message to the conversation.
            conversation.add(Message.user(prompt));
            // Step 7.3: ask Groq with the whole conversation, print each piece as it arrives.
            Reply reply;
            try {
                reply = client.stream(conversation.messages(), new StreamListener() {
                    @Override
                    public void onContent(String text) {
                        terminal.out.print(text);
                    }

                    @Override
                    public void onBatchEnd() {
                        terminal.out.flush();
                    }

                    @Override
                    public void onRetry(String notice) {
                        terminal.note(notice);
                    }
                });
            } catch (ChatException e) {
                conversation.removeLast(); // nothing was answered: the question can be asked again
                throw e;
            }
            terminal.out.println();
            terminal.out.flush();
            conversation.add(Message.assistant(reply.content()));
            if (!reply.complete()) {
                terminal.error(reply.interruption() + " What arrived is kept.");
            }
            showUsage(reply);
            return reply;
        }

        private void showUsage(Reply reply) {
            if (reply.usage() == null || !terminal.interactive) {
                return;
            }
            Usage usage = reply.usage();
            String firstToken = reply.timeToFirstToken() == null ? ""
                    : String.format(", first token after %.2f s", reply.timeToFirstToken().toMillis() / 1000.0);
            terminal.note(String.format("[%d tokens at %.0f tokens/s%s]", usage.completionTokens(),
                    usage.tokensPerSecond(), firstToken));
        }
    }

    // ---------------------------------------------------------------------------------
    // For JShell and notebooks: ask("hi") streams an answer and remembers the chat.
    // ---------------------------------------------------------------------------------

    private static Chat playground;

    /** Asks with memory of earlier ask(...) calls; configuration comes from the environment. */
    public static synchronized String ask(String prompt) {
        if (playground == null) {
            Terminal terminal = new Terminal(System.out, System.err, false, false);
            playground = new Chat(new GroqClient(Config.fromEnvironment()), new Conversation(), terminal);
        }
        return playground.answer(prompt).content();
    }

    /** Starts the ask(...) conversation over. */
    public static synchronized void forget() {
        playground = null;
    }

    // ---------------------------------------------------------------------------------
    // Small helpers.
    // ---------------------------------------------------------------------------------

    /**
     * Start-up speed. JBang's //CDS records the classes one run loads into an archive,
     * the first time the script runs after a build, and maps that archive at every later
     * start: a warm start then takes about half the time. If the recorded run were
     * --help, or stopped at a missing key, the archive would lack OkHttp and Jackson and
     * every later start would be slow. So while the archive is being recorded we walk
     * once through a whole request, against a throwaway server on this machine.
     */
    static final class StartupArchive {
        static void trainIfRecording() {
            boolean recording = ProcessHandle.current().info().arguments()
                    .map(args -> List.of(args).stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit")))
                    .orElse(false);
            if (!recording) {
                return;
            }
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread replier = new Thread(() -> replyOnce(server));
                replier.start();
                Config config = new Config(null, "http://127.0.0.1:" + server.getLocalPort() + "/v1", "warm-up");
                new GroqClient(config).stream(List.of(Message.user("hi")), text -> { });
                replier.join();
            } catch (IOException | RuntimeException | InterruptedException e) {
                // Only start-up speed is at stake: carry on.
            }
        }

        private static void replyOnce(ServerSocket server) {
            try (Socket socket = server.accept()) {
                BufferedReader request = new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                int length = 0;
                for (String header = request.readLine(); header != null && !header.isEmpty();
                        header = request.readLine()) {
                    if (header.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(header.substring(15).strip());
                    }
                }
                request.skip(length);
                String stream = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                        + "\"x_groq\":{\"usage\":{\"completion_tokens\":1,\"completion_time\":0.001}}}\n\n"
                        + "data: [DONE]\n\n";
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                        + "Connection: close\r\n\r\n" + stream).getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                // The client side notices and gives up; nothing to do here.
            }
        }
    }

    static String describe(IOException e) {
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof InterruptedIOException) {
            return "timed out";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException("Interrupted while waiting to retry.", 130);
        }
    }

    static String shorten(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
