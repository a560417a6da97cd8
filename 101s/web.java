///usr/bin/env jbang "$0" "$@" ; exit $?
//
// bnaGPT in the browser: the page that Part 0 of the article builds with Streamlit, served
// by the JDK's own web server on your machine, talking to Groq with chat.java's classes.
//
//   ./jbang web                      from the repository root (the alias of this file)
//   ./jbang 101s/web.java --port 8600 --no-browser
//
// It prints an address with a secret token (http://127.0.0.1:8501/?token=...) and opens
// your browser there. The same configuration as the chat: GROQ_API_KEY (or the key file),
// GROQ_BASE_URL, GROQ_MODEL, BNAGPT_HOME; conversations go to the same store, so
// `./jbang chat -c` continues the one you had in the page, and the other way round.
//
// The page itself is three small files in 101s/web/ (HTML, CSS, JavaScript): no build
// step, no framework, nothing fetched from elsewhere. The answer's Markdown is turned into
// HTML here, by commonmark-java, with any HTML the model writes shown as text.
//
//JAVA 17+
// chat.java stays one file: its classes are compiled with this one. JBang takes its
// //DEPS and //JAVA_OPTIONS as well (//CDS is read from this file only).
//SOURCES chat.java
//DEPS org.commonmark:commonmark:0.32.0
// The page's files travel in the jar, so the page works from any folder.
//FILES web/index.html=web/index.html
//FILES web/page.css=web/page.css
//FILES web/page.js=web/page.js
//FILES web/user.svg=web/user.svg
//FILES web/assistant.svg=web/assistant.svg
//MAIN bnagpt.web

package bnagpt;

import bnagpt.chat.Assistant;
import bnagpt.chat.ChatException;
import bnagpt.chat.Config;
import bnagpt.chat.Conversation;
import bnagpt.chat.ConversationStore;
import bnagpt.chat.GroqClient;
import bnagpt.chat.Message;
import bnagpt.chat.Model;
import bnagpt.chat.Reply;
import bnagpt.chat.ResponseFormat;
import bnagpt.chat.StreamListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.commonmark.node.Document;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/** The page's server. The page's own code is in 101s/web/. */
public class web {

