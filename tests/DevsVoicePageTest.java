package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.devs.controller.ChatbotWithMemoryEngine;
import bnagpt.devs.controller.Features;
import bnagpt.devs.controller.ModelCatalog;
import bnagpt.devs.controller.SimpleChatEngine;
import bnagpt.devs.controller.Voice;
import bnagpt.devs.controller.VoicePieces;
import bnagpt.devs.llm.Limits;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.llm.RetryPolicy;
import bnagpt.devs.llm.Speech;
import bnagpt.devs.llm.SpeechClient;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.view.web.WebServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

/**
 * The page's microphone and Read aloud in headless Chromium, with a fake microphone (a beep:
 * LocalGroq hears it as its fixed sentence) and LocalGroq's speech (a quiet tone, 10 ms a
 * character). The server's speech goes through a recorder here, so the test sees which
 * pieces were asked for, in which order, and when.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsVoicePageTest {
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @RegisterExtension
    static final PageRig page = PageRig.serving(home -> startServer(groq.baseUrl(), home));

    /** The pieces the page asked the server to speak, in the order it asked. */
    private static final List<String> spoken = new CopyOnWriteArrayList<>();

    static WebServer startServer(String baseUrl, Path home) {
        Llm llm = new OpenAiCompatibleLlm(baseUrl, Clients.KEY, Clients.MODEL);
        SpeechClient audio = new SpeechClient(baseUrl, Clients.KEY, Limits.DEFAULT, RetryPolicy.DEFAULT,
                OpenAiCompatibleLlm.httpClient(Map.of()));
        Speech recorded = (text, voice) -> {
            spoken.add(text);
            return audio.wav(text, voice);
        };
        ConversationStore store = new ConversationStore(home);
        AttachmentStore attachments = new AttachmentStore(home);
        return WebServer.start(new ModelCatalog(llm), store, attachments, DevsPage.assistants(home), Map.of(
                        "simple", new SimpleChatEngine(llm, attachments, Features.defaults(), DevsPage.ANSWER_LIMIT),
                        "memory", new ChatbotWithMemoryEngine(llm, store, attachments, Features.defaults(),
                                DevsPage.ANSWER_LIMIT, Duration.ofSeconds(3), ChatbotWithMemoryEngine.WINDOW_MESSAGES)),
                "127.0.0.1", 0, DevsPage.files(), new PrintStream(OutputStream.nullOutputStream()), null,
                new Voice(audio, recorded));
    }

    @BeforeEach
    void openANewChat() throws Exception {
        Chromium.waitFor("the microphone", Duration.ofSeconds(10), () -> !page.browser().findElements(By.id("mic")).isEmpty());
        spoken.clear();
    }

    WebElement mic() {
        return page.browser().findElement(By.id("mic"));
    }

    @Test
    void the_microphone_records_until_clicked_again_and_the_transcript_lands_in_the_input_unsent() throws Exception {
        page.browser().findElement(By.id("prompt")).sendKeys("Quick question:");
        mic().click();
        Chromium.waitFor("the recording state", Duration.ofSeconds(10), () -> "recording".equals(mic().getAttribute("data-state")));
        assertEquals("true", mic().getAttribute("aria-pressed"));
        Thread.sleep(1500); // a second and a half of the fake microphone's beep
        mic().click();
        Chromium.waitFor("the transcript in the input", Duration.ofSeconds(20),
                () -> page.browser().findElement(By.id("prompt")).getAttribute("value").contains("France"));
        assertEquals("Quick question: What is the capital of France?", page.browser().findElement(By.id("prompt")).getAttribute("value"));
        assertEquals("idle", mic().getAttribute("data-state"));
        assertTrue(page.browser().findElements(By.cssSelector(".message")).isEmpty(), "nothing was sent");
        assertEquals(0, groq.requestCount(), "nothing was asked of the model");
    }

    @Test
    void a_microphone_the_browser_refuses_is_one_sentence_and_the_input_is_kept() throws Exception {
        page.browser().findElement(By.id("prompt")).sendKeys("typed words");
        page.browser().executeScript("navigator.mediaDevices.getUserMedia = () => "
                + "Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));");
        mic().click();
        WebElement note = Chromium.waitFor("the sentence", Duration.ofSeconds(10), () -> {
            WebElement shown = page.browser().findElement(By.id("voice-note"));
            return shown.isDisplayed() ? shown : null;
        });
        assertTrue(note.getText().startsWith("The browser did not allow the microphone: Permission denied."), note.getText());
        assertEquals("typed words", page.browser().findElement(By.id("prompt")).getAttribute("value"));
        assertEquals("idle", mic().getAttribute("data-state") == null ? "idle" : mic().getAttribute("data-state"));
    }

    @Test
    void read_aloud_asks_for_the_pieces_in_order_one_ahead_and_speech_starts_before_the_last_is_asked_for() throws Exception {
        page.user().ask("Tell me about the sea. ".repeat(25).strip());
        WebElement answer = page.user().completeAnswer();
        List<String> pieces = VoicePieces.split(PageUser.text(answer));
        assertEquals(4, pieces.size(), pieces.toString());
        WebElement read = Chromium.waitFor("the Read aloud button", Duration.ofSeconds(5),
                () -> answer.findElements(By.className("read-aloud")).stream().findFirst().orElse(null));
        read.click();
        Chromium.waitFor("the first piece to play", Duration.ofSeconds(10), () -> "1".equals(read.getAttribute("data-piece")));
        Chromium.waitFor("the second piece to be asked for", Duration.ofSeconds(1), () -> spoken.size() == 2);
        assertEquals("1", read.getAttribute("data-piece"), "asked for while the first plays");
        assertEquals(2, spoken.size(), "the first piece and the next one only: " + spoken);
        Chromium.waitFor("the reading to end", Duration.ofSeconds(30), () -> read.getText().equals("Read aloud"));
        assertEquals(pieces, spoken, "every piece, once, in order");
    }

    @Test
    void stop_ends_the_speech_and_asks_for_no_more_pieces() throws Exception {
        page.user().ask("Tell me about the sea. ".repeat(25).strip());
        WebElement answer = page.user().completeAnswer();
        WebElement read = Chromium.waitFor("the Read aloud button", Duration.ofSeconds(5),
                () -> answer.findElements(By.className("read-aloud")).stream().findFirst().orElse(null));
        read.click();
        Chromium.waitFor("the first piece to play", Duration.ofSeconds(10), () -> "1".equals(read.getAttribute("data-piece")));
        read.click(); // its label is "Stop (1/4)" now
        Chromium.waitFor("the button to be Read aloud again", Duration.ofSeconds(5), () -> read.getText().equals("Read aloud"));
        int asked = spoken.size();
        Thread.sleep(2500); // longer than a piece plays
        assertEquals(asked, spoken.size(), "no piece was asked for after Stop: " + spoken);
        assertTrue(asked <= 2, spoken.toString());
        assertTrue(answer.findElements(By.className("voice-error")).isEmpty(), answer.getText());
    }

    @Test
    void a_20000_character_answer_is_read_in_part_with_a_sentence_saying_so_and_stops() throws Exception {
        page.user().ask("This sentence is about fifty characters long, yes. ".repeat(390).strip());
        WebElement answer = page.user().completeAnswer();
        WebElement read = Chromium.waitFor("the Read aloud button", Duration.ofSeconds(5),
                () -> answer.findElements(By.className("read-aloud")).stream().findFirst().orElse(null));
        read.click();
        WebElement notice = Chromium.waitFor("the sentence", Duration.ofSeconds(10),
                () -> answer.findElements(By.className("voice-notice")).stream().findFirst().orElse(null));
        assertTrue(notice.getText().startsWith("Only the first "), notice.getText());
        assertEquals(String.valueOf(VoicePieces.MOST_PIECES), read.getAttribute("data-pieces"));
        Chromium.waitFor("the first piece to play", Duration.ofSeconds(10), () -> "1".equals(read.getAttribute("data-piece")));
        read.click();
        Chromium.waitFor("Stop to end it", Duration.ofSeconds(5), () -> read.getText().equals("Read aloud"));
        assertTrue(spoken.size() <= 2, spoken.size() + " pieces asked for");
    }

    @Test
    void a_recording_over_25_mb_and_an_unknown_voice_are_refused_by_the_routes_with_a_sentence() throws Exception {
        byte[] big = new byte[25 * 1024 * 1024 + 1];
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(page.server().origin() + "/api/transcribe")).header("X-Bnagpt-Secret", page.server().secret())
                .header("Content-Type", "audio/webm").POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertEquals("{\"error\":\"The recording is over the 25 MB Groq transcribes: record a shorter question.\"}", response.body());
        HttpResponse<String> unguarded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(page.server().origin() + "/api/transcribe")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unguarded.statusCode(), "the Guard applies");
        HttpResponse<String> voice = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(page.server().origin() + "/api/speech")).header("X-Bnagpt-Secret", page.server().secret())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"text\": \"Hello.\", \"voice\": \"alloy\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, voice.statusCode());
        assertEquals("{\"error\":\"There is no voice \\\"alloy\\\": choose one of autumn, diana, hannah, austin, daniel, "
                + "troy.\"}", voice.body());
        assertFalse(unguarded.body().contains("France"));
    }

    @Test
    void screenshot_of_the_microphone_and_read_aloud() throws Exception {
        String file = System.getenv("BNAGPT_VOICE_SCREENSHOT");
        assumeTrue(file != null, "set BNAGPT_VOICE_SCREENSHOT=docs/voice.png to save the README's picture");
        page.user().ask("Why is the sky blue? Answer in three short sentences.");
        WebElement answer = page.user().completeAnswer();
        WebElement read = Chromium.waitFor("the Read aloud button", Duration.ofSeconds(5),
                () -> answer.findElements(By.className("read-aloud")).stream().findFirst().orElse(null));
        read.click();
        Chromium.waitFor("the first piece to play", Duration.ofSeconds(10), () -> read.getAttribute("data-piece") != null);
        page.browser().findElement(By.id("prompt")).sendKeys("And why is the sunset red?");
        mic().click();
        Chromium.waitFor("the recording state", Duration.ofSeconds(10), () -> "recording".equals(mic().getAttribute("data-state")));
        Files.write(Repo.root().resolve(file), page.browser().getScreenshotAs(OutputType.BYTES));
        mic().click();
        read.click();
    }
}
