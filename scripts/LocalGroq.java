///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//SOURCES LocalGroqTools.java
//SOURCES LocalGroqAudio.java

/*
 * LocalGroq.java - a Groq-compatible chat server that runs on your own machine.
 *
 * Groq's API (https://api.groq.com/openai/v1) speaks the OpenAI chat protocol. This file
 * plays Groq's part locally, so the chat client and its tests run without a network or a
 * key: the same URLs, streaming format, error bodies and headers. Its answers are not
 * clever but predictable: it tells you what you said.
 *
 * Run it (JDK only, no dependencies):
 *   jbang scripts/LocalGroq.java [--port N] [--tps N] [--key KEY] [--verbose] [--help]
 * It prints its base URL as one line on stdout, then serves until it is stopped. It is
 * quiet while it serves (started with `&`, it shares your terminal with the chat):
 * --verbose logs each request to stderr.
 *
 * Use it in a test (JBang: //SOURCES ../scripts/LocalGroq.java):
 *   try (LocalGroq groq = LocalGroq.start(new LocalGroq.Options(0, 0, null, true))) {
 *       ... groq.baseUrl() ... groq.requestCount() ... groq.lastRequestBody() ...
 *   }
 *
 * Directives: words in the last user message that make it misbehave on purpose, so a
 * client can be tested against broken streams, errors and retries. They are not echoed.
 *   #mock:tokens=N        answer with exactly N content chunks (a pangram, repeated)
 *   #mock:tps=N           stream N tokens per second for this request (0 = no limit)
 *   #mock:cut=N           drop the connection after N content chunks
 *   #mock:error-after=N   send an error event after N content chunks, then end
 *   #mock:status=CODE     answer with this HTTP error, Groq-style (429 adds retry-after)
 *   #mock:retry-after=S   the retry-after of status=429, in seconds (default 1)
 *   #mock:drop            close the connection without any response
 *   #mock:times=K         with status or drop: only the first K requests with this exact
 *                         message misbehave, later ones succeed (default: all of them)
 *   #mock:no-done         leave out the final "data: [DONE]"
 *   #mock:eol=crlf|cr     end the stream's lines with CRLF or CR instead of LF
 *   #mock:keepalive       send ": keep-alive" comment lines between events
 *   #mock:slow-start=MS   wait MS milliseconds before the first byte of the response
 * Hostile servers, to see that a client neither waits forever nor fills its memory:
 *   #mock:no-answer       take the request and never answer
 *   #mock:stall           after the first token, only ": keep-alive" comments, one a second, forever
 *   #mock:endless-line    after the first token, one "data:" line that never ends
 *   #mock:gzip-bomb       the same line gzipped: 2.5 GB once unzipped, about 2.5 MB sent
 *   #mock:big-chunk=N     after the first token, one valid chunk whose text is N bytes long
 *   #mock:endless-answer  after the first token, valid chunks without end: reasoning, then content,
 *                         then reasoning again, 4 KiB of text each, as fast as the client reads
 *   #mock:whole           one chat.completion object, although a stream was asked for
 *   #mock:redirect-loop   answer 307, pointing back at the same URL, again and again
 *   #mock:error-mb=N      an error (400, or #mock:status) whose body is N MiB long (2100: 2.2 GB)
 *   #mock:retry-after-raw=TEXT  a 429 whose retry-after header is TEXT as is (-1e30, NaN, ...)
 *   #mock:retry-after-ms=TEXT   a 429 whose retry-after-ms header is TEXT as is; both take #mock:times
 * Groq's built-in tools and images (scripts/LocalGroqTools.java says how they are played):
 *   #mock:sources=N        a browser_search finds N results (default 3)
 *   #mock:hostile-sources  search results with HTML and script in them, and javascript: links
 *   #mock:code-output-mb=N a code_interpreter run prints N MiB
 * POST /audio/transcriptions and /audio/speech: see LocalGroqAudio.java (--transcript TEXT).
 * A base URL under /captive-portal (http://127.0.0.1:PORT/captive-portal/v1) answers every
 * request with a web page, as a hotel's Wi-Fi does before you log in.
 */
package bnagpt;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.*;
import java.net.*;
import java.security.MessageDigest;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.*;
import java.util.zip.GZIPOutputStream;

import static java.nio.charset.StandardCharsets.UTF_8;

public class LocalGroq implements AutoCloseable {

    // ---- 1. Options and the command line ------------------------------------------------

    /**
     * port 0 = a free port; tokensPerSecond 0 = as fast as possible; requiredKey null = any
     * key or none; quiet = no line on stderr per request.
     */
    public record Options(int port, double tokensPerSecond, String requiredKey, boolean quiet, String transcript) {
        /** Any audio but LocalGroq's own speech is transcribed as LocalGroqAudio.TRANSCRIPT. */
        public Options(int port, double tokensPerSecond, String requiredKey, boolean quiet) {
            this(port, tokensPerSecond, requiredKey, quiet, LocalGroqAudio.TRANSCRIPT);
        }
    }

