package bnagpt;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver through Selenium. Both are
 * named explicitly, so Selenium never looks for (or downloads) a browser or driver itself.
 * Install them with: apt-get install chromium chromium-driver (.ci/run does).
 */
final class Chromium {
    private Chromium() {}

    static final Path BROWSER = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
    static final Path DRIVER = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    static boolean installed() {
        return BROWSER != null && DRIVER != null;
    }

    /** A fresh headless browser with a profile of its own; quit() ends it and its driver. */
    static ChromeDriver start(Path profile, int width, int height) throws IOException {
        // Selenium warns that it has no DevTools support for this Chromium: these tests need none.
        Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=" + width + "," + height,
                // A fake microphone (a beep) that needs no permission prompt, and speech that plays without a click first.
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required",
                "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .withSilent(true)
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** Polls until the condition holds (returns non-null / true), or fails saying what it waited for. */
    static <T> T waitFor(String what, Duration patience, Supplier<T> condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            T value;
            try {
                value = condition.get();
            } catch (StaleElementReferenceException e) {
                value = null; // the page drew that part again meanwhile (a reload, a list refreshed): look again
            }
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + patience.toSeconds() + " s in vain for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static Path firstExisting(String... paths) {
        for (String path : paths) {
            if (Files.isExecutable(Path.of(path))) {
                return Path.of(path);
            }
        }
        return null;
    }
}
