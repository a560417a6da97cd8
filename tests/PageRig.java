package bnagpt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.devs.view.web.WebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What every browser test of the page needs, started once for its class: a page server with
 * a home folder of its own, one headless Chromium with a profile of its own, and someone to
 * use it. Each test begins on a new chat, opened through a fresh printed address. Without
 * Chromium the class is skipped, saying what to install. A test class declares it as
 * <pre>
 * &#64;RegisterExtension
 * static final PageRig page = PageRig.devsPage(groq);
 * </pre>
 * and then reads {@code page.user()}, {@code page.browser()}, {@code page.server()}.
 */
final class PageRig implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private final Function<Path, WebServer> startServer;
    private Path home;
    private Path profile;
    private WebServer server;
    private ChromeDriver browser;
    private PageUser user;

    private PageRig(Function<Path, WebServer> startServer) {
        this.startServer = startServer;
    }

    /** The devs page as App serves it (DevsPage), talking to GROQ. */
    static PageRig devsPage(LocalGroq groq) {
        return serving(home -> DevsPage.start(groq.baseUrl(), home));
    }

    /** A page server of the test's own making: START gets the home folder it is to keep conversations in. */
    static PageRig serving(Function<Path, WebServer> start) {
        return new PageRig(start);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeTrue(Chromium.installed(), "Chromium or chromedriver is not installed: the page's browser tests need "
                + "them (apt-get install chromium chromium-driver)");
        home = Files.createTempDirectory("bnagpt-page-home");
        profile = Files.createTempDirectory("bnagpt-page-profile");
        server = startServer.apply(home);
        browser = Chromium.start(profile, 1200, 800);
        user = new PageUser(browser);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        user.open(server);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (browser != null) {
                browser.quit(); // before its profile is removed: Chromium writes into it as it quits
            }
        } finally {
            if (server != null) {
                server.close();
            }
            delete(profile);
            delete(home);
        }
    }

    WebServer server() {
        return server;
    }

    ChromeDriver browser() {
        return browser;
    }

    PageUser user() {
        return user;
    }

    /** The folder the server keeps its conversations in ($BNAGPT_HOME). */
    Path home() {
        return home;
    }

    private static void delete(Path folder) throws IOException {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
