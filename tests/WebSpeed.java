package bnagpt;

import bnagpt.devs.view.web.WebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * How long a long answer takes to be complete in the page: a measurement run by hand, not a
 * test. The local Groq server streams a 20,000-token answer as fast as it can; the page's
 * server (in this JVM) passes it on; headless Chromium shows it. For each run it prints the
 * time from the moment the page's server had the last token to the moment the page holds
 * the whole answer, rendered; and the time from Enter to that moment, an upper bound of the
 * first that needs no clock but the browser's own wait. The page must render in time that
 * grows with the answer, not with its square.
 *
 *   ./jbang run --main bnagpt.WebSpeed tests/run.java [TOKENS] [RUNS]
 */
public final class WebSpeed {
    private WebSpeed() {}

    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        if (!Chromium.installed()) {
            System.err.println("Chromium and chromedriver are needed: apt-get install chromium chromium-driver");
            System.exit(1);
        }
        Path scratch = Files.createTempDirectory("web-speed");
        try (LocalGroq groq = Clients.startedLocalGroq(null)) {
            WebServer server = DevsPage.start(groq.baseUrl(), scratch.resolve("home"));
            ChromeDriver browser = Chromium.start(scratch.resolve("profile"), 1200, 800);
            try {
                List<Double> afterLastToken = new ArrayList<>();
                List<Double> fromEnter = new ArrayList<>();
                for (int run = 0; run <= runs; run++) { // run 0 warms up the JVM and the browser
                    new PageUser(browser).open(server);
                    WebElement prompt = browser.findElement(By.id("prompt"));
                    prompt.sendKeys("A long answer #mock:tokens=" + tokens);
                    long enter = System.nanoTime();
                    prompt.sendKeys(Keys.ENTER);
                    // Resolves in the browser the moment the answer's bubble is complete.
                    String text = (String) browser.executeAsyncScript("""
                            const done = arguments[arguments.length - 1];
                            const check = () => {
                              const bubble = document.querySelector('.message.assistant .bubble[data-complete]');
                              if (bubble) done(bubble.querySelector('.body').textContent); else setTimeout(check, 5);
                            };
                            check();""");
                    long complete = System.nanoTime();
                    if (!text.startsWith("The quick brown fox") || text.length() < tokens * 4) {
                        throw new AssertionError("The page does not hold the whole answer: " + text.length() + " chars");
                    }
                    if (run > 0) {
                        afterLastToken.add((complete - server.lastAnswerEnded()) / 1e9);
                        fromEnter.add((complete - enter) / 1e9);
                    }
                }
                System.out.printf("%,d-token answer at full speed, %d runs: complete in the page %.2f s (median; "
                                + "max %.2f s) after the page's server had its last token; %.2f s (median) from Enter.%n",
                        tokens, runs, median(afterLastToken), Collections.max(afterLastToken), median(fromEnter));
            } finally {
                browser.quit();
                server.close();
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
