package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * What comes from outside, in a real browser: search results whose titles are HTML and whose
 * links are javascript: and data: addresses, many sources, a program that prints megabytes,
 * a web page uploaded as a picture, one image too many. Shown as text, bounded, refused in a
 * sentence; nothing of it runs.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebFeaturesHostileTest {
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @RegisterExtension
    static final PageRig page = PageRig.devsPage(groq);
    @TempDir
    Path scratch;

    @Test
    void sources_with_html_titles_and_script_links_are_shown_as_text_and_never_run() throws Exception {
        page.browser().executeScript("window.alert = (text) => { window.alerted = String(text); };");
        page.user().switchOn("tool-search");
        page.user().ask("Anything #mock:hostile-sources");
        WebElement answer = page.user().completeAnswer();
        WebElement sources = answer.findElement(By.className("sources"));

        String shown = sources.getText();
        assertTrue(shown.contains("<script>alert('title')</script>Hostile title (javascript:alert(1))"), shown);
        assertTrue(shown.contains("<img src=x onerror=alert(1)> (data:text/html,<script>alert(1)</script>)"), shown);
        assertTrue(sources.findElements(By.cssSelector("script, img, iframe, object")).isEmpty(), "no element injected");
        List<WebElement> links = sources.findElements(By.tagName("a"));
        assertEquals(1, links.size(), "only the https source is a link");
        assertEquals("https://example.com/good", links.get(0).getAttribute("href"));
        assertEquals(0L, page.browser().executeScript("return document.querySelectorAll("
                + "'a[href^=\"javascript:\"], a[href^=\"data:\"], [onerror]').length"));
        for (WebElement item : sources.findElements(By.tagName("li"))) {
            if (item.findElements(By.tagName("a")).isEmpty()) {
                item.click(); // a link made of a javascript: address would run here
            }
        }
        Thread.sleep(300);
        assertNull(page.browser().executeScript("return window.alerted"));
        assertNoAlert();
    }

    @Test
    void fifty_sources_are_all_listed_in_a_box_that_scrolls() throws Exception {
        page.user().switchOn("tool-search");
        page.user().ask("Many #mock:sources=50");
        WebElement answer = page.user().completeAnswer();

        List<WebElement> items = answer.findElements(By.cssSelector(".sources ol li a"));
        assertEquals(50, items.size());
        assertEquals("https://example.com/search/50", items.get(49).getAttribute("href"));
        int height = answer.findElement(By.cssSelector(".sources ol")).getRect().getHeight();
        assertTrue(height <= 400, "the list is bounded: " + height + " px");
    }

    @Test
    void five_mib_of_output_is_cut_for_the_page_and_its_block_bounded_and_scrolled() throws Exception {
        page.user().switchOn("tool-code");
        page.user().ask("Print a lot #mock:code-output-mb=5");
        WebElement answer = Chromium.waitFor("the answer to be complete", Duration.ofSeconds(60), () -> {
            WebElement last = page.user().lastAnswer();
            return last != null && "true".equals(last.getAttribute("data-complete")) ? last : null;
        });
        WebElement block = answer.findElement(By.cssSelector("details.code-run"));
        block.findElement(By.tagName("summary")).click();
        WebElement output = block.findElement(By.className("code-out"));

        long length = (Long) page.browser().executeScript("return arguments[0].textContent.length", output);
        assertTrue(length > 60_000 && length <= 110_000, "what the page holds of 5 MiB: " + length);
        assertTrue(output.getText().startsWith("42\n42\n"), "the output, as text");
        assertTrue(output.getRect().getHeight() <= 400, "bounded: " + output.getRect().getHeight() + " px");
        assertTrue((Boolean) page.browser().executeScript("return arguments[0].scrollHeight > arguments[0].clientHeight", output),
                "the rest is a scroll away");
    }

    @Test
    void a_web_page_named_like_a_picture_is_refused_with_a_sentence_by_the_input() throws Exception {
        page.browser().executeScript("window.alert = (text) => { window.alerted = String(text); };");
        Path fake = Files.writeString(scratch.resolve("kitten.png"), WebPictures.NOT_A_PICTURE);
        page.user().attach(fake);

        WebElement note = Chromium.waitFor("the sentence", Duration.ofSeconds(10), () -> {
            WebElement shown = page.browser().findElement(By.id("composer-note"));
            return shown.isDisplayed() ? shown : null;
        });
        assertEquals("\"kitten.png\" is not an image: attach a JPEG, PNG, GIF or WebP picture.", note.getText());
        assertTrue(page.browser().findElements(By.cssSelector("#attached .thumb")).isEmpty(), "its thumbnail is gone");
        assertNull(page.browser().executeScript("return window.alerted"));
    }

    @Test
    void a_fourth_image_is_refused_in_one_sentence_and_three_go() throws Exception {
        Path[] files = new Path[4];
        for (int i = 0; i < 4; i++) {
            files[i] = Files.write(scratch.resolve("picture" + i + ".png"), WebPictures.plain(40 + i, 30, "png"));
        }
        page.user().attach(files);
        page.user().waitForThumbnails(3);

        assertEquals("At most 3 images go with one message: remove one to attach another.",
                page.browser().findElement(By.id("composer-note")).getText());
        page.browser().findElements(By.cssSelector("#attached .remove")).get(0).click();
        page.user().waitForThumbnails(2);
        assertFalse(page.browser().findElement(By.id("composer-note")).isDisplayed(), "removing one clears the sentence");
    }

    @Test
    void an_image_with_a_tool_switched_on_is_refused_and_both_come_back_to_send_again() throws Exception {
        page.user().attach(Files.write(scratch.resolve("chart.png"), WebPictures.plain(50, 40, "png")));
        page.user().waitForThumbnails(1);
        page.user().switchOn("tool-search");
        page.user().ask("Search for this picture");

        WebElement error = Chromium.waitFor("the sentence", Duration.ofSeconds(10),
                () -> page.browser().findElements(By.cssSelector(".message.assistant .error")).stream().findFirst().orElse(null));
        assertTrue(error.getText().startsWith("No model reads images and search"), error.getText());
        assertEquals("Search for this picture", page.browser().findElement(By.id("prompt")).getDomProperty("value"));
        page.user().waitForThumbnails(1);
    }

    @Test
    void a_model_you_chose_is_kept_and_its_refusal_of_images_is_said_in_a_sentence() throws Exception {
        Chromium.waitFor("the server's models in the picker", Duration.ofSeconds(10),
                () -> !page.browser().findElements(By.cssSelector("#model option[value='openai/gpt-oss-20b']")).isEmpty());
        page.browser().executeScript("""
                const picker = document.getElementById('model');
                picker.value = 'openai/gpt-oss-20b';
                picker.dispatchEvent(new Event('change'));""");
        page.user().attach(Files.write(scratch.resolve("map.png"), WebPictures.plain(60, 40, "png")));
        page.user().waitForThumbnails(1);
        page.user().ask("What does this map show?");

        WebElement error = Chromium.waitFor("the sentence", Duration.ofSeconds(10),
                () -> page.browser().findElements(By.cssSelector(".message.assistant .error")).stream().findFirst().orElse(null));
        assertTrue(error.getText().startsWith("The model openai/gpt-oss-20b cannot see images"), error.getText());
        assertEquals("openai/gpt-oss-20b", page.browser().findElement(By.id("model")).getDomProperty("value"),
                "not switched: you chose it");
        page.user().waitForThumbnails(1); // back above the input, to send to another model
    }

    private static void assertNoAlert() {
        try {
            page.browser().switchTo().alert();
            throw new AssertionError("an alert opened");
        } catch (NoAlertPresentException e) {
            // as it should be
        }
    }
}
