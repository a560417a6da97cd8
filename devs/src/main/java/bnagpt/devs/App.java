package bnagpt.devs;

import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.controller.ChatbotWithMemoryEngine;
import bnagpt.devs.controller.Documents;
import bnagpt.devs.controller.DocumentsEngine;
import bnagpt.devs.controller.Features;
import bnagpt.devs.controller.ModelCatalog;
import bnagpt.devs.controller.Pictures;
import bnagpt.devs.controller.SimpleChatEngine;
import bnagpt.devs.controller.Voice;
import bnagpt.devs.llm.EmbeddingModelFetcher;
import bnagpt.devs.llm.Limits;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.llm.RetryPolicy;
import bnagpt.devs.llm.SpeechClient;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.AssistantShelf;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.DocumentReader;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.view.cli.Ask;
import bnagpt.devs.view.cli.AskOptions;
import bnagpt.devs.view.web.WebApp;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The devs track's entry: reads the settings, builds the layers from the bottom up (llm and
 * model, then the engines, then a view) and hands over to the view. Nothing else here:
 * every piece gets what it needs through its constructor, so tests can build it with fakes.
 *
 *   ./jbang devs                 the page (Simple Chatbot, Chatbot With Memory) in your browser
 *   ./jbang devs ask "question"  one answer on stdout, for scripts (--help says more)
 */
public final class App {
    /** How often a long answer is saved while it grows: a crash loses at most this much of it. */
    static final Duration SAVE_EVERY = Duration.ofSeconds(3);

    private App() {}

    public static void main(String[] args) {
        int status = run(args);
        // A command ends here; a page that returned 0 may still be serving on its own threads.
        if (status != 0 || (args.length > 0 && args[0].equals("ask"))) {
            System.exit(status);
        }
    }

    static int run(String[] args) {
        if (args.length > 0 && args[0].equals("ask")) {
            return ask(Arrays.asList(args).subList(1, args.length));
        }
        Settings settings;
        try {
            settings = Settings.fromEnvironment(System.getenv());
        } catch (Settings.SettingsException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Layers layers;
        try {
            layers = Layers.of(settings, Limits.DEFAULT);
        } catch (LlmFailure e) { // a proxy variable that is not an address
            System.err.println(e.getMessage());
            return 2;
        }
        return WebApp.run(args, settings, new ModelCatalog(layers.llm()), layers.store(), assistants(settings),
                layers.simple(), layers.memory(), layers.documents(), layers.voice());
    }

    /** The layers below the views, built the same way for the page and for ask. */
    private record Layers(Llm llm, ConversationStore store, AttachmentStore attachments, ChatEngine simple,
            ChatEngine memory, Documents documents, Voice voice) {
        /** Throws LlmFailure when a proxy variable is not an address. */
        static Layers of(Settings settings, Limits limits) {
            HttpClient http = OpenAiCompatibleLlm.httpClient(System.getenv());
            Llm llm = new OpenAiCompatibleLlm(settings.baseUrl(), settings.apiKey(), settings.model(), limits,
                    RetryPolicy.DEFAULT, http);
            SpeechClient speech = new SpeechClient(settings.baseUrl(), settings.apiKey(), limits, RetryPolicy.DEFAULT, http);
            ConversationStore store = new ConversationStore(settings.home());
            AttachmentStore attachments = new AttachmentStore(settings.home());
            Features features = new Features(settings.visionModel(), settings.toolModel());
            // Read Documents wraps both engines; the embedding model is fetched on the first long document only.
            Documents documents = new Documents(attachments, new DocumentReader(),
                    new EmbeddingModelFetcher(System.getenv(), System.err::println));
            return new Layers(llm, store, attachments,
                    new DocumentsEngine(llm, l -> new SimpleChatEngine(l, attachments, features,
                            settings.answerLimitBytes()), documents, null),
                    new DocumentsEngine(llm, l -> new ChatbotWithMemoryEngine(l, store, attachments, features,
                            settings.answerLimitBytes(), SAVE_EVERY, ChatbotWithMemoryEngine.WINDOW_MESSAGES),
                            documents, store),
                    documents, new Voice(speech, speech));
        }
    }

    /** ./jbang devs ask ...: the options first (--help needs no key), then the same layers as the page's. */
    static int ask(List<String> args) {
        AskOptions options;
        Settings settings;
        try {
            options = AskOptions.parse(args);
            if (options.help()) {
                System.out.print(AskOptions.USAGE);
                return 0;
            }
            settings = Settings.fromEnvironment(System.getenv());
            if (options.maxAnswerMb() != null) {
                settings = settings.withAnswerLimitMb(options.maxAnswerMb());
            }
        } catch (AskOptions.Mistake | Settings.SettingsException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Limits limits = options.timeout() == null ? Limits.DEFAULT : Limits.DEFAULT.withTimeout(options.timeout());
        Layers layers;
        try {
            layers = Layers.of(settings, limits);
        } catch (LlmFailure e) { // a proxy variable that is not an address
            System.err.println(e.getMessage());
            return 2;
        }
        // UTF-8 whatever the locale says, and stdout buffered: Ask flushes it once per batch from the network.
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Ask ask = new Ask(layers.memory(), layers.simple(), layers.store(), assistants(settings),
                new Pictures(layers.attachments()), layers.llm(), out, err, System.console() != null,
                layers.documents(), layers.voice());
        return stoppableByCtrlC(stop -> ask.run(options, System.in, stop));
    }

    /** Yours in $BNAGPT_HOME/assistants first, then the repository's examples in ./assistants. */
    private static AssistantShelf assistants(Settings settings) {
        return new AssistantShelf(List.of(settings.home().resolve("assistants"), Path.of("assistants")));
    }

    private interface Stoppable {
        int run(Stop stop);
    }

    /** Ctrl-C stops the answer rather than the program: what arrived is kept, and saved, before it ends. */
    private static int stoppableByCtrlC(Stoppable command) {
        Stop stop = new Stop();
        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            stop.stop("You stopped the answer (Ctrl-C).");
            try {
                finished.await(5, TimeUnit.SECONDS); // the last save
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bnagpt-ctrl-c");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            return command.run(stop);
        } finally {
            finished.countDown();
        }
    }
}