    static final String USAGE = """
            Usage: jbang scripts/LocalGroq.java [--port N] [--tps N] [--key KEY] [--verbose] [--transcript TEXT]
              --port N    listen on 127.0.0.1:N (default: any free port)
              --tps N     stream N tokens per second (default: as fast as possible)
              --key KEY   require "Authorization: Bearer KEY" (default: no key needed)
              --verbose   log each request to stderr (default: quiet)
              --transcript TEXT  what audio other than its own speech is transcribed as
            Prints its base URL on stdout, then serves until stopped (Ctrl-C).
            """;

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(USAGE);
            return;
        }
        Options options = null;
        try {
            options = parseArgs(args);
            LocalGroq server = start(options);
            // The one line on stdout, so a script can read it: GROQ_BASE_URL=$(... | head -1)
            System.out.println(server.baseUrl());
            System.out.flush();
            System.err.print(banner(options, server.baseUrl()));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
        } catch (BindException e) {
            System.err.println("Port " + options.port() + " is in use. Choose another with --port, or leave it out to get a free one.");
            System.exit(1);
        }
        Thread.currentThread().join(); // serve until the process is killed
    }

    /** What to do next, on stderr: where to point the chat, and whether it needs a key (as README.md says). */
    static String banner(Options options, String baseUrl) {
        return "LocalGroq is serving. Point the chat at it:\n"
                + "  export GROQ_BASE_URL=" + baseUrl + "\n"
                + (options.requiredKey() == null ? "No key is needed.\n"
                        : "It wants the key you chose:\n  export GROQ_API_KEY=<your --key>\n")
                + (options.quiet() ? "Requests are not logged; --verbose logs them.\n" : "")
                + "Stop it with Ctrl-C, or kill %1 if you started it with &.\n";
    }

    static Options parseArgs(String[] args) {
        Map<String, String> values = new HashMap<>();
        boolean quiet = true;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--verbose")) quiet = false;
            else if (Set.of("--port", "--tps", "--key", "--transcript").contains(args[i]) && i + 1 < args.length) values.put(args[i], args[++i]);
            else throw new IllegalArgumentException("Unknown option, or an option without its value: " + args[i]);
        }
        return new Options((int) number(values, "--port", 65535), number(values, "--tps", 1_000_000_000), values.get("--key"), quiet,
                values.getOrDefault("--transcript", LocalGroqAudio.TRANSCRIPT));
    }

    private static double number(Map<String, String> values, String option, double max) {
        String value = values.getOrDefault(option, "0");
        if (value.matches("[0-9]+(\\.[0-9]+)?") && Double.parseDouble(value) <= max) return Double.parseDouble(value);
        throw new IllegalArgumentException(option + " needs a number from 0 to " + (long) max + ", not \"" + value + "\".");
    }

    // ---- 2. Starting and stopping -------------------------------------------------------

    static final String BASE_PATH = "/openai/v1";

    private final Options options;
    private final HttpServer http;
    private final ExecutorService workers;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String lastRequestBody;
    /** How often each message text carrying #mock:status or #mock:drop has been seen, for #mock:times. */
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final LocalGroqAudio audio;

    private LocalGroq(Options options, HttpServer http, ExecutorService workers) {
        this.options = options;
        this.http = http;
        this.workers = workers;
        this.audio = new LocalGroqAudio(options.transcript());
    }

    public static LocalGroq start(Options options) throws IOException {
        // A paced stream writes one small chunk at a time: send each at once rather than let
        // Nagle's algorithm hold it back. The JDK reads this when its first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), options.port()), 64);
        // A thread per request, so a slow stream never holds up another client. Daemon
        // threads, so a test that forgets close() still lets its JVM exit.
        ExecutorService workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "LocalGroq-request");
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(workers);
        LocalGroq server = new LocalGroq(options, http, workers);
        http.createContext("/", server::handle);
        http.start();
        return server;
    }

    /** Like "http://127.0.0.1:8765/openai/v1": what GROQ_BASE_URL should be. */
    public String baseUrl() { return "http://127.0.0.1:" + http.getAddress().getPort() + BASE_PATH; }

    /** Chat/completions requests received so far, failed ones included: tests count retries with it. */
    public int requestCount() { return requests.get(); }

    /** The raw JSON body of the last chat/completions request, or null before the first. */
    public String lastRequestBody() { return lastRequestBody; }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow(); // wakes paced streams from their sleep, and they end
    }

    // ---- 3. One handler for every URL ---------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        String requestId = newId("req_");
        addGroqHeaders(exchange.getResponseHeaders(), requestId);
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String outcome;
        try {
            if (path.startsWith("/captive-portal")) {
                outcome = captivePortal(exchange);
            } else if (method.equals("POST") && path.equals(BASE_PATH + "/chat/completions")) {
                outcome = chatCompletions(exchange, requestId);
            } else if (method.equals("GET") && path.equals(BASE_PATH + "/models")) {
                checkKey(exchange);
                outcome = sendJson(exchange, 200, modelList()) + " model list";
            } else if (method.equals("POST") && path.startsWith(BASE_PATH + "/audio/")) {
                checkKey(exchange);
                outcome = audio.handle(exchange, path.substring(BASE_PATH.length()));
            } else {
                throw new ApiError(404, "invalid_request_error", "unknown_url", "Unknown request URL: " + method + " " + path
                        + ". Check the base URL (it ends in " + BASE_PATH + ") and the path.");
            }
        } catch (ApiError e) {
            outcome = sendError(exchange, e);
        } catch (IOException e) {
            // A cut on purpose, or the client hung up. Rethrown, it makes the JDK server drop
            // the connection without finishing the response: what the client must see.
            log(method, path, "connection closed: " + e.getMessage(), started);
            throw e;
        }
        exchange.close();
        log(method, path, outcome, started);
    }

    private static void addGroqHeaders(Headers headers, String requestId) {
        headers.set("x-request-id", requestId);
        // Nobody is limited here (#mock:status=429 does that): the numbers only look like Groq's.
        headers.set("x-ratelimit-limit-requests", "1000");
        headers.set("x-ratelimit-limit-tokens", "250000");
        headers.set("x-ratelimit-remaining-requests", "999");
        headers.set("x-ratelimit-remaining-tokens", "249000");
        headers.set("x-ratelimit-reset-requests", "1m26.4s");
        headers.set("x-ratelimit-reset-tokens", "240ms");
    }

    private void checkKey(HttpExchange exchange) throws ApiError {
        if (options.requiredKey() == null) return;
        String given = Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("Authorization"), "");
        // Compared in constant time, as a habit: timing must not tell how much of a key was right.
        if (!MessageDigest.isEqual(("Bearer " + options.requiredKey()).getBytes(UTF_8), given.getBytes(UTF_8))) {
            throw new ApiError(401, "invalid_request_error", "invalid_api_key", "Invalid API Key");
        }
    }

    private void log(String method, String path, String outcome, long startedNanos) {
        if (options.quiet()) return;
        System.err.printf("[LocalGroq] %s %s -> %s (%d ms)%n", method, path, outcome, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    // ---- 4. The models ------------------------------------------------------------------

    /** maxCompletionTokens is listed for clients, not enforced, so #mock:tokens may go beyond it. */
    record Model(String id, String ownedBy, int contextWindow, int maxCompletionTokens) {
        boolean reasons() { return id.startsWith("openai/gpt-oss") || id.startsWith("qwen/"); }
    }

    /** Groq's models as of December 2026 (docs/GROQ_API.md); the audio ones answer on their own endpoints. */
    static final List<Model> MODELS = List.of(
            new Model("openai/gpt-oss-120b", "OpenAI", 131072, 65536),
            new Model("openai/gpt-oss-20b", "OpenAI", 131072, 65536),
            new Model("openai/gpt-oss-safeguard-20b", "OpenAI", 131072, 65536),
            new Model("qwen/qwen3.8-27b", "Alibaba Cloud", 131072, 40960),
            new Model("whisper-large-v3", "OpenAI", 448, 448),
            new Model("whisper-large-v3-turbo", "OpenAI", 448, 448),
            new Model("canopylabs/orpheus-v1-english", "Canopy Labs", 4000, 50000),
            // A tiny context window, so tests reach "conversation too long" in a few messages.
            new Model("mock/small-context", "bnaGPT", 200, 100));

    /** Retired models, and the day Groq switched each off. */
    static final Map<String, String> DECOMMISSIONED = Map.of(
            "llama3-70b-8192", "2025-08-30", "llama-3.3-70b-versatile", "2026-08-16", "llama-3.1-8b-instant", "2026-08-16",
            "qwen/qwen3-32b", "2026-07-17", "meta-llama/llama-4-scout-17b-16e-instruct", "2026-07-17",
            "qwen/qwen3.6-27b", "2026-09-14", "groq/compound", "2026-09-21", "groq/compound-mini", "2026-09-21");

    static String modelList() {
        StringJoiner data = new StringJoiner(",", "{\"object\":\"list\",\"data\":[", "]}");
        for (Model model : MODELS) {
            data.add("{\"id\":" + Json.quote(model.id()) + ",\"object\":\"model\",\"created\":1754438400,\"owned_by\":"
                    + Json.quote(model.ownedBy()) + ",\"active\":true,\"context_window\":" + model.contextWindow()
                    + ",\"max_completion_tokens\":" + model.maxCompletionTokens() + "}");
        }
        return data.toString();
    }

    static Model findModel(String id) throws ApiError {
        if (DECOMMISSIONED.containsKey(id)) {
            throw new ApiError(400, "invalid_request_error", "model_decommissioned", "The model `" + id + "` was decommissioned on "
                    + DECOMMISSIONED.get(id) + " and can no longer be used. Switch to `openai/gpt-oss-120b`, or list the models"
                    + " you can use with GET " + BASE_PATH + "/models.");
        }
        for (Model model : MODELS) if (model.id().equals(id)) return model;
        throw new ApiError(404, "invalid_request_error", "model_not_found", "The model `" + id + "` does not exist or you do not have access to it.");
    }

    // ---- 5. POST /chat/completions: the checks, in the order Groq makes them -------------

    private String chatCompletions(HttpExchange exchange, String requestId) throws IOException, ApiError {
        long received = System.nanoTime();
        requests.incrementAndGet();
        byte[] body = exchange.getRequestBody().readNBytes(8 * 1024 * 1024 + 1);
        if (body.length > 8 * 1024 * 1024) throw new ApiError(413, "invalid_request_error", "request_too_large", "The request body is larger than 8 MiB.");
        lastRequestBody = new String(body, UTF_8);
        checkKey(exchange);
        ChatRequest request = ChatRequest.parse(lastRequestBody);
        Directives mock = Directives.in(request.lastUserText());
        sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(mock.number("slow-start", 0)));
        misbehaveOnPurpose(mock, request.lastUserText());
        String hostile = behaveHostile(exchange, mock, request.lastUserText());
        if (hostile != null) return hostile;

        Model model = findModel(request.model());
        LocalGroqTools.check(request, model, body.length);
        int promptTokens = request.estimatedTokens();
        if (promptTokens > model.contextWindow()) {
            throw new ApiError(400, "invalid_request_error", "context_length_exceeded", "This conversation is about " + promptTokens
                    + " tokens long, but `" + model.id() + "` can read at most " + model.contextWindow()
                    + " tokens. Remove older messages or start a new conversation.");
        }
        if (request.jsonMode() && request.messages().stream().noneMatch(m -> m.text().toLowerCase(Locale.ROOT).contains("json"))) {
            throw new ApiError(400, "invalid_request_error", "json_validate_failed", "JSON mode (response_format json_object) needs "
                    + "the word \"json\" in one of the messages: ask for JSON in the prompt.");
        }
        Answer answer = Answer.to(request, model, mock);
        Completion completion = new Completion(requestId, model.id(), promptTokens, received);
        double tps = mock.has("tps") ? mock.number("tps", 0) : options.tokensPerSecond();
        boolean streamed = request.stream() && !mock.has("whole");
        return (streamed ? stream(exchange, completion, answer, mock, tps) : whole(exchange, completion, answer, mock, tps)) + " " + model.id();
    }

    /** #mock:drop and #mock:status: fail the first K requests with this message, then let it through. */
    private void misbehaveOnPurpose(Directives mock, String messageText) throws IOException, ApiError {
        if (!mock.has("drop") && !mock.has("status")) return;
        int attempt = attempts.merge(messageText, 1, Integer::sum);
        if (attempt > mock.number("times", Integer.MAX_VALUE)) return;
        if (mock.has("drop")) throw new IOException("dropped on purpose (#mock:drop), attempt " + attempt);
        int status = mock.number("status", 500);
        if (status < 400 || status > 599) throw ApiError.invalid("#mock:status needs an error code from 400 to 599, not " + status + ".");
        throw ApiError.simulated(status, mock.number("retry-after", 1));
    }

    static final String FIRST_TOKEN = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"The\"},\"finish_reason\":null}]}\n\n";

    /** The hostile directives (see the top of the file); null when there is none. */
    private String behaveHostile(HttpExchange exchange, Directives mock, String messageText) throws IOException, ApiError {
        Headers headers = exchange.getResponseHeaders();
        if (mock.has("no-answer")) {
            sleepUntil(System.nanoTime() + TimeUnit.DAYS.toNanos(1)); // until the client gives up, or we stop
            return "no answer (#mock:no-answer)";
        }
        if (mock.has("redirect-loop")) {
            headers.set("Location", exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(307, -1);
            return "307 back to itself (#mock:redirect-loop)";
        }
        if (mock.has("retry-after-raw") || mock.has("retry-after-ms")) {
            if (attempts.merge(messageText, 1, Integer::sum) > mock.number("times", Integer.MAX_VALUE)) return null;
            if (mock.has("retry-after-raw")) headers.set("retry-after", mock.values().get("retry-after-raw"));
            if (mock.has("retry-after-ms")) headers.set("retry-after-ms", mock.values().get("retry-after-ms"));
            return sendError(exchange, ApiError.simulated(429, 0)) + " with a raw retry-after";
        }
        if (mock.has("error-mb")) {
            long length = mock.number("error-mb", 1) * 1024L * 1024L;
            byte[] start = ("{\"error\":{\"message\":\"A very long error (#mock:error-mb). ").getBytes(UTF_8);
            byte[] end = "\",\"type\":\"invalid_request_error\",\"code\":\"too_long\"}}".getBytes(UTF_8);
            headers.set("Content-Type", "application/json");
            exchange.sendResponseHeaders(mock.number("status", 400), length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(start);
                repeat(body, (byte) 'a', length - start.length - end.length);
                body.write(end);
            }
            return mock.number("status", 400) + " error body of " + length + " bytes (#mock:error-mb)";
        }
        if (!mock.has("stall") && !mock.has("endless-line") && !mock.has("gzip-bomb") && !mock.has("big-chunk")
                && !mock.has("endless-answer")) return null;
        headers.set("Content-Type", "text/event-stream");
        if (mock.has("gzip-bomb")) headers.set("Content-Encoding", "gzip");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = mock.has("gzip-bomb") ? new GZIPOutputStream(exchange.getResponseBody(), 64 * 1024) : exchange.getResponseBody()) {
            body.write(FIRST_TOKEN.getBytes(UTF_8));
            body.flush();
            if (mock.has("stall")) {
                while (true) {
                    sleepUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
                    body.write(": keep-alive\n\n".getBytes(UTF_8));
                    body.flush();
                }
            }
            if (mock.has("big-chunk")) {
                body.write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + " big".repeat(mock.number("big-chunk", 0) / 4)
                        + "\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n").getBytes(UTF_8));
                return "200 stream with a chunk of " + mock.number("big-chunk", 0) + " bytes (#mock:big-chunk)";
            }
            if (mock.has("endless-answer")) { // each chunk valid, the answer never done
                byte[] thought = ("data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"" + " hmm".repeat(1024)
                        + "\"},\"finish_reason\":null}]}\n\n").getBytes(UTF_8);
                byte[] words = ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + " more".repeat(820)
                        + " \"},\"finish_reason\":null}]}\n\n").getBytes(UTF_8);
                for (long chunk = 0; ; chunk++) body.write(chunk % 3 == 1 ? thought : words);
            }
            body.write("data: ".getBytes(UTF_8));
            repeat(body, (byte) 'a', mock.has("gzip-bomb") ? 2_500_000_000L : Long.MAX_VALUE);
            body.write("\n\n".getBytes(UTF_8));
        }
        return "200 stream with an endless line (#mock:endless-line or gzip-bomb)";
    }

    /** Writes {@code count} bytes of {@code fill}, 64 KiB at a time. */
    private static void repeat(OutputStream out, byte fill, long count) throws IOException {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, fill);
        for (long left = count; left > 0; left -= block.length) out.write(block, 0, (int) Math.min(block.length, left));
    }

    /** What a hotel's Wi-Fi answers before you log in: a web page, whatever was asked. */
    private static String captivePortal(HttpExchange exchange) throws IOException {
        byte[] page = "<!doctype html><html><head><title>Welcome</title></head><body><h1>Welcome to Hotel Wi-Fi</h1><p><a href=\"/login\">Log in</a> to use the internet.</p></body></html>\n".getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, page.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(page);
        }
        return "200 web page (captive portal)";
    }

    record Message(String role, String text) {}

    record ChatRequest(String model, List<Message> messages, boolean stream, boolean jsonMode, List<String> tools,
            List<LocalGroqTools.ImagePart> images) {

        static ChatRequest parse(String body) throws ApiError {
            Object parsed;
            try {
                parsed = Json.parse(body);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("The request body is not valid JSON: " + e.getMessage() + ".");
            }
            if (!(parsed instanceof Map<?, ?> json)) throw ApiError.invalid("The request body must be a JSON object.");
            if (!(json.get("model") instanceof String model) || model.isBlank()) {
                throw ApiError.invalid("The request needs `model`, the id of a model (GET " + BASE_PATH + "/models lists them).");
            }
            if (!(json.get("messages") instanceof List<?> items) || items.isEmpty()) {
                throw ApiError.invalid("The request needs `messages`, a non-empty array of {\"role\": ..., \"content\": ...} objects.");
            }
            List<Message> messages = new ArrayList<>();
            List<LocalGroqTools.ImagePart> images = new ArrayList<>();
            for (Object item : items) messages.add(message(item, messages.size(), images));
            boolean jsonMode = json.get("response_format") instanceof Map<?, ?> format && "json_object".equals(format.get("type"));
            List<String> tools = new ArrayList<>();
            if (json.get("tools") instanceof List<?> list) {
                for (Object tool : list) {
                    if (tool instanceof Map<?, ?> t && t.get("type") instanceof String type && !type.equals("function")) tools.add(type);
                }
            }
            return new ChatRequest(model, messages, Boolean.TRUE.equals(json.get("stream")), jsonMode, tools, images);
        }

        /** content is a string, or an array of parts: the text parts make the text, image_url parts are collected apart. */
        private static Message message(Object item, int index, List<LocalGroqTools.ImagePart> images) throws ApiError {
            if (!(item instanceof Map<?, ?> fields) || !(fields.get("role") instanceof String role)) {
                throw ApiError.invalid("messages[" + index + "] needs a `role` (system, user or assistant) and a `content`.");
            }
            Object content = fields.get("content");
            if (content == null) return new Message(role, "");
            if (content instanceof String text) return new Message(role, text);
            if (!(content instanceof List<?> parts)) {
                throw ApiError.invalid("messages[" + index + "].content must be a string or an array of parts like {\"type\": \"text\", \"text\": \"...\"}.");
            }
            StringJoiner text = new StringJoiner("\n");
            for (Object part : parts) {
                if (part instanceof Map<?, ?> p && "text".equals(p.get("type")) && p.get("text") instanceof String t) text.add(t);
                if (part instanceof Map<?, ?> p && "image_url".equals(p.get("type")) && p.get("image_url") instanceof Map<?, ?> image
                        && image.get("url") instanceof String url) images.add(new LocalGroqTools.ImagePart(index, url));
            }
            return new Message(role, text.toString());
        }

        List<String> userTexts() { return messages.stream().filter(m -> m.role().equals("user")).map(Message::text).toList(); }

        String lastUserText() {
            List<String> said = userTexts();
            return said.isEmpty() ? "" : said.get(said.size() - 1);
        }

        int lastUserIndex() {
            for (int i = messages.size() - 1; i >= 0; i--) if (messages.get(i).role().equals("user")) return i;
            return -1;
        }

        /** About one token per 4 characters (at least 1), plus 4 for each message's framing. */
        int estimatedTokens() { return messages.stream().mapToInt(m -> Math.max(1, m.text().length() / 4) + 4).sum(); }
    }

    // ---- 6. The answer: what it says --------------------------------------------------------

    /**
     * Each content chunk is one token; reasoning models think aloud first, in "reasoning" deltas.
     * executedTools: the built-in tools' runs, sent between the reasoning and the answer.
     */
    record Answer(List<String> reasoning, List<String> content, List<String> executedTools) {

        Answer(List<String> reasoning, List<String> content) { this(reasoning, content, List.of()); }

        static final List<String> REASONING = List.of("The user", " wants an", " answer.");
        static final List<String> PANGRAM = List.of("The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ". ");

        static Answer to(ChatRequest request, Model model, Directives mock) throws ApiError {
            if (mock.has("tokens")) { // exactly N content chunks, and nothing else
                List<String> content = new ArrayList<>();
                for (int i = 0; i < mock.number("tokens", 0); i++) content.add(PANGRAM.get(i % PANGRAM.size()));
                return new Answer(List.of(), content);
            }
            if (!request.tools().isEmpty()) {
                LocalGroqTools.ToolAnswer ran = LocalGroqTools.run(request, mock);
                return new Answer(LocalGroqTools.REASONING, words(ran.reply()), ran.executedTools());
            }
            List<String> said = request.userTexts().stream().map(Directives::strip).toList();
            String reply = request.jsonMode()
                    ? "{\"you_said\": " + Json.quote(Directives.strip(request.lastUserText())) + ", \"turn\": " + said.size() + "}"
                    : plainReply(said, request.messages().stream().filter(m -> m.role().equals("system")).findFirst());
            String seen = LocalGroqTools.describeImages(request);
            return new Answer(model.reasons() ? REASONING : List.of(), words(seen.isEmpty() ? reply : seen + " " + reply));
        }

        static String plainReply(List<String> said, Optional<Message> system) {
            StringBuilder reply = new StringBuilder("You said \"" + (said.isEmpty() ? "" : said.get(said.size() - 1)) + "\".");
            if (said.size() > 1) {
                reply.append(" This is message ").append(said.size()).append(" of our conversation; your first message was \"")
                        .append(said.get(0)).append("\".");
            } else {
                reply.append(" This is the first message of our conversation.");
            }
            system.ifPresent(s -> reply.append(" My instructions begin: \"").append(firstCodePoints(s.text(), 60)).append("\"."));
            return reply.toString();
        }

        /** "You said hi" -> ["You", " said", " hi"]: split before each space, so a word keeps the space before it. */
        static List<String> words(String text) { return List.of(text.split("(?= )")); }

        static String firstCodePoints(String text, int count) {
            return text.codePointCount(0, text.length()) <= count ? text : text.substring(0, text.offsetByCodePoints(0, count));
        }

        int tokens() { return reasoning.size() + content.size() + executedTools.size(); }
    }

    // ---- 7. The answer: how it is sent ------------------------------------------------------

    static final String MID_ANSWER_FAILURE = "The model ran out of capacity mid-answer (simulated).";

    /** What every chunk of one answer shares, and the JSON it is written in. */
    static final class Completion {
        final String id = newId("chatcmpl-");
        final long created = System.currentTimeMillis() / 1000;
        final String requestId;
        final String model;
        final int promptTokens;
        final long receivedNanos;
        private final String chunkStart; // the same in every chunk, so built once: a long answer has many

        Completion(String requestId, String model, int promptTokens, long receivedNanos) {
            this.requestId = requestId;
            this.model = model;
            this.promptTokens = promptTokens;
            this.receivedNanos = receivedNanos;
            this.chunkStart = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created + ",\"model\":"
                    + Json.quote(model) + ",\"system_fingerprint\":\"fp_localgroq\",\"choices\":[{\"index\":0,\"delta\":";
        }

        String chunk(String delta, String finishReason, String after) {
            return chunkStart + delta + ",\"logprobs\":null,\"finish_reason\":"
                    + (finishReason == null ? "null" : Json.quote(finishReason)) + "}]" + after + "}";
        }

        String xGroq(String usage) { return ",\"x_groq\":{\"id\":\"" + requestId + "\"" + (usage == null ? "" : ",\"usage\":" + usage) + "}"; }

        /** Groq's usage: queue and completion times are measured; prompt_time is made up (2 µs a token). */
        String usage(int completionTokens, long completionStartedNanos, double queueSeconds) {
            double completionSeconds = (System.nanoTime() - completionStartedNanos) / 1e9;
            double promptSeconds = promptTokens * 0.000002;
            return "{\"queue_time\":" + seconds(queueSeconds) + ",\"prompt_tokens\":" + promptTokens + ",\"prompt_time\":"
                    + seconds(promptSeconds) + ",\"completion_tokens\":" + completionTokens + ",\"completion_time\":"
                    + seconds(completionSeconds) + ",\"total_tokens\":" + (promptTokens + completionTokens) + ",\"total_time\":"
                    + seconds(promptSeconds + completionSeconds) + "}";
        }

        double queueSeconds() { return (System.nanoTime() - receivedNanos) / 1e9; }

        static String seconds(double value) { return String.format(Locale.ROOT, "%.6f", Math.max(0.000001, value)); }
    }

    /** stream: true - Server-Sent Events: a role chunk, reasoning, one chunk per token, usage, [DONE]. */
    private static String stream(HttpExchange exchange, Completion completion, Answer answer, Directives mock, double tps) throws IOException, ApiError {
        List<String> content = answer.content();
        // Where to stop early; past the end of the answer means just before the final chunk.
        int cutAfter = Math.min(mock.number("cut", -1), content.size());
        int errorAfter = Math.min(mock.number("error-after", -1), content.size());
        String eol = switch (mock.values().getOrDefault("eol", "lf")) {
            case "lf" -> "\n";
            case "crlf" -> "\r\n";
            case "cr" -> "\r";
            default -> throw ApiError.invalid("#mock:eol takes lf, crlf or cr.");
        };
        double queueSeconds = completion.queueSeconds();
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0); // 0 = length unknown: chunked transfer encoding
        EventStream events = new EventStream(exchange.getResponseBody(), eol, mock.has("keepalive"), tps);

        events.send(completion.chunk("{\"role\":\"assistant\",\"content\":\"\"}", null, completion.xGroq(null)));
        // completion_time counts reasoning too, as completion_tokens does: tokens/s is their ratio.
        long generationStarted = System.nanoTime();
        for (String thought : answer.reasoning()) events.sendToken(completion.chunk("{\"reasoning\":" + Json.quote(thought) + "}", null, ""));
        for (String tool : answer.executedTools()) events.sendToken(completion.chunk("{\"executed_tools\":[" + tool + "]}", null, ""));
        for (int i = 0; i <= content.size(); i++) {
            if (i == cutAfter) {
                events.flush();
                throw new IOException("cut on purpose after " + i + " chunks (#mock:cut)");
            }
            if (i == errorAfter) {
                events.send("{\"error\":{\"message\":\"" + MID_ANSWER_FAILURE + "\",\"type\":\"server_error\",\"code\":\"service_unavailable\"}}");
                events.close();
                return "200 stream, error event after " + i + " chunks (#mock:error-after)";
            }
            if (i < content.size()) events.sendToken(completion.chunk("{\"content\":" + Json.quote(content.get(i)) + "}", null, ""));
        }
        String usage = completion.usage(answer.tokens(), generationStarted, queueSeconds);
        events.send(completion.chunk("{}", "stop", completion.xGroq(usage) + ",\"usage\":" + usage));
        if (!mock.has("no-done")) events.send("[DONE]");
        events.close();
        return "200 stream of " + content.size() + " chunks" + (mock.has("no-done") ? " without [DONE]" : "");
    }

    /** stream: false - the whole answer as one chat.completion object. */
    private static String whole(HttpExchange exchange, Completion completion, Answer answer, Directives mock, double tps) throws IOException, ApiError {
        if (mock.has("error-after")) throw new ApiError(503, "server_error", "service_unavailable", MID_ANSWER_FAILURE);
        double queueSeconds = completion.queueSeconds();
        long started = System.nanoTime();
        if (tps > 0) sleepUntil(started + (long) (answer.tokens() * 1e9 / tps)); // as long as streaming would take
        String reasoning = answer.reasoning().isEmpty() ? "" : ",\"reasoning\":" + Json.quote(String.join("", answer.reasoning()));
        List<String> ran = answer.executedTools();
        // A whole answer holds each tool once, finished: the odd entries (each tool's started entry is before it).
        StringJoiner finished = new StringJoiner(",", ",\"executed_tools\":[", "]");
        for (int i = 1; i < ran.size(); i += 2) finished.add(ran.get(i));
        if (!ran.isEmpty()) reasoning += finished;
        String json = "{\"id\":\"" + completion.id + "\",\"object\":\"chat.completion\",\"created\":" + completion.created
                + ",\"model\":" + Json.quote(completion.model) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + Json.quote(String.join("", answer.content())) + reasoning + "},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":" + completion.usage(answer.tokens(), started, queueSeconds) + ",\"system_fingerprint\":\"fp_localgroq\""
                + completion.xGroq(null) + "}";
        return sendJson(exchange, 200, json) + " whole answer of " + answer.content().size() + " tokens";
    }

    /** Writes Server-Sent Events ("data: ..." and an empty line), pacing the tokens if asked to. */
    static final class EventStream {
        private final OutputStream out;
        private final byte[] eol;
        private final boolean keepAlive;
        private final double tokensPerSecond;
        private final long started = System.nanoTime();
        private int events;
        private int tokens;

        EventStream(OutputStream body, String eol, boolean keepAlive, double tokensPerSecond) {
            // A big buffer: an unpaced stream leaves in 64 KiB writes, not one system call per chunk.
            this.out = new BufferedOutputStream(body, 64 * 1024);
            this.eol = eol.getBytes(UTF_8);
            this.keepAlive = keepAlive;
            this.tokensPerSecond = tokensPerSecond;
        }

        void send(String data) throws IOException {
            if (keepAlive && events > 0) writeEvent(": keep-alive"); // a comment: clients must skip it
            writeEvent("data: " + data);
            events++;
            if (tokensPerSecond > 0) out.flush(); // paced: each event leaves at once
        }

        /** Token n leaves at start + n / rate: a schedule, not a fixed sleep, so delays don't add up. */
        void sendToken(String data) throws IOException {
            if (tokensPerSecond > 0) sleepUntil(started + (long) (++tokens * 1e9 / tokensPerSecond));
            send(data);
        }

        private void writeEvent(String line) throws IOException {
            out.write(line.getBytes(UTF_8));
            out.write(eol);
            out.write(eol); // the empty line that ends an event
        }

        void flush() throws IOException { out.flush(); }

        void close() throws IOException { out.close(); } // sends the last, empty chunk: a proper end
    }

    // ---- 8. Errors, and small tools -------------------------------------------------------

    /** An error answer in Groq's shape: {"error": {"message", "type", "code"}}. */
    static final class ApiError extends Exception {
        final int status;
        final String type;
        final String code;
        final int retryAfterSeconds; // 0 = no retry-after header

        ApiError(int status, String type, String code, String message) { this(status, type, code, message, 0); }

        ApiError(int status, String type, String code, String message, int retryAfterSeconds) {
            super(message, null, false, false); // an answer to send, not a bug: no stack trace
            this.status = status;
            this.type = type;
            this.code = code;
            this.retryAfterSeconds = retryAfterSeconds;
        }

        static ApiError invalid(String message) { return new ApiError(400, "invalid_request_error", null, message); }

        /** The error codes Groq sends with these statuses, for #mock:status=CODE. */
        static final Map<Integer, String> CODES = Map.of(401, "invalid_api_key", 403, "permission_denied", 404, "model_not_found",
                413, "request_too_large", 422, "unprocessable_entity", 429, "rate_limit_exceeded", 498, "flex_tier_capacity_exceeded",
                500, "internal_server_error", 502, "bad_gateway", 503, "service_unavailable");

        static ApiError simulated(int status, int retryAfterSeconds) {
            String code = CODES.getOrDefault(status, status >= 500 ? "server_error" : "invalid_request");
            String type = status >= 500 || status == 498 ? "server_error" : "invalid_request_error";
            if (status == 401) return new ApiError(401, type, code, "Invalid API Key");
            if (status == 429) {
                return new ApiError(429, "requests", code, "Rate limit reached (simulated). Please try again in " + retryAfterSeconds + "s.", retryAfterSeconds);
            }
            return new ApiError(status, type, code, "Simulated error " + status + " (" + code.replace('_', ' ') + ") from #mock:status.");
        }

        String body() {
            return "{\"error\":{\"message\":" + Json.quote(getMessage()) + ",\"type\":" + Json.quote(type)
                    + ",\"code\":" + (code == null ? "null" : Json.quote(code)) + "}}";
        }
    }

    private static String sendError(HttpExchange exchange, ApiError error) throws IOException {
        if (error.retryAfterSeconds > 0) exchange.getResponseHeaders().set("retry-after", String.valueOf(error.retryAfterSeconds));
        return sendJson(exchange, error.status, error.body()) + " " + (error.code == null ? error.type : error.code);
    }

    static String sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
        return String.valueOf(status);
    }

    /** Sleeps; if the server stops meanwhile, the request ends as a closed connection. */
    static void sleepUntil(long deadlineNanos) throws IOException {
        try {
            TimeUnit.NANOSECONDS.sleep(deadlineNanos - System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the server is stopping");
        }
    }

    /** Groq-like ids: a prefix and 26 random lowercase base-32 characters. */
    static String newId(String prefix) {
        String alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 26; i++) id.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        return id.toString();
    }

    // ---- 9. Directives: #mock:NAME or #mock:NAME=VALUE ------------------------------------

    record Directives(Map<String, String> values) {

        static final Pattern DIRECTIVE = Pattern.compile("#mock:([^=\\s]+)(?:=(\\S*))?");
        static final Set<String> KNOWN = new TreeSet<>(List.of("tokens", "tps", "cut", "error-after", "status", "retry-after",
                "drop", "times", "no-done", "eol", "keepalive", "slow-start", "no-answer", "stall", "endless-line", "gzip-bomb",
                "big-chunk", "endless-answer", "whole", "redirect-loop", "error-mb", "retry-after-raw", "retry-after-ms",
                "sources", "hostile-sources", "code-output-mb"));

        static Directives in(String text) throws ApiError {
            Map<String, String> values = new HashMap<>();
            Matcher matcher = DIRECTIVE.matcher(text);
            while (matcher.find()) {
                // A typo must not pass silently: the test would test nothing.
                if (!KNOWN.contains(matcher.group(1))) throw ApiError.invalid("Unknown directive #mock:" + matcher.group(1) + ". Known: " + KNOWN + ".");
                values.put(matcher.group(1), matcher.group(2) == null ? "" : matcher.group(2));
            }
            return new Directives(values);
        }

        boolean has(String name) { return values.containsKey(name); }

        int number(String name, int fallback) throws ApiError {
            String value = values.get(name);
            if (value == null) return fallback;
            if (value.matches("[0-9]{1,9}")) return Integer.parseInt(value);
            throw ApiError.invalid("#mock:" + name + " needs a whole number, as in #mock:" + name + "=3, not \"" + value + "\".");
        }

        /** The text without its directives, as the answer echoes it. */
        static String strip(String text) { return text.replaceAll("\\s*#mock:\\S+", "").trim(); }
    }

    // ---- 10. JSON: a small parser, and quoting for the JSON we write ---------------------

    /** Parses JSON into Map (object), List (array), String, Double, Boolean and null. */
    static final class Json {
        private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
        private final String text;
        private int pos;

        private Json(String text) { this.text = text; }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value(0);
            json.skipSpace();
            if (json.pos < text.length()) throw json.error("unexpected text after the JSON value");
            return value;
        }

        private Object value(int depth) {
            if (depth > 200) throw error("nested too deeply"); // deeper is an attack, not a chat request
            skipSpace();
            char c = peek();
            if (c == '{') return object(depth);
            if (c == '[') return array(depth);
            if (c == '"') return string();
            if (c == '-' || (c >= '0' && c <= '9')) return number();
            for (String word : List.of("true", "false", "null")) {
                if (text.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            throw error(pos == text.length() ? "unexpected end of input" : "unexpected character '" + c + "'");
        }

        private Map<String, Object> object(int depth) {
            Map<String, Object> object = new LinkedHashMap<>();
            pos++; // {
            skipSpace();
            if (peek() == '}') { pos++; return object; }
            while (true) {
                skipSpace();
                if (peek() != '"') throw error("expected a \"key\"");
                String key = string();
                skipSpace();
                expect(':');
                object.put(key, value(depth + 1));
                skipSpace();
                if (peek() == '}') { pos++; return object; }
                expect(',');
            }
        }

        private List<Object> array(int depth) {
            List<Object> array = new ArrayList<>();
            pos++; // [
            skipSpace();
            if (peek() == ']') { pos++; return array; }
            while (true) {
                array.add(value(depth + 1));
                skipSpace();
                if (peek() == ']') { pos++; return array; }
                expect(',');
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            pos++; // the opening quote
            while (true) {
                if (pos >= text.length()) throw error("unterminated string");
                char c = text.charAt(pos++);
                if (c == '"') return out.toString();
                if (c < 0x20) throw error("control character in a string (it must be escaped, like \\n)");
                if (c != '\\') { out.append(c); continue; }
                char escape = pos < text.length() ? text.charAt(pos++) : '\0';
                switch (escape) {
                    case '"', '\\', '/' -> out.append(escape);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    // Beyond U+FFFF a character comes as two \\u escapes (a surrogate pair). Java
                    // strings are UTF-16 too: appending both halves rebuilds the character.
                    case 'u' -> out.append(hexChar());
                    default -> throw error("unknown escape \\" + escape);
                }
            }
        }

        private char hexChar() {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int digit = pos < text.length() ? "0123456789abcdefABCDEF".indexOf(text.charAt(pos++)) : -1;
                if (digit < 0) throw error("a \\u escape needs 4 hex digits");
                value = value * 16 + (digit < 16 ? digit : digit - 6);
            }
            return (char) value;
        }

        private Double number() {
            Matcher matcher = NUMBER.matcher(text).region(pos, text.length());
            if (!matcher.lookingAt()) throw error("malformed number");
            pos = matcher.end();
            return Double.valueOf(matcher.group());
        }

        private char peek() { return pos < text.length() ? text.charAt(pos) : '\0'; }

        private void expect(char c) {
            if (peek() != c) throw error(pos == text.length() ? "unexpected end of input" : "expected '" + c + "'");
            pos++;
        }

        private void skipSpace() {
            while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) pos++;
        }

        private IllegalArgumentException error(String problem) { return new IllegalArgumentException(problem + " at character " + pos); }

        /** A JSON string literal: quotes, backslashes, control characters and lone surrogates escaped. */
        static String quote(String text) {
            StringBuilder out = new StringBuilder(text.length() + 2).append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                // Half a surrogate pair has no UTF-8 form; escaped, it survives the trip.
                boolean lone = Character.isHighSurrogate(c) ? i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
                        : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
                if (c == '"' || c == '\\') out.append('\\').append(c);
                else if (c == '\n') out.append("\\n");
                else if (c < 0x20 || lone) out.append(String.format("\\u%04x", (int) c));
                else out.append(c);
            }
            return out.append('"').toString();
        }
    }
}
