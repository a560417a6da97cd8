package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.devs.view.web.WebServer;
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
import org.openqa.selenium.WebElement;

/**
 * Search the web, run code and read images in a real browser, against LocalGroq, which plays
 * Groq's built-in tools and its vision model (see scripts/LocalGroqTools.java): the switches
 * and the paperclip as a person uses them, what the answer shows, and what a reload shows again.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebFeaturesPageTest {
    static final String VISION_MODEL = "qwen/qwen3.8-27b";

    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @RegisterExtension
    static final PageRig page = PageRig.devsPage(groq);
    @TempDir
    Path scratch;

    @Test
    void a_search_answer_lists_its_sources_as_links_and_a_reload_shows_them_again() throws Exception {
        page.user().switchOn("tool-search");
        page.user().ask("Who invented the telephone?");
        WebElement answer = page.user().completeAnswer();

        assertTrue(PageUser.text(answer).startsWith("I searched the web for \"Who invented the telephone?\"."),
                PageUser.text(answer));
        assertEquals("Searched the web for \u201cWho invented the telephone?\u201d",
                answer.findElement(By.className("search-run")).getText());
        assertSources(answer);

        page.browser().navigate().refresh();
        WebElement reopened = Chromium.waitFor("the conversation after the reload", Duration.ofSeconds(10),
                () -> page.browser().findElements(By.cssSelector(".message.assistant .sources a")).isEmpty() ? null
                        : page.user().lastAnswer());
        assertSources(reopened);
    }

    @Test
    void while_a_search_runs_the_answer_says_what_is_being_searched() throws Exception {
        page.user().switchOn("tool-search");
        page.user().ask("Slowly #mock:tps=3");

        WebElement running = Chromium.waitFor("the search under way", Duration.ofSeconds(20),
                () -> page.user().lastAnswer().findElements(By.cssSelector(".search-run.searching")).stream().findFirst()
                        .orElse(null));
        assertEquals("Searching the web for \u201cSlowly\u201d...", running.getText());
        assertTrue(page.user().lastAnswer().findElements(By.cssSelector(".sources a")).isEmpty(), "no sources yet");
        Chromium.waitFor("the search's end", Duration.ofSeconds(20),
                () -> page.user().lastAnswer().findElements(By.cssSelector(".search-run.searching")).isEmpty());
        assertEquals(3, page.user().completeAnswer().findElements(By.cssSelector(".sources a")).size());
    }

    private static void assertSources(WebElement answer) {
        List<WebElement> links = answer.findElements(By.cssSelector(".sources ol li a"));
        assertEquals(3, links.size());
        for (int n = 1; n <= 3; n++) {
            WebElement link = links.get(n - 1);
            assertEquals("Result " + n + " for Who invented the telephone?", link.getText());
            assertEquals("https://example.com/search/" + n, link.getAttribute("href"));
            assertEquals("_blank", link.getAttribute("target"));
            assertEquals("noopener noreferrer", link.getAttribute("rel"));
        }
    }

    @Test
    void a_run_of_code_is_a_folded_block_with_the_code_and_its_output() throws Exception {
        page.user().switchOn("tool-code");
        page.user().ask("What is six times seven?");
        WebElement answer = page.user().completeAnswer();

        assertTrue(PageUser.text(answer).contains("the result is 42"), PageUser.text(answer));
        WebElement block = answer.findElement(By.cssSelector("details.code-run"));
        assertEquals("Ran code", block.findElement(By.tagName("summary")).getText());
        assertFalse(block.findElement(By.className("code-out")).isDisplayed(), "folded until opened");
        block.findElement(By.tagName("summary")).click();
        assertEquals("print(6 * 7)", block.findElement(By.className("code-in")).getText());
        assertEquals("42", block.findElement(By.className("code-out")).getText());
    }

    @Test
    void an_image_attached_with_the_paperclip_is_described_and_a_reload_keeps_its_thumbnail() throws Exception {
        Path photo = Files.write(scratch.resolve("photo.png"), WebPictures.plain(640, 480, "png"));
        page.user().attach(photo);
        page.user().waitForThumbnails(1);
        page.user().ask("What is in this picture?");
        WebElement answer = page.user().completeAnswer();

        assertTrue(PageUser.text(answer).contains("Image 1 is a PNG picture of 640 x 480 pixels."), PageUser.text(answer));
        assertEquals(VISION_MODEL, page.browser().findElement(By.id("model")).getDomProperty("value"),
                "the picker shows the model the page switched to");
        assertTrue(answer.getText().contains("Switched to " + VISION_MODEL), answer.getText());
        assertTrue(page.browser().findElements(By.cssSelector("#attached .thumb")).isEmpty(), "the image went with the message");
        assertShowsPicture(640, 480);

        page.browser().navigate().refresh();
        page.user().waitForThePage();
        assertShowsPicture(640, 480);
    }

    @Test
    void a_pasted_image_is_attached_and_described() throws Exception {
        page.browser().findElement(By.id("prompt")).click();
        page.browser().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const canvas = document.createElement('canvas');
                canvas.width = 320;
                canvas.height = 200;
                canvas.getContext('2d').fillRect(10, 10, 100, 50);
                canvas.toBlob((blob) => {
                  const data = new DataTransfer();
                  data.items.add(new File([blob], 'screenshot.png', {type: 'image/png'}));
                  document.getElementById('prompt').dispatchEvent(
                      new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
                  done();
                }, 'image/png');""");
        page.user().waitForThumbnails(1);
        page.user().ask("And this one?");

        assertTrue(PageUser.text(page.user().completeAnswer()).contains("Image 1 is a PNG picture of 320 x 200 pixels."));
        assertShowsPicture(320, 200);
    }

    @Test
    void an_image_dropped_on_the_page_is_attached() throws Exception {
        page.browser().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const canvas = document.createElement('canvas');
                canvas.width = 200;
                canvas.height = 100;
                canvas.toBlob((blob) => {
                  const data = new DataTransfer();
                  data.items.add(new File([blob], 'dropped.png', {type: 'image/png'}));
                  const messages = document.getElementById('messages');
                  for (const type of ['dragover', 'drop']) {
                    messages.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
                  }
                  done();
                }, 'image/png');""");
        page.user().waitForThumbnails(1);

        assertEquals("dropped.png", page.browser().findElement(By.cssSelector("#attached .thumb img")).getAttribute("alt"));
    }

    @Test
    void a_large_photo_is_made_smaller_in_the_browser_before_it_is_sent() throws Exception {
        Path large = Files.write(scratch.resolve("large.png"), WebPictures.plain(3000, 1500, "png"));
        page.browser().executeScript("""
                window.uploaded = [];
                const send = window.fetch;
                window.fetch = async (path, options) => {
                  if (String(path).startsWith('/api/attachments?')) {
                    const sent = await createImageBitmap(options.body);
                    window.uploaded.push([options.body.type, sent.width, sent.height]);
                  }
                  return send(path, options);
                };""");
        page.user().attach(large);
        page.user().waitForThumbnails(1);
        page.user().ask("How large is it?");

        assertTrue(PageUser.text(page.user().completeAnswer()).contains("Image 1 is a JPEG picture of 1568 x 784 pixels."),
                PageUser.text(page.user().lastAnswer()));
        assertEquals(List.of(List.of("image/jpeg", 1568L, 784L)), page.browser().executeScript("return window.uploaded"),
                "the browser sent the smaller picture, not the 3000 x 1500 one");
    }

    /**
     * Not a test: the README's pictures of each feature. With BNAGPT_SCREENSHOT=docs/page.png
     * (as for WebPageTest's picture) it saves search.png, code.png and image.png beside it, in
     * the light theme; without it, it is skipped. A server of its own for each, so the sidebar
     * holds only that picture's conversation.
     */
    @Test
    void screenshots_of_search_code_and_images() throws Exception {
        String file = System.getenv("BNAGPT_SCREENSHOT");
        assumeTrue(file != null, "set BNAGPT_SCREENSHOT=docs/page.png to save the README's pictures");
        Path folder = Repo.root().resolve(file).getParent();
        page.browser().executeScript("localStorage.setItem('bnagpt-theme', 'light')");

        try (WebServer own = DevsPage.start(groq.baseUrl(), scratch.resolve("search"))) {
            page.user().open(own);
            page.user().switchOn("tool-search");
            page.user().ask("Who invented the telephone?");
            page.user().completeAnswer();
            screenshot(folder.resolve("search.png"));
        }
        try (WebServer own = DevsPage.start(groq.baseUrl(), scratch.resolve("code"))) {
            page.user().open(own);
            page.user().switchOn("tool-code");
            page.user().ask("What is six times seven? Compute it.");
            page.user().completeAnswer().findElement(By.cssSelector("details.code-run summary")).click();
            screenshot(folder.resolve("code.png"));
        }
        try (WebServer own = DevsPage.start(groq.baseUrl(), scratch.resolve("image"))) {
            page.user().open(own);
            page.user().attach(Files.write(scratch.resolve("landscape.png"), WebPictures.landscape(640, 480)));
            page.user().waitForThumbnails(1);
            page.user().ask("What is in this picture?");
            page.user().completeAnswer();
            assertShowsPicture(640, 480);
            screenshot(folder.resolve("image.png"));
        }
    }

    private static void screenshot(Path file) throws Exception {
        page.browser().executeScript("document.activeElement.blur()"); // no caret, no focus ring in the picture
        Files.write(file, page.browser().getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    /** The last question's bubble shows the picture, loaded, at its real size. */
    private static void assertShowsPicture(int width, int height) throws InterruptedException {
        List<?> size = Chromium.waitFor("the picture in the question's bubble", Duration.ofSeconds(10), () -> {
            Object seen = page.browser().executeScript("""
                    const img = [...document.querySelectorAll('.message.user .images img')].pop();
                    return img && img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:')
                        ? [img.naturalWidth, img.naturalHeight] : null;""");
            return (List<?>) seen;
        });
        assertEquals(List.of((long) width, (long) height), size);
    }
}
