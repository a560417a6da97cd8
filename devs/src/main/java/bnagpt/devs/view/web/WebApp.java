package bnagpt.devs.view.web;

import bnagpt.devs.Settings;
import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.controller.Documents;
import bnagpt.devs.controller.ModelCatalog;
import bnagpt.devs.controller.Voice;
import bnagpt.devs.model.AssistantShelf;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.ConversationStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The web view's command: starts the page's server, prints the address that opens it,
 * opens the browser through a private file, and serves until Ctrl-C. The article's two
 * pages share it: "Simple Chatbot" (SimpleChatEngine) and "Chatbot With Memory"
 * (ChatbotWithMemoryEngine).
 */
public final class WebApp {
    private WebApp() {}

    /** Returns the exit status once the server has stopped (Ctrl-C), or at once for --help or a mistake. */
    public static int run(String[] args, Settings settings, ModelCatalog models, ConversationStore store,
            AssistantShelf assistants, ChatEngine simple, ChatEngine memory) {
        return run(args, settings, models, store, assistants, simple, memory, null, null);
    }

    /** The same, with DOCUMENTS for the upload route (Read Documents), and VOICE for the microphone and Read aloud. */
    public static int run(String[] args, Settings settings, ModelCatalog models, ConversationStore store,
            AssistantShelf assistants, ChatEngine simple, ChatEngine memory, Documents documents, Voice voice) {
        WebOptions options;
        WebServer server;
        try {
            options = WebOptions.parse(args);
            if (options.help()) {
                System.out.print(WebOptions.HELP);
                return 0;
            }
            server = WebServer.start(models, store, new AttachmentStore(settings.home()), assistants,
                    Map.of("simple", simple, "memory", memory), options.host(), options.port(), null, System.err,
                    documents, voice);
        } catch (WebOptions.OptionsException | WebServer.CannotStart e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (!server.loopbackOnly()) {
            System.err.println("Serving on " + options.host() + ": anyone who can reach this address and opens a "
                    + "printed address can spend your key. Leave out --host to serve this machine only.");
        }
        Path launchFile = launchFile(settings.home(), server);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // Ctrl-C
            server.close();
            if (launchFile != null) {
                LaunchFile.delete(launchFile);
            }
            System.err.println("bnaGPT's page has stopped. Every conversation is saved.");
            stopped.countDown();
        }));
        System.out.println(server.address());
        System.out.flush();
        System.err.println("bnaGPT is served at " + server.origin() + "/. Open the address above (it works once; "
                + "each use prints a new one)" + (launchFile == null ? "" : ", or the file " + launchFile.toUri()
                + " (yours alone)") + ". Ctrl-C stops it.");
        if (options.openBrowser() && launchFile != null) {
            Browser.open(launchFile, System.getenv(), System.err);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The private file that opens the page, in $BNAGPT_HOME/web; null (and said) when it cannot be written. */
    private static Path launchFile(Path home, WebServer server) {
        try {
            return LaunchFile.write(home.resolve("web"), server.origin(), server.port(), server.secret());
        } catch (IOException e) {
            System.err.println("Could not write the file that opens the page in " + home.resolve("web") + " ("
                    + e.getMessage() + "): open the printed address instead.");
            return null;
        }
    }
}
