package bnagpt.devs;

import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.controller.ChatbotWithMemoryEngine;
import bnagpt.devs.controller.SimpleChatEngine;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.view.cli.Ask;
import bnagpt.devs.view.web.WebApp;
import java.time.Duration;
import java.util.Arrays;

/**
 * The devs track's entry: reads the settings, builds the layers from the bottom up (llm and
 * model, then the engines, then a view) and hands over to the view. Nothing else here:
 * every piece gets what it needs through its constructor, so tests can build it with fakes.
 *
 *   ./jbang devs                 the page (Simple Chatbot, Chatbot With Memory) in your browser
 *   ./jbang devs ask "question"  one answer on stdout, for scripts
 */
public final class App {
    /** The most one answer may hold (content and thinking together): a server that never stops cannot fill the memory. */
    public static final long ANSWER_LIMIT_BYTES = 8L << 20;

    private App() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(System.getenv());
        } catch (Settings.SettingsException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Llm llm = new OpenAiCompatibleLlm(settings.baseUrl(), settings.apiKey(), settings.model());
        ConversationStore store = new ConversationStore(settings.home());
        ChatEngine simple = new SimpleChatEngine(llm, ANSWER_LIMIT_BYTES);
        ChatEngine memory = new ChatbotWithMemoryEngine(llm, store, ANSWER_LIMIT_BYTES, Duration.ofSeconds(3));
        if (args.length > 0 && args[0].equals("ask")) {
            String prompt = args.length > 1 ? String.join(" ", Arrays.copyOfRange(args, 1, args.length)) : null;
            return new Ask(memory, System.out, System.err).run(prompt, System.in, new Conversation());
        }
        return WebApp.run(args, settings, llm, store, simple, memory);
    }
}
