package bnagpt;

import bnagpt.devs.controller.ChatbotWithMemoryEngine;
import bnagpt.devs.controller.Features;
import bnagpt.devs.controller.ModelCatalog;
import bnagpt.devs.controller.SimpleChatEngine;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.model.AssistantShelf;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.view.web.WebServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The devs page's server for tests, started in the test's JVM as App starts it: the two
 * engines on LangChain4j, the store in HOME, the page's files read from where they are
 * written (devs/src/main/resources/web), so a change to them needs no build; the assistants
 * in HOME/assistants and the repository's ./assistants, as App finds them.
 */
final class DevsPage {
    private DevsPage() {}

    static final long ANSWER_LIMIT = 8L << 20;

    static WebServer start(String baseUrl, Path home) {
        return start(new OpenAiCompatibleLlm(baseUrl, Clients.KEY, Clients.MODEL), home, "127.0.0.1");
    }

    static WebServer start(Llm llm, Path home, String host) {
        ConversationStore store = new ConversationStore(home);
        AttachmentStore attachments = new AttachmentStore(home);
        return WebServer.start(new ModelCatalog(llm), store, attachments, assistants(home), Map.of(
                        "simple", new SimpleChatEngine(llm, attachments, Features.defaults(), ANSWER_LIMIT),
                        "memory", new ChatbotWithMemoryEngine(llm, store, attachments, Features.defaults(), ANSWER_LIMIT,
                                Duration.ofSeconds(3), ChatbotWithMemoryEngine.WINDOW_MESSAGES)),
                host, 0, files(), new PrintStream(OutputStream.nullOutputStream()));
    }

    static AssistantShelf assistants(Path home) {
        return new AssistantShelf(List.of(home.resolve("assistants"), Repo.file("assistants")));
    }

    static Path files() {
        return Repo.file("devs/src/main/resources/web");
    }
}
