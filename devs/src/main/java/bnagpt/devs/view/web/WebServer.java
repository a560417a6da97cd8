package bnagpt.devs.view.web;

import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.controller.Documents;
import bnagpt.devs.controller.ModelCatalog;
import bnagpt.devs.controller.Pictures;
import bnagpt.devs.controller.Voice;
import bnagpt.devs.model.AssistantShelf;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.StoreException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * The page's server, on Javalin: every route in {@link #routes}, every check in
 * {@link #everyRequest} and {@link Guard}, each route's work in a class of its own
 * (ChatRoute, ConversationRoutes, AttachmentRoutes, PageState, PageFiles).
 *
 * <p>It spends your key, so it keeps itself to this machine (see Guard), forbids the page
 * any script but its own file (Content-Security-Policy) and any frame, and reads small
 * request bodies only.
 */
public final class WebServer implements AutoCloseable {
    public static final int MAX_BODY = 256 * 1024;
    // Thumbnails of attached images are fetched with the secret and shown through blob: addresses.
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final ObjectMapper json = new ObjectMapper();
    private final PageFiles files;
    private final ChatRoute chat;
    private final ConversationRoutes conversations;
    private final AttachmentRoutes attachments;
    private final PageState state;
    private final VoiceRoutes voice; // null: a server without the microphone and Read aloud
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, daemon("bnagpt-page-clock"));
    private final PrintStream log;
    private Javalin app;
    /** Set once the port is known; until then every request is refused. */
    private volatile Guard guard;

    private WebServer(ModelCatalog models, ConversationStore store, AttachmentStore kept, AssistantShelf assistants,
            Map<String, ChatEngine> engines, Path pageFolder, PrintStream log, Documents documents, Voice voice) {
        this.files = new PageFiles(pageFolder);
        this.voice = voice == null ? null : new VoiceRoutes(json, voice);
        this.chat = new ChatRoute(json, engines, store, assistants, new QuestionParts(kept), clock, log);
        this.conversations = new ConversationRoutes(json, store, kept, chat::answering);
        this.attachments = new AttachmentRoutes(new Pictures(kept), kept,
                documents == null ? null : new DocumentUploads(documents));
        this.state = new PageState(json, models, assistants, conversations);
        this.log = log;
    }

    /**
     * Serves the page at HOST:PORT, or the next free port when it is taken (said on LOG).
     * KEPT holds the files attached to STORE's conversations. ENGINES by page name: "simple"
     * and "memory". PAGE_FOLDER null: the page's files come from the class path.
     */
    public static WebServer start(ModelCatalog models, ConversationStore store, AttachmentStore kept,
            AssistantShelf assistants, Map<String, ChatEngine> engines, String host, int port, Path pageFolder,
            PrintStream log) {
        return start(models, store, kept, assistants, engines, host, port, pageFolder, log, null);
    }

    /** The same, with Read Documents: the upload route hands .pdf, .txt and .md to DOCUMENTS. */
    public static WebServer start(ModelCatalog models, ConversationStore store, AttachmentStore kept,
            AssistantShelf assistants, Map<String, ChatEngine> engines, String host, int port, Path pageFolder,
            PrintStream log, Documents documents) {
        return start(models, store, kept, assistants, engines, host, port, pageFolder, log, documents, null);
    }

    /** The same, with the microphone and Read aloud on VOICE (VoiceRoutes). */
    public static WebServer start(ModelCatalog models, ConversationStore store, AttachmentStore kept,
            AssistantShelf assistants, Map<String, ChatEngine> engines, String host, int port, Path pageFolder,
            PrintStream log, Documents documents, Voice voice) {
        WebServer server = new WebServer(models, store, kept, assistants, engines, pageFolder, log, documents, voice);
        InetAddress address = resolve(host);
        for (int tried = port; ; tried++) {
            Javalin app = Javalin.create(server::configure);
            try {
                app.start(address.getHostAddress(), tried);
            } catch (JavalinBindException e) {
                app.stop();
                if (port == 0 || tried >= Math.min(port + 20, 65535)) {
                    throw new CannotStart("Ports " + port + " to " + tried + " are all taken. Choose another with --port N.");
                }
                continue;
            }
            if (tried != port) {
                log.println("Port " + port + " is taken; using " + tried + " instead.");
            }
            server.app = app;
            server.guard = new Guard(HostNames.of(host, address, app.port()));
            return server;
        }
    }

    private static InetAddress resolve(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress() || address.isLoopbackAddress()
                    || NetworkInterface.getByInetAddress(address) != null) {
                return address;
            }
        } catch (UnknownHostException | SocketException e) {
            // said below
        }
        throw new CannotStart("Cannot serve on \"" + host + "\": it is not an address of this machine.");
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.http.compressionStrategy = CompressionStrategy.NONE; // each piece of an answer leaves as it comes
        routes(config.routes);
    }

    private void routes(RoutesConfig routes) {
        routes.before(this::everyRequest);
        // The two pages of the article are one HTML file; its script tells them apart by path.
        routes.get("/", ctx -> page(ctx, "index.html"));
        routes.get("/simple", ctx -> page(ctx, "index.html"));
        routes.post("/login", ctx -> login(ctx, guard.matches(ctx.formParam("secret"))));
        routes.get("/login", ctx -> login(ctx, guard.useCode(ctx.queryParam("code"))));
        routes.get("/{file}", ctx -> page(ctx, ctx.pathParam("file")));

        routes.before("/api/*", ctx -> guard.checkApi(ctx));
        routes.get("/api/state", ctx -> sendJson(ctx, state.state()));
        routes.get("/api/models", ctx -> sendJson(ctx, state.modelOffer()));
        routes.post("/api/chat", ctx -> chat.chat(ctx, body(ctx)));
        routes.post("/api/stop", ctx -> sendJson(ctx, json.createObjectNode()
                .put("stopped", chat.stop(body(ctx).path("conversation").asText("")))));
        routes.get("/api/conversations/{id}", ctx -> sendJson(ctx, conversations.get(ctx.pathParam("id"))));
        routes.patch("/api/conversations/{id}", ctx -> {
            conversations.rename(ctx.pathParam("id"), body(ctx).path("title").asText(""));
            sendJson(ctx, json.createObjectNode().put("renamed", true));
        });
        routes.delete("/api/conversations/{id}", ctx -> {
            conversations.delete(ctx.pathParam("id"));
            sendJson(ctx, json.createObjectNode().put("deleted", true));
        });
        // The one route whose body is a file (up to 20 MB), not a small JSON object.
        routes.post("/api/attachments", ctx -> sendJson(ctx, json.valueToTree(attachments.upload(ctx))));
        routes.get("/api/attachments/{file}", ctx -> attachments.show(ctx, ctx.pathParam("file")));
        if (voice != null) {
            voice.addTo(routes);
        }

        routes.exception(Refusal.class, (refusal, ctx) -> refuse(ctx, refusal));
        routes.exception(StoreException.class, (e, ctx) -> refuse(ctx, new Refusal(400, e.getMessage())));
        routes.exception(Exception.class, (e, ctx) -> {
            log.println("Unexpected failure serving " + ctx.path() + ": " + e);
            refuse(ctx, new Refusal(500, "Something went wrong in the page's server: " + e.getClass().getSimpleName()
                    + ". See its terminal."));
        });
        routes.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (type == null || !type.startsWith("application/json")) { // not yet one of our sentences
                refuse(ctx, new Refusal(404, "There is no " + ctx.method() + " " + ctx.path() + " here."));
            }
        });
    }

    /** Before every request: the headers that keep the page to itself, and the Host check. */
    private void everyRequest(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        Guard checks = guard;
        if (checks == null) {
            throw new Refusal(503, "The page's server is starting: try again in a moment.");
        }
        checks.checkHost(ctx);
    }

    private void page(Context ctx, String name) {
        byte[] bytes = files.read(name);
        if (bytes == null) {
            throw new Refusal(404, "There is no " + ctx.path() + " here.");
        }
        ctx.contentType(PageFiles.TYPES.get(name)).result(bytes);
    }

    /**
     * The private file's form, or a printed address's code: the page, with the secret for its
     * script. A spent or wrong one gets the page without it, which works in a browser that
     * already has the secret, and says where to find an address in one that has not.
     */
    private void login(Context ctx, boolean allowed) {
        ctx.contentType(PageFiles.TYPES.get("index.html"));
        if (!allowed) {
            ctx.status(403).result(files.read("index.html"));
            return;
        }
        ctx.result(files.pageWithSecret(guard.secret()));
        log.println("A browser has opened the page. For another browser, open " + address());
    }

    private JsonNode body(Context ctx) throws IOException {
        return jsonBody(json, ctx, "The request");
    }

    /** The JSON body of a request; one too big (WHAT is said to be) or not a JSON object is refused. */
    static JsonNode jsonBody(ObjectMapper json, Context ctx, String what) throws IOException {
        byte[] bytes = ctx.bodyInputStream().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new Refusal(413, what + " is larger than " + MAX_BODY / 1024 + " KB.");
        }
        try {
            JsonNode body = json.readTree(bytes);
            if (body != null && body.isObject()) {
                return body;
            }
        } catch (IOException e) {
            // refused below
        }
        throw new Refusal(400, "The request is not a JSON object.");
    }

    private void sendJson(Context ctx, JsonNode body) {
        ctx.contentType("application/json; charset=utf-8").result(body.toString());
    }

    private void refuse(Context ctx, Refusal refusal) {
        ObjectNode body = json.createObjectNode().put("error", refusal.getMessage());
        if (refusal.needsSecret) {
            body.put("needsSecret", true);
        }
        ctx.status(refusal.status);
        sendJson(ctx, body);
    }

    public int port() {
        return app.port();
    }

    /** The page's address, for people: http://127.0.0.1:8501/ (it needs the secret, which it does not hold). */
    public String origin() {
        return guard.hosts().origin();
    }

    /** An address that opens the page in one browser: it works once (its code is then spent). */
    public String address() {
        return origin() + "/login?code=" + guard.newCode();
    }

    /** Whether only this machine can reach the server (it listens on a loopback address). */
    public boolean loopbackOnly() {
        return guard.hosts().loopbackOnly();
    }

    /** This run's secret, for the private file that opens the page, and for tests. */
    public String secret() {
        return guard.secret();
    }

    /** When the last answer ended on this side (System.nanoTime()): how long the page then takes is the page's. */
    public long lastAnswerEnded() {
        return chat.lastAnswerEnded();
    }

    /** Stops every answer (what arrived is saved, marked cut), then the server. */
    @Override
    public void close() {
        chat.stopAll();
        app.stop();
        clock.shutdownNow();
    }

    /** The server cannot start; the message says why and what to do. */
    public static final class CannotStart extends RuntimeException {
        CannotStart(String sentence) {
            super(sentence, null, false, false);
        }
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
