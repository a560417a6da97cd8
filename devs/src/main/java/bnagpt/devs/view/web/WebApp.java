package bnagpt.devs.view.web;

import bnagpt.devs.Settings;
import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The page's server on Javalin: routes in one place, handlers small. (First cut: one route for the chat.) */
public final class WebApp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebApp() {}

    public static int run(String[] args, Settings settings, Llm llm, ConversationStore store, ChatEngine simple,
            ChatEngine memory) {
        Javalin app = Javalin.create(config -> {
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
            });
            config.routes.post("/api/chat", ctx -> {
                Map<?, ?> body = JSON.readValue(ctx.body(), Map.class);
                ctx.contentType("application/x-ndjson");
                OutputStream out = ctx.res().getOutputStream();
                Conversation conversation = new Conversation();
                try {
                    ChatEngine.Turn turn = memory.answer(conversation, String.valueOf(body.get("message")),
                            text -> line(out, Map.of("type", "content", "text", text)), new Stop());
                    line(out, Map.of("type", "done", "conversation", conversation.id()));
                } catch (LlmFailure e) {
                    line(out, Map.of("type", "error", "text", e.getMessage()));
                }
            });
        });
        app.start("127.0.0.1", 8501);
        System.out.println("http://127.0.0.1:" + app.port() + "/");
        return 0;
    }

    private static void line(OutputStream out, Map<String, ?> event) {
        try {
            out.write(JSON.writeValueAsBytes(event));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
