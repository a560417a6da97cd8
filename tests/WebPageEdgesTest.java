package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.ConversationStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page's rough edges that issue 14 found (case 9), its secret in the browser (case 6)
 * and its sidebar of saved conversations (case 10), in headless Chromium against the devs
 * page's server and the local Groq server, used through PageUser as WebPageTest uses it.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebPageEdgesTest {
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @RegisterExtension
    static final PageRig page = PageRig.devsPage(groq);
    @TempDir
    Path scratch;

    @Test
    void a_spent_address_opens_the_page_in_a_browser_that_has_the_secret() throws Exception {
        String spent = page.server().address();
        page.browser().get(spent);
        page.user().waitForThePage();
        page.browser().get(spent);
        page.user().waitForThePage();
        assertEquals(page.server().origin() + "/", page.browser().getCurrentUrl());
        page.user().ask("Still here");
        assertTrue(PageUser.text(page.user().completeAnswer()).startsWith("You said \"Still here\"."));
    }

    @Test
    void a_page_opened_without_its_secret_says_where_to_find_the_address_and_nothing_else() throws Exception {
        String spent = page.server().address();
        page.browser().get(spent);
        page.user().waitForThePage();
        page.browser().executeScript("localStorage.clear()");
        page.browser().get(spent);

        WebElement sentence = Chromium.waitFor("the sentence", Duration.ofSeconds(10),
                () -> page.browser().findElement(By.id("locked")).isDisplayed() ? page.browser().findElement(By.id("locked")) : null);
        assertTrue(sentence.getText().contains("open the address that ./jbang web printed"), sentence.getText());
        assertFalse(page.browser().findElement(By.id("prompt")).isDisplayed(), "no input that could only fail");
        assertFalse(page.browser().findElement(By.id("sidebar")).isDisplayed());
        assertTrue(page.browser().findElements(By.cssSelector(".error")).isEmpty(), "no red bubbles");
    }

    @Test
    void the_secret_is_in_no_cookie_and_in_no_address_the_browser_keeps() throws Exception {
        String secret = page.server().secret();
        Path ownProfile = scratch.resolve("profile");
        ChromeDriver own = Chromium.start(ownProfile, 1000, 700);
        try {
            own.get(page.server().address());
            new PageUser(own).waitForThePage();
            assertEquals(page.server().origin() + "/", own.getCurrentUrl(), "the code has left the address bar");
            assertTrue(own.manage().getCookies().isEmpty(), own.manage().getCookies().toString());
            own.navigate().refresh();
            new PageUser(own).waitForThePage(); // the secret is kept for this origin (this port) alone
        } finally {
            own.quit(); // the browser writes its history and cookies as it quits
        }
        boolean historyKept = false;
        try (Stream<Path> files = Files.walk(ownProfile)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("(History|Cookies|Visited Links).*"))
                    .toList()) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains(secret), file + " holds the secret");
                historyKept |= bytes.contains(page.server().origin() + "/");
            }
        }
        assertTrue(historyKept, "the browser's history was written: the check above looked at it");
    }

    @Test
    void enter_while_an_answer_streams_keeps_the_line_break_and_sends_nothing() throws Exception {
        page.user().ask("A long one #mock:tokens=200 #mock:tps=40");
        WebElement prompt = page.browser().findElement(By.id("prompt"));
        prompt.sendKeys("- one");
        prompt.sendKeys(Keys.ENTER);
        prompt.sendKeys("- two");

        assertEquals("- one\n- two", prompt.getDomProperty("value"));
        assertEquals(1, page.browser().findElements(By.cssSelector(".message.user")).size());
        page.browser().findElement(By.id("stop")).click();
        page.user().completeAnswer();
        assertEquals("- one\n- two", prompt.getDomProperty("value"), "still there once the answer has ended");
    }

    @Test
    void on_a_phone_the_sidebar_closes_with_escape_a_tap_outside_or_a_choice() throws Exception {
        page.browser().manage().window().setSize(new Dimension(400, 800));
        try {
            WebElement sidebar = page.browser().findElement(By.id("sidebar"));
            WebElement menu = page.browser().findElement(By.id("menu"));
            assertFalse(sidebar.isDisplayed());

            menu.click();
            Chromium.waitFor("the sidebar to open", Duration.ofSeconds(5), sidebar::isDisplayed);
            page.browser().findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
            Chromium.waitFor("Escape to close it", Duration.ofSeconds(5), () -> !sidebar.isDisplayed());

            menu.click();
            Chromium.waitFor("the sidebar to open", Duration.ofSeconds(5), sidebar::isDisplayed);
            page.browser().executeScript("document.getElementById('messages').click()"); // a tap beside the sidebar
            Chromium.waitFor("a tap outside to close it", Duration.ofSeconds(5), () -> !sidebar.isDisplayed());

            menu.click();
            Chromium.waitFor("the sidebar to open", Duration.ofSeconds(5), sidebar::isDisplayed);
            page.browser().findElement(By.id("new-chat")).click();
            Chromium.waitFor("a choice to close it", Duration.ofSeconds(5), () -> !sidebar.isDisplayed());
        } finally {
            page.browser().manage().window().setSize(new Dimension(1200, 800));
        }
    }

    @Test
    void an_errors_last_line_is_in_view() throws Exception {
        page.user().ask("Fill the page #mock:tokens=400");
        page.user().completeAnswer();
        page.browser().executeScript("""
                const select = document.getElementById('model');
                select.append(new Option('llama3-70b-8192', 'llama3-70b-8192'));
                select.value = 'llama3-70b-8192';""");
        page.user().ask("And now a failure");
        Chromium.waitFor("the error", Duration.ofSeconds(10),
                () -> !page.browser().findElements(By.cssSelector(".message.assistant .error")).isEmpty());

        double below = ((Number) page.browser().executeScript("""
                const error = [...document.querySelectorAll('.error')].pop().getBoundingClientRect();
                const list = document.getElementById('messages').getBoundingClientRect();
                return error.bottom - list.bottom;""")).doubleValue();
        // Layout works in fractions of a pixel: under one pixel is in view.
        assertTrue(below < 1, "the error's last line is " + below + " px below the fold");
    }

    @Test
    void no_blank_strip_tops_the_streaming_bubble_and_send_keeps_its_size() throws Exception {
        WebElement send = page.browser().findElement(By.id("send"));
        int sendHeight = send.getRect().getHeight();
        WebElement prompt = page.browser().findElement(By.id("prompt"));
        for (String line : List.of("one", "two", "three", "four")) {
            prompt.sendKeys(line, Keys.chord(Keys.SHIFT, Keys.ENTER));
        }
        assertTrue(prompt.getRect().getHeight() > sendHeight * 2, "the input grew");
        assertEquals(sendHeight, send.getRect().getHeight(), "Send did not stretch with it");
        prompt.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);

        page.user().ask("Slowly #mock:tokens=100 #mock:tps=20");
        Chromium.waitFor("a few words", Duration.ofSeconds(10),
                () -> page.user().lastAnswer().findElement(By.className("tail")).getText().length() > 5
                        || PageUser.text(page.user().lastAnswer()).length() > 5);
        double gap = ((Number) page.browser().executeScript("""
                const bubble = [...document.querySelectorAll('.message.assistant .bubble')].pop();
                const first = [...bubble.children].find((child) => child.getBoundingClientRect().height > 0);
                return first.getBoundingClientRect().top - bubble.getBoundingClientRect().top;""")).doubleValue();
        assertTrue(gap <= 12, "the bubble's first line starts " + gap + " px below its top");
        page.browser().findElement(By.id("stop")).click();
        page.user().completeAnswer();
    }

    @Test
    void the_favicon_is_the_logo_and_dark_mode_is_a_switch_that_stays() throws Exception {
        Object icon = page.browser().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const link = document.querySelector('link[rel="icon"]');
                fetch(link.href).then((r) => done(r.status + ' ' + r.headers.get('content-type')));""");
        assertEquals("200 image/svg+xml", icon);

        String light = background();
        page.browser().findElement(By.id("theme")).click();
        assertEquals("dark", page.browser().executeScript("return document.documentElement.dataset.theme"));
        String dark = background();
        assertFalse(light.equals(dark), light);
        page.browser().navigate().refresh();
        page.user().waitForThePage();
        assertEquals(dark, background(), "the choice is kept");
        page.browser().findElement(By.id("theme")).click();
        assertEquals(light, background());
    }

    @Test
    void the_sidebar_groups_by_date_searches_renames_and_deletes() throws Exception {
        page.user().ask("Alpha conversation");
        page.user().completeAnswer();
        String alpha = page.user().currentConversation();
        page.browser().findElement(By.id("new-chat")).click();
        page.user().ask("Beta conversation");
        page.user().completeAnswer();
        String beta = page.user().currentConversation();
        Path old = new ConversationStore(page.home()).folder().resolve(alpha + ".json");
        Instant fortyDaysAgo = Instant.now().minus(Duration.ofDays(40));
        Files.setLastModifiedTime(old, FileTime.from(fortyDaysAgo));
        page.browser().navigate().refresh();
        page.user().waitForThePage();

        String month = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH).format(fortyDaysAgo.atZone(ZoneId.systemDefault()));
        Chromium.waitFor("the groups", Duration.ofSeconds(10), () -> groups().contains(month));
        assertEquals("Today", groups().get(0));

        page.browser().findElement(By.id("search")).sendKeys("ALPHA");
        Chromium.waitFor("only Alpha", Duration.ofSeconds(5), () -> titles().equals(List.of("Alpha conversation")));
        page.browser().findElement(By.id("search")).clear();
        page.browser().findElement(By.id("search")).sendKeys(" ");

        item(alpha).findElement(By.className("rename")).click();
        page.browser().switchTo().alert().sendKeys("Renamed alpha");
        page.browser().switchTo().alert().accept();
        Chromium.waitFor("the new title", Duration.ofSeconds(5), () -> titles().contains("Renamed alpha"));
        assertEquals("Renamed alpha", new ConversationStore(page.home()).load(alpha).title());

        item(beta).findElement(By.className("delete")).click();
        page.browser().switchTo().alert().accept();
        Chromium.waitFor("Beta to be gone", Duration.ofSeconds(5), () -> !titles().contains("Beta conversation"));
        assertFalse(Files.exists(new ConversationStore(page.home()).folder().resolve(beta + ".json")));
        assertTrue(page.browser().findElements(By.cssSelector(".message")).isEmpty(), "the deleted one is no longer shown");
        assertEquals("", page.browser().executeScript("return location.hash"));
    }

    private static String background() {
        return (String) page.browser().executeScript("return getComputedStyle(document.body).backgroundColor");
    }

    /** Read in one go: the list is drawn again whenever it changes. */
    @SuppressWarnings("unchecked")
    private static List<String> groups() {
        return (List<String>) page.browser().executeScript(
                "return [...document.querySelectorAll('#conversations h3')].map((h) => h.textContent)");
    }

    @SuppressWarnings("unchecked")
    private static List<String> titles() {
        return (List<String>) page.browser().executeScript(
                "return [...document.querySelectorAll('#conversations button.open')].map((b) => b.textContent)");
    }

    private static WebElement item(String id) {
        return page.browser().findElement(By.cssSelector("#conversations li[data-id='" + id + "']"));
    }
}
