package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.devs.controller.ChatbotWithMemoryEngine;
import bnagpt.devs.controller.Documents;
import bnagpt.devs.controller.DocumentsEngine;
import bnagpt.devs.controller.Features;
import bnagpt.devs.controller.ModelCatalog;
import bnagpt.devs.controller.SimpleChatEngine;
import bnagpt.devs.llm.EmbeddingModelFetcher;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.DocumentReader;
import bnagpt.devs.view.web.WebServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;

/**
 * Read Documents in a real browser, against LocalGroq (which echoes what it was sent): a PDF
 * attached with the paperclip shows as a chip, the answer cites its page, "Sources:" lists the
 * pages and a click shows the passage, a reload keeps them; each bad file is one sentence.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsDocumentsPageTest {
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @RegisterExtension
    static final PageRig page = PageRig.serving(DevsDocumentsPageTest::start);
    @TempDir
    Path scratch;

    /** The page as App serves it: both engines wrapped by Read Documents, the upload route reading documents. */
    static WebServer start(Path home) {
        Llm llm = new OpenAiCompatibleLlm(groq.baseUrl(), Clients.KEY, Clients.MODEL);
        ConversationStore store = new ConversationStore(home);
        AttachmentStore attachments = new AttachmentStore(home);
        Documents documents = new Documents(attachments, new DocumentReader(),
                new EmbeddingModelFetcher(Map.of(), sentence -> { }));
        long limit = DevsPage.ANSWER_LIMIT;
        return WebServer.start(new ModelCatalog(llm), store, attachments, DevsPage.assistants(home), Map.of(
                "simple", new DocumentsEngine(llm, l -> new SimpleChatEngine(l, attachments, Features.defaults(), limit),
                        documents, null),
                "memory", new DocumentsEngine(llm, l -> new ChatbotWithMemoryEngine(l, store, attachments,
                        Features.defaults(), limit, Duration.ofSeconds(3), ChatbotWithMemoryEngine.WINDOW_MESSAGES),
                        documents, store)),
                "127.0.0.1", 0, DevsPage.files(), new PrintStream(OutputStream.nullOutputStream()), documents);
    }

    @Test
    void a_pdf_attached_with_the_paperclip_is_cited_by_page_and_a_click_shows_the_passage() throws Exception {
        page.user().attach(Files.write(scratch.resolve("report.pdf"), SamplePdf.report(30)));
        waitForChip("report.pdf");
        page.user().ask("How many tonnes did the cherry harvest of the south plateau reach?");
        WebElement answer = page.user().completeAnswer();

        assertTrue(PageUser.text(answer).contains("(report.pdf, p. 2)"), "the model was told how to cite");
        assertTrue(PageUser.text(answer).contains("--- report.pdf, p. 2 ---"), PageUser.text(answer));
        assertEquals("report.pdf", page.browser().findElement(By.cssSelector(".message.user .document-chip")).getText());
        assertSourcesAndPassage();

        page.browser().navigate().refresh();
        page.user().waitForThePage();
        Chromium.waitFor("the reopened answer's sources", Duration.ofSeconds(10),
                () -> !page.browser().findElements(By.cssSelector(".message.assistant .passages .source")).isEmpty());
        assertSourcesAndPassage();
        assertEquals("report.pdf", page.browser().findElement(By.cssSelector(".message.user .document-chip")).getText());
    }

    @Test
    void a_document_slow_to_go_up_and_be_read_says_why_beside_its_chip_until_it_is_ready() throws Exception {
        byte[] pdf = SamplePdf.report(30);
        // The upload held to a tenth of the file a second: about ten seconds, as a long PDF being indexed takes.
        page.browser().setNetworkConditions(new ChromiumNetworkConditions().setUploadThroughput(pdf.length / 10));
        try {
            page.user().attach(Files.write(scratch.resolve("slow.pdf"), pdf));
            WebElement reading = Chromium.waitFor("the chip's note", Duration.ofSeconds(5),
                    () -> page.browser().findElements(By.cssSelector("#attached .thumb.uploading .reading")).stream()
                            .findFirst().orElse(null));
            assertEquals("reading...", reading.getText());
            String why = Chromium.waitFor("the reason, after 3 s", Duration.ofSeconds(8), () -> {
                String text = page.browser().findElement(By.cssSelector("#attached .thumb.uploading .reading")).getText();
                return text.equals("reading...") ? null : text;
            });
            assertEquals("reading... a long document is indexed once; the first also fetches the embedding model "
                    + "(about 130 MB, once)", why);
        } finally {
            page.browser().deleteNetworkConditions();
        }
        waitForChip("slow.pdf");
        assertTrue(page.browser().findElements(By.cssSelector("#attached .reading")).isEmpty(), "the note goes once it is read");
    }

    @Test
    void each_bad_file_is_one_sentence_under_the_input_and_its_chip_goes() throws Exception {
        Map<Path, String> bad = BadDocuments.writtenIn(scratch);
        for (Map.Entry<Path, String> file : bad.entrySet()) {
            page.user().attach(file.getKey());
            WebElement note = Chromium.waitFor("the sentence for " + file.getKey().getFileName(), Duration.ofSeconds(30),
                    () -> {
                        WebElement shown = page.browser().findElement(By.id("composer-note"));
                        return shown.isDisplayed() && !shown.getText().isBlank() ? shown : null;
                    });
            assertEquals(file.getValue(), note.getText());
            assertTrue(page.browser().findElements(By.cssSelector("#attached .thumb")).isEmpty(), "the refused file's chip went");
            page.browser().executeScript("document.getElementById('composer-note').hidden = true;"
                    + "document.getElementById('composer-note').textContent = ''");
        }
    }

    /**
     * Not a test: the README's picture of Read Documents. With BNAGPT_SCREENSHOT=docs/page.png
     * (as for the other pictures) it saves documents.png beside it.
     */
    @Test
    void screenshot_of_a_documents_answer() throws Exception {
        String file = System.getenv("BNAGPT_SCREENSHOT");
        assumeTrue(file != null, "set BNAGPT_SCREENSHOT=docs/page.png to save the README's pictures");
        page.user().attach(Files.write(scratch.resolve("harvest-report.pdf"), SamplePdf.report(30)));
        waitForChip("harvest-report.pdf");
        page.user().ask("How many tonnes did the cherry harvest of the south plateau reach?");
        WebElement answer = page.user().completeAnswer();
        answer.findElements(By.cssSelector(".passages .source")).get(0).click();
        page.browser().executeScript("document.activeElement.blur(); arguments[0].scrollIntoView(false)",
                answer.findElement(By.className("passages")));
        Files.write(Path.of(file).toAbsolutePath().resolveSibling("documents.png"),
                page.browser().getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    private static void waitForChip(String name) throws InterruptedException {
        Chromium.waitFor("the document's chip, uploaded", Duration.ofSeconds(60), () -> page.browser().findElements(
                By.cssSelector("#attached .thumb.document:not(.uploading) .document-chip")).stream()
                .anyMatch(chip -> chip.getText().equals(name)) ? Boolean.TRUE : null);
    }

    /** The last answer lists its pages under "Sources:", page 2 first, and a click on it shows page 2's passage. */
    private static void assertSourcesAndPassage() {
        WebElement passages = page.user().lastAnswer().findElement(By.className("passages"));
        List<String> sources = passages.findElements(By.className("source")).stream().map(WebElement::getText).toList();
        assertEquals("report.pdf p. 2", sources.get(0), sources.toString());
        assertTrue(passages.getText().startsWith("Sources:"), passages.getText());
        WebElement panel = passages.findElement(By.className("passage"));
        assertFalse(panel.isDisplayed(), "the passage shows on click");
        passages.findElements(By.className("source")).get(0).click();
        assertTrue(panel.isDisplayed());
        assertTrue(panel.getText().startsWith("Harvest report, page 2. In 1902 the cherry harvest of the south plateau"),
                panel.getText());
    }
}