    public static void main(String[] args) throws InterruptedException {
        chat.Terminal terminal = chat.Terminal.system(System.getenv());
        WebServer server;
        WebOptions options;
        try {
            options = WebOptions.parse(args);
            if (options.help()) {
                System.out.print(WebOptions.HELP);
                return;
            }
            Config config = Config.fromEnvironment(System.getenv());
            Path home = chat.home(System.getenv());
            if (config.apiKey() == null && config.isGroq() && terminal.interactive) {
                config = config.withApiKey(chat.KeyFile.askAndRemember(home, terminal));
            }
            if (!options.host().equals("127.0.0.1")) {
                terminal.error("Serving on " + options.host() + ": anyone who can reach this address and learns the "
                        + "token can spend your Groq key. Leave out --host to serve this machine only.");
            }
            server = WebServer.start(new GroqClient(config), home, options.host(), options.port(), null, System.err);
        } catch (ChatException e) {
            terminal.error(e.getMessage());
            System.exit(e.exitCode);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // Ctrl-C
            server.close();
            System.err.println("bnaGPT's page has stopped. Every conversation is saved.");
            stopped.countDown();
        }));
        System.out.println(server.address());
        System.out.flush();
        System.err.println("bnaGPT is served at the address above (the token in it is your password for this run)."
                + " Ctrl-C stops it.");
        if (options.openBrowser()) {
            Browser.open(server.address(), System.getenv());
        }
        stopped.await();
    }

    /** The command line of the page's server. */
    record WebOptions(String host, int port, boolean openBrowser, boolean help) {
        static final int DEFAULT_PORT = 8501; // Streamlit's, as in the article

        static final String HELP = """
                bnaGPT in your browser: the chat as a page, served on this machine.

                Usage:
                  web.java [--port N] [--no-browser]

                Options:
                      --port N        listen on port N (default %d; if it is taken, the next free one)
                      --no-browser    print the address, do not open a browser
                      --host ADDRESS  listen on another address than 127.0.0.1 (this lets other
                                      machines reach the page: only on a network you trust)
                  -h, --help          this text

                The page uses the same settings as the chat (see chat.java --help): GROQ_API_KEY,
                GROQ_BASE_URL, GROQ_MODEL, BNAGPT_HOME. Its conversations are the chat's: continue
                one in the terminal with ./jbang chat -c.
                """.formatted(DEFAULT_PORT);

        static WebOptions parse(String[] args) {
            String host = "127.0.0.1";
            int port = DEFAULT_PORT;
            boolean openBrowser = true;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-h", "--help" -> help = true;
                    case "--no-browser" -> openBrowser = false;
                    case "--port" -> port = portNumber(valueAfter(args, i++));
                    case "--host" -> host = valueAfter(args, i++);
                    default -> throw new ChatException("Unknown option " + args[i] + ". See --help.", 2);
                }
            }
            return new WebOptions(host, port, openBrowser, help);
        }

        private static String valueAfter(String[] args, int i) {
            if (i + 1 >= args.length || args[i + 1].isBlank()) {
                throw new ChatException(args[i] + " needs a value. See --help.", 2);
            }
            return args[i + 1];
        }

        private static int portNumber(String text) {
            if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) > 65535) {
                throw new ChatException("--port needs a number from 0 to 65535, not \"" + text + "\".", 2);
            }
            return Integer.parseInt(text);
        }
    }

    // ---------------------------------------------------------------------------------
    // The server: the page's files, and a small JSON API that the page calls.
    //
    // It spends your Groq key, so it guards itself as Jupyter's and Ollama's local
    // servers do: it listens on 127.0.0.1 only; it answers only requests whose Host is
    // this machine by name or number (a DNS rebinding attack names another host); the
    // API needs the token of this run (kept by the browser in a cookie that no script
    // can read); requests from other origins are refused; the page may run no inline
    // script (Content-Security-Policy); and request bodies are small.
    // ---------------------------------------------------------------------------------

    public static final class WebServer implements AutoCloseable {
        static final int MAX_BODY = 256 * 1024;
        static final int MAX_MESSAGE = 100_000;
        static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        /** The page's files, with their types: nothing else is ever served from disk. */
        static final Map<String, String> PAGE_FILES = Map.of(
                "index.html", "text/html; charset=utf-8",
                "page.css", "text/css; charset=utf-8",
                "page.js", "text/javascript; charset=utf-8",
                "user.svg", "image/svg+xml",
                "assistant.svg", "image/svg+xml");

        private final HttpServer http;
        private final ExecutorService workers;
        private final ScheduledExecutorService heartbeat;
        private final GroqClient client;
        private final Path home;
        private final ConversationStore store;
        private final Path pageFolder;
        private final String token;
        /** The host in the printed address: 127.0.0.1, or the one address --host asked for. */
        private final String shownHost;
        private final Set<String> hostNames;
        private final PrintStream log;
        /** The answers being streamed right now, by conversation: one at a time for each. */
        private final Map<String, Answer> answering = new ConcurrentHashMap<>();
        private volatile CachedModels models;
        /** When the last answer finished arriving from Groq: for the speed measurement. */
        volatile long lastReplyNanos;

        private record CachedModels(List<Model> list, long nanos) {}

        private WebServer(HttpServer http, ExecutorService workers, GroqClient client, Path home, Path pageFolder,
                          String host, PrintStream log) {
            this.http = http;
            this.workers = workers;
            this.heartbeat = Executors.newSingleThreadScheduledExecutor(daemon("bnagpt-heartbeat"));
            this.client = client;
            this.home = home;
            this.store = new ConversationStore(home);
            this.pageFolder = pageFolder;
            this.log = log;
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            this.token = HexFormat.of().formatHex(secret);
            Set<String> names = new HashSet<>(List.of("127.0.0.1", "localhost", "[::1]"));
            String asked = host.contains(":") ? "[" + host + "]" : host; // an IPv6 address is bracketed in Host
            names.add(asked.toLowerCase(Locale.ROOT)); // --host, when given
            this.hostNames = Set.copyOf(names);
            InetAddress bound = http.getAddress().getAddress();
            this.shownHost = bound.isAnyLocalAddress() || bound.isLoopbackAddress() ? "127.0.0.1"
                    : asked;
        }

        /**
         * Starts serving at host:port, or the next free port when it is taken (said on log).
         * pageFolder null: the page's files come from the class path (web.java's //FILES).
         */
        public static WebServer start(GroqClient client, Path home, String host, int port, Path pageFolder,
                                      PrintStream log) {
            // Each piece of an answer must leave at once, not wait for a fuller packet.
            if (System.getProperty("sun.net.httpserver.nodelay") == null) {
                System.setProperty("sun.net.httpserver.nodelay", "true");
            }
            HttpServer http = bind(host, port, log);
            ExecutorService workers = Executors.newCachedThreadPool(daemon("bnagpt-web"));
            http.setExecutor(workers);
            WebServer server = new WebServer(http, workers, client, home, pageFolder, host, log);
            http.createContext("/", server::handle);
            http.start();
            return server;
        }

        private static HttpServer bind(String host, int port, PrintStream log) {
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (IOException e) {
                throw new ChatException("Cannot serve on \"" + host + "\": it is not an address of this machine.", 2);
            }
            for (int tried = port; ; tried++) {
                try {
                    HttpServer http = HttpServer.create(new InetSocketAddress(address, tried), 64);
                    if (tried != port) {
                        log.println("Port " + port + " is taken; using " + tried + " instead.");
                    }
                    return http;
                } catch (BindException e) {
                    if (port == 0 || tried >= Math.min(port + 20, 65535)) {
                        throw new ChatException("Ports " + port + " to " + tried + " are all taken. Choose another "
                                + "with --port N.", 1);
                    }
                } catch (IOException e) {
                    throw new ChatException("Cannot serve on " + host + ":" + tried + " (" + chat.describe(e) + ").", 1);
                }
            }
        }

        private static java.util.concurrent.ThreadFactory daemon(String name) {
            return task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            };
        }

        public int port() {
            return http.getAddress().getPort();
        }

        /** The address to open, with this run's token. */
        public String address() {
            return "http://" + shownHost + ":" + port() + "/?token=" + token;
        }

        /** The cookie that carries the token, as a browser sends it back: name=token. */
        String cookie() {
            return cookieName() + "=" + token;
        }

        /** Stops every answer (what arrived is saved, marked as cut), then the server. */
        @Override
        public void close() {
            answering.values().forEach(Answer::stop);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!answering.isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            http.stop(0);
            heartbeat.shutdownNow();
            workers.shutdownNow();
        }

        // ---- Every request: the safety checks, then the route ----------------------------

        private void handle(HttpExchange exchange) {
            try {
                Headers headers = exchange.getResponseHeaders();
                headers.set("Content-Security-Policy", CSP);
                headers.set("X-Content-Type-Options", "nosniff");
                headers.set("X-Frame-Options", "DENY");
                headers.set("Referrer-Policy", "no-referrer");
                headers.set("Cache-Control", "no-store");
                String path = exchange.getRequestURI().getPath();
                String method = exchange.getRequestMethod();
                if (!hostAllowed(exchange.getRequestHeaders().getFirst("Host"))) {
                    refuse(exchange, 403, "This server answers only to 127.0.0.1:" + port() + " or localhost:" + port()
                            + ".");
                    return;
                }
                if (!path.startsWith("/api/")) {
                    page(exchange, method, path);
                    return;
                }
                if (!sameOrigin(exchange)) {
                    refuse(exchange, 403, "Requests from other sites are refused.");
                    return;
                }
                if (!hasToken(exchange)) {
                    refuse(exchange, 403, "This page needs the address printed by ./jbang web, with its token: "
                            + "open that address again.");
                    return;
                }
                api(exchange, method, path);
            } catch (ChatException e) {
                refuse(exchange, 400, e.getMessage());
            } catch (IOException e) {
                // The browser went away; nothing to tell it.
            } catch (RuntimeException e) {
                log.println("Unexpected failure serving " + exchange.getRequestURI().getPath() + ": " + e);
                refuse(exchange, 500, "Something went wrong in the page's server: " + e.getClass().getSimpleName()
                        + ". See its terminal.");
            } finally {
                exchange.close();
            }
        }

        /** Host must name this machine, with our port: a rebinding DNS name is refused. */
        private boolean hostAllowed(String host) {
            if (host == null) {
                return false;
            }
            int colon = host.lastIndexOf(':');
            if (colon < 0 || !host.substring(colon + 1).equals(String.valueOf(port()))) {
                return false;
            }
            return hostNames.contains(host.substring(0, colon).toLowerCase(Locale.ROOT));
        }

        /** A browser says where a request comes from; the API takes requests from this page only. */
        private static boolean sameOrigin(HttpExchange exchange) {
            Headers request = exchange.getRequestHeaders();
            String origin = request.getFirst("Origin");
            if (origin != null && !origin.equals("http://" + request.getFirst("Host"))) {
                return false;
            }
            String site = request.getFirst("Sec-Fetch-Site");
            return site == null || site.equals("same-origin");
        }

        private String cookieName() {
            return "bnagpt_token_" + port(); // cookies do not tell ports apart; two servers must not mix
        }

        private boolean hasToken(HttpExchange exchange) {
            for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
                for (String cookie : header.split(";")) {
                    String[] pair = cookie.strip().split("=", 2);
                    if (pair.length == 2 && pair[0].equals(cookieName()) && tokenMatches(pair[1])) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Compared in constant time: how long it takes must not tell how much of a guess was right. */
        private boolean tokenMatches(String given) {
            return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
        }

        // ---- The page's files ------------------------------------------------------------

        private void page(HttpExchange exchange, String method, String path) throws IOException {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                refuse(exchange, 405, "Only GET is served here.");
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            if (path.equals("/") && query != null && query.startsWith("token=")) {
                // The printed address: keep the token in a cookie no script can read, and
                // take it out of the address bar (and the browser's history).
                if (!tokenMatches(query.substring("token=".length()))) {
                    refuse(exchange, 403, "This token is not the one of this run: open the address that ./jbang web "
                            + "printed last.");
                    return;
                }
                exchange.getResponseHeaders().set("Set-Cookie", cookie() + "; Path=/; HttpOnly; SameSite=Strict");
                exchange.getResponseHeaders().set("Location", "/");
                exchange.sendResponseHeaders(303, -1);
                return;
            }
            String name = path.equals("/") ? "index.html" : path.substring(1);
            String type = PAGE_FILES.get(name);
            byte[] bytes = type == null ? null : pageFile(name);
            if (bytes == null) {
                refuse(exchange, 404, "There is no " + path + " here.");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, method.equals("HEAD") ? -1 : bytes.length);
            if (method.equals("GET")) {
                exchange.getResponseBody().write(bytes);
            }
        }

        private byte[] pageFile(String name) throws IOException {
            if (pageFolder != null) {
                Path file = pageFolder.resolve(name);
                return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            }
            try (InputStream in = web.class.getResourceAsStream("/web/" + name)) {
                return in == null ? null : in.readAllBytes();
            }
        }

        // ---- The API ---------------------------------------------------------------------

        private void api(HttpExchange exchange, String method, String path) throws IOException {
            String route = method + " " + path;
            if (route.equals("GET /api/state")) {
                sendJson(exchange, 200, state());
            } else if (route.equals("POST /api/chat")) {
                JsonNode body = readBody(exchange);
                if (body != null) {
                    answer(exchange, body);
                }
            } else if (route.equals("POST /api/stop")) {
                JsonNode body = readBody(exchange);
                if (body != null) {
                    Answer answer = answering.get(body.path("conversation").asText(""));
                    if (answer != null) {
                        answer.stop();
                    }
                    sendJson(exchange, 200, chat.JSON.createObjectNode().put("stopped", answer != null));
                }
            } else if (method.equals("GET") && path.startsWith("/api/conversations/")) {
                sendJson(exchange, 200, conversation(store.load(path.substring("/api/conversations/".length()))));
            } else {
                refuse(exchange, 404, "There is no " + route + " in this API.");
            }
        }

        /** What the sidebar shows: the models, the assistants, the saved conversations. */
        private ObjectNode state() {
            ObjectNode state = chat.JSON.createObjectNode();
            state.put("model", client.config().model());
            ArrayNode modelList = state.putArray("models");
            try {
                modelList.add(client.config().model());
                for (Model model : models()) {
                    if (!model.id().equals(client.config().model())) {
                        modelList.add(model.id());
                    }
                }
            } catch (ChatException e) {
                state.put("modelsError", e.getMessage());
            }
            ArrayNode assistants = state.putArray("assistants");
            for (Map.Entry<String, Assistant> entry : assistants().entrySet()) {
                assistants.addObject().put("id", entry.getKey()).put("name", entry.getValue().name())
                        .put("model", entry.getValue().model());
            }
            ArrayNode conversations = state.putArray("conversations");
            for (String line : store.list()) {
                String[] idAndTitle = line.split("  ", 2);
                conversations.addObject().put("id", idAndTitle[0]).put("title", idAndTitle.length > 1 ? idAndTitle[1] : "");
            }
            return state;
        }

        /** GET /models, asked again after a minute at most: models come and go. */
        private List<Model> models() {
            CachedModels cached = models;
            if (cached == null || System.nanoTime() - cached.nanos() > TimeUnit.MINUTES.toNanos(1)) {
                cached = new CachedModels(client.models(), System.nanoTime());
                models = cached;
            }
            return cached.list();
        }

        /**
         * The assistants the page may choose, by name: those in $BNAGPT_HOME/assistants and
         * in ./assistants (the repository's examples). The page names one of these; it can
         * never make the server read a file of its choosing.
         */
        private Map<String, Assistant> assistants() {
            Map<String, Assistant> found = new LinkedHashMap<>();
            for (Path folder : List.of(home.resolve("assistants"), Path.of("assistants"))) {
                if (!Files.isDirectory(folder)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : files.sorted().toList()) {
                        String name = file.getFileName().toString();
                        if (name.endsWith(".md") || name.endsWith(".json")) {
                            try {
                                found.putIfAbsent(name.replaceFirst("\\.[^.]*$", ""),
                                        Assistant.find(file.toString(), home));
                            } catch (ChatException e) {
                                // a broken assistant file is simply not offered
                            }
                        }
                    }
                } catch (IOException e) {
                    // an unreadable folder offers nothing
                }
            }
            return found;
        }

        /** A saved conversation for the page: the user's words as text, the answers as HTML. */
        private ObjectNode conversation(Conversation conversation) {
            ObjectNode json = chat.JSON.createObjectNode();
            json.put("id", conversation.id());
            json.put("model", conversation.model());
            json.put("system", conversation.system());
            json.put("json", conversation.json());
            json.put("answering", answering.containsKey(conversation.id()));
            ArrayNode messages = json.putArray("messages");
            for (Message message : conversation.messages()) {
                ObjectNode node = messages.addObject().put("role", message.role()).put("cut", message.cut());
                if (message.role().equals("assistant")) {
                    node.put("html", Markdown.render(message.content(), conversation.json()));
                } else {
                    node.put("text", message.content());
                }
            }
            return json;
        }

        /**
         * POST /api/chat: one turn. The answer comes back as it arrives, one JSON object a
         * line: {"type": "start" | "reasoning" | "content" | "html" | "notice" | "error" | "done", ...}.
         */
        private void answer(HttpExchange exchange, JsonNode body) throws IOException {
            String text = body.path("message").asText("");
            if (text.isBlank() || text.length() > MAX_MESSAGE) {
                refuse(exchange, 400, text.isBlank() ? "The message is empty." : "The message is longer than "
                        + MAX_MESSAGE + " characters.");
                return;
            }
            String id = body.path("conversation").asText("");
            String busy = "This conversation is still answering (maybe in another tab): wait for the answer, or "
                    + "stop it, then send your message again.";
            if (answering.containsKey(id)) { // a new conversation has no file until its first answer
                refuse(exchange, 409, busy);
                return;
            }
            Conversation conversation = id.isEmpty() ? new Conversation() : store.load(id);
            String busyId = conversation.id(); // a save may move the conversation to a new id
            Answer answer = new Answer(exchange);
            if (answering.putIfAbsent(busyId, answer) != null) {
                refuse(exchange, 409, busy);
                return;
            }
            try {
                applySettings(conversation, body);
                answer.run(conversation, text);
            } finally {
                answering.remove(busyId);
            }
        }

        /** The sidebar's choices: model, instructions (an assistant's, or the page's own), JSON mode. */
        private void applySettings(Conversation conversation, JsonNode body) {
            String model = body.path("model").asText("");
            conversation.model(model.isBlank() ? client.config().model() : model);
            String assistantId = body.path("assistant").asText("");
            if (!assistantId.isEmpty()) {
                Assistant assistant = assistants().get(assistantId);
                if (assistant == null) {
                    throw new ChatException("There is no assistant \"" + assistantId + "\" any more. Choose another.");
                }
                conversation.system(assistant.instructions());
            } else if (body.has("system")) {
                conversation.system(body.path("system").asText(""));
            }
            conversation.json(body.path("json").asBoolean(false));
        }

        /** One answer being streamed to one page, and what it needs to stop. */
        private final class Answer implements StreamListener {
            private final HttpExchange exchange;
            private OutputStream out;
            private volatile GroqClient talking;
            private volatile boolean stopped;
            private volatile boolean pageGone;
            private final StringBuilder content = new StringBuilder();
            private final StringBuilder newContent = new StringBuilder();
            private final StringBuilder newReasoning = new StringBuilder();
            private boolean json;
            private long lastRender = System.nanoTime();

            Answer(HttpExchange exchange) {
                this.exchange = exchange;
            }

            /** Stop button, closed tab or Ctrl-C: Groq's request is cancelled, what arrived is kept. */
            void stop() {
                stopped = true;
                GroqClient groq = talking;
                if (groq != null) {
                    groq.cancel();
                }
            }

            void run(Conversation conversation, String text) throws IOException {
                exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson; charset=utf-8");
                exchange.sendResponseHeaders(200, 0); // length unknown: chunked, each piece as it comes
                out = exchange.getResponseBody();
                json = conversation.json();
                send(event("start").put("conversation", conversation.id()).put("model", conversation.model()));
                // A closed tab is only noticed when we write to it: while Groq thinks, write
                // an empty line every second (the page skips them).
                ScheduledFuture<?> beat = heartbeat.scheduleAtFixedRate(this::beat, 1, 1, TimeUnit.SECONDS);
                try {
                    conversation.add(Message.user(text));
                    Reply reply;
                    try {
                        talking = client.withModel(conversation.model());
                        ResponseFormat format = conversation.json() ? ResponseFormat.JSON : ResponseFormat.TEXT;
                        reply = stopped ? new Reply("", "", null, null, null, GroqClient.STOPPED)
                                : talking.stream(requestMessages(conversation), format, this);
                        lastReplyNanos = System.nanoTime();
                    } catch (ChatException e) {
                        conversation.removeLast(); // nothing was answered: the question can be asked again
                        send(kept(event("error").put("message", e.getMessage()), conversation));
                        return;
                    }
                    if (reply.content().isEmpty() && !reply.complete()) {
                        conversation.removeLast();
                    } else {
                        conversation.add(new Message("assistant", reply.content(), !reply.complete()));
                    }
                    String saveProblem = save(conversation);
                    ObjectNode done = event("done").put("html", Markdown.render(reply.content(), json))
                            .put("cut", !reply.complete()).put("interruption", reply.interruption());
                    if (saveProblem != null) {
                        done.put("saveProblem", saveProblem);
                    }
                    if (reply.usage() != null) {
                        done.put("tokens", reply.usage().completionTokens())
                                .put("tokensPerSecond", reply.usage().tokensPerSecond());
                    }
                    if (reply.timeToFirstToken() != null) {
                        done.put("firstToken", reply.timeToFirstToken().toMillis() / 1000.0);
                    }
                    send(kept(done, conversation));
                } finally {
                    beat.cancel(false);
                }
            }

            /** Says which conversation the page goes on with: none, when a new one was never saved. */
            private ObjectNode kept(ObjectNode event, Conversation conversation) {
                return event.put("conversation", Files.exists(store.file(conversation.id())) ? conversation.id() : null);
            }

            private String save(Conversation conversation) {
                if (conversation.messages().isEmpty()) {
                    return null;
                }
                try {
                    // Not null when another chat (a terminal, say) had saved this conversation
                    // meanwhile: ours then goes on under a new id, and the line says so.
                    return store.save(conversation);
                } catch (ChatException e) {
                    return e.getMessage();
                }
            }

            @Override
            public void onContent(String text) {
                content.append(text);
                newContent.append(text);
            }

            @Override
            public void onReasoning(String text) {
                newReasoning.append(text);
            }

            /**
             * What one network read brought goes to the page as plain text, which it appends.
             * The Markdown of the whole answer so far is rendered again at most three times a
             * second and sent too: rendering at every piece would cost the square of the answer.
             */
            @Override
            public void onBatchEnd() {
                if (newReasoning.length() > 0) {
                    send(event("reasoning").put("text", newReasoning.toString()));
                    newReasoning.setLength(0);
                }
                if (newContent.length() > 0) {
                    send(event("content").put("text", newContent.toString()));
                    newContent.setLength(0);
                    if (System.nanoTime() - lastRender > TimeUnit.MILLISECONDS.toNanos(300)) {
                        send(event("html").put("html", Markdown.render(content.toString(), json)));
                        lastRender = System.nanoTime();
                    }
                }
            }

            @Override
            public void onRetry(String notice) {
                send(event("notice").put("text", notice));
            }

            private void beat() {
                writeLine(new byte[0]);
            }

            private void send(ObjectNode event) {
                writeLine(event.toString().getBytes(StandardCharsets.UTF_8));
            }

            private synchronized void writeLine(byte[] line) {
                if (pageGone) {
                    return;
                }
                try {
                    out.write(line);
                    out.write('\n');
                    out.flush();
                } catch (IOException e) {
                    pageGone = true; // the tab was closed: stop paying for an answer nobody reads
                    stop();
                }
            }

            private ObjectNode event(String type) {
                return chat.JSON.createObjectNode().put("type", type);
            }
        }

        /** The messages of a request, as the terminal chat sends them (its instructions, JSON mode). */
        private List<Message> requestMessages(Conversation conversation) {
            return new chat.Chat(client.withModel(conversation.model()), conversation, null, QUIET, true)
                    .requestMessages();
        }

        private static final chat.Terminal QUIET = new chat.Terminal(
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(OutputStream.nullOutputStream()),
                false, false);

        /** The JSON body of a request, or null after refusing one that is too big or not JSON. */
        private JsonNode readBody(HttpExchange exchange) throws IOException {
            byte[] bytes = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                refuse(exchange, 413, "The request is larger than " + MAX_BODY / 1024 + " KB.");
                return null;
            }
            try {
                JsonNode body = chat.JSON.readTree(bytes);
                if (body != null && body.isObject()) {
                    return body;
                }
            } catch (IOException e) {
                // answered below
            }
            refuse(exchange, 400, "The request is not a JSON object.");
            return null;
        }

        private static void sendJson(HttpExchange exchange, int status, ObjectNode json) throws IOException {
            byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }

        /** A refusal or failure, as one sentence the page shows: {"error": "..."}. */
        private static void refuse(HttpExchange exchange, int status, String sentence) {
            try {
                sendJson(exchange, status, chat.JSON.createObjectNode().put("error", sentence));
            } catch (IOException | RuntimeException e) {
                // the response had begun, or the browser went away: nothing more to say
            }
        }
    }

    // ---------------------------------------------------------------------------------
    // Markdown to HTML, on the server. The model's text is never trusted as HTML: any
    // HTML in it is escaped (shown as text), and links and images may only be of safe
    // kinds (no javascript: addresses).
    // ---------------------------------------------------------------------------------

    static final class Markdown {
        private static final Parser PARSER = Parser.builder().build();
        private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
                .escapeHtml(true)
                .sanitizeUrls(true)
                .attributeProviderFactory(context -> (node, tagName, attributes) -> {
                    if (node instanceof Link) { // a link opens a new tab, and that tab cannot reach back
                        attributes.put("target", "_blank");
                        attributes.put("rel", "noopener noreferrer nofollow");
                    }
                })
                .build();

        /** JSON mode's answer is one JSON object: shown as code, not read as Markdown. */
        static String render(String text, boolean json) {
            Node document;
            if (json) {
                document = new Document();
                FencedCodeBlock code = new FencedCodeBlock();
                code.setInfo("json");
                code.setLiteral(text.endsWith("\n") ? text : text + "\n");
                document.appendChild(code);
            } else {
                document = PARSER.parse(text);
            }
            return RENDERER.render(document);
        }
    }

    // ---------------------------------------------------------------------------------
    // Opening the browser, where the machine has one to open. Never waits for it.
    // ---------------------------------------------------------------------------------

    static final class Browser {
        static void open(String address, Map<String, String> env) {
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
            List<String> command = new ArrayList<>();
            if (env.get("CI") != null) {
                return; // a CI machine has nobody to look at a page
            } else if (os.contains("mac")) {
                command.addAll(List.of("open", address));
            } else if (os.contains("win")) {
                command.addAll(List.of("rundll32", "url.dll,FileProtocolHandler", address));
            } else if (env.get("DISPLAY") != null || env.get("WAYLAND_DISPLAY") != null) {
                command.addAll(List.of("xdg-open", address));
            } else {
                return; // no screen: the printed address is all we can do
            }
            try {
                new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                System.err.println("Could not open a browser (" + chat.describe(e) + "): open the address yourself.");
            }
        }
    }
}
