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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

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

    @TempDir
    static Path home;
    @TempDir
    static Path profile;

    /** The pieces the page asked the server to speak, in the order it asked. */
    private static final List<String> spoken = new CopyOnWriteArrayList<>();
    private static WebServer server;
    private static ChromeDriver browser;
    private static PageUser user;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Chromium.installed(), "Chromium or chromedriver is not installed: the page's browser tests need "
                + "them (apt-get install chromium chromium-driver)");
        server = startServer(groq.baseUrl(), home);
        browser = Chromium.start(profile, 1200, 800);
        user = new PageUser(browser);
    }

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

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openANewChat() throws Exception {
        user.open(server);
        Chromium.waitFor("the microphone", Duration.ofSeconds(10), () -> !browser.findElements(By.id("mic")).isEmpty());
        spoken.clear();
    }

    WebElement mic() {
        return browser.findElement(By.id("mic"));
    }

    @Test
    void the_microphone_records_until_clicked_again_and_the_transcript_lands_in_the_input_unsent() throws Exception {
        browser.findElement(By.id("prompt")).sendKeys("Quick question:");
        mic().click();
        Chromium.waitFor("the recording state", Duration.ofSeconds(10), () -> "recording".equals(mic().getAttribute("data-state")));
        assertEquals("true", mic().getAttribute("aria-pressed"));
        Thread.sleep(1500); // a second and a half of the fake microphone's beep
        mic().click();
        Chromium.waitFor("the transcript in the input", Duration.ofSeconds(20),
                () -> browser.findElement(By.id("prompt")).getAttribute("value").contains("France"));
        assertEquals("Quick question: What is the capital of France?", browser.findElement(By.id("prompt")).getAttribute("value"));
        assertEquals("idle", mic().getAttribute("data-state"));
        assertTrue(browser.findElements(By.cssSelector(".message")).isEmpty(), "nothing was sent");
        assertEquals(0, groq.requestCount(), "nothing was asked of the model");
    }

    @Test
    void a_microphone_the_browser_refuses_is_one_sentence_and_the_input_is_kept() throws Exception {
        browser.findElement(By.id("prompt")).sendKeys("typed words");
        browser.executeScript("navigator.mediaDevices.getUserMedia = () => "
                + "Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));");
        mic().click();
        WebElement note = Chromium.waitFor("the sentence", Duration.ofSeconds(10), () -> {
            WebElement shown = browser.findElement(By.id("voice-note"));
            return shown.isDisplayed() ? shown : null;
        });
        assertTrue(note.getText().startsWith("The browser did not allow the microphone: Permission denied."), note.getText());
        assertEquals("typed words", browser.findElement(By.id("prompt")).getAttribute("value"));
        assertEquals("idle", mic().getAttribute("data-state") == null ? "idle" : mic().getAttribute("data-state"));
    }

    @Test
    void read_aloud_asks_for_the_pieces_in_order_one_ahead_and_speech_starts_before_the_last_is_asked_for() throws Exception {
        user.ask("Tell me about the sea. ".repeat(25).strip());
        WebElement answer = user.completeAnswer();
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
        user.ask("Tell me about the sea. ".repeat(25).strip());
        WebElement answer = user.completeAnswer();
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
        user.ask("This sentence is about fifty characters long, yes. ".repeat(390).strip());
        WebElement answer = user.completeAnswer();
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
                        URI.create(server.origin() + "/api/transcribe")).header("X-Bnagpt-Secret", server.secret())
                .header("Content-Type", "audio/webm").POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertEquals("{\"error\":\"The recording is over the 25 MB Groq transcribes: record a shorter question.\"}", response.body());
        HttpResponse<String> unguarded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.origin() + "/api/transcribe")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unguarded.statusCode(), "the Guard applies");
        HttpResponse<String> voice = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.origin() + "/api/speech")).header("X-Bnagpt-Secret", server.secret())
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
        user.ask("Why is the sky blue? Answer in three short sentences.");
        WebElement answer = user.completeAnswer();
        WebElement read = Chromium.waitFor("the Read aloud button", Duration.ofSeconds(5),
                () -> answer.findElements(By.className("read-aloud")).stream().findFirst().orElse(null));
        read.click();
        Chromium.waitFor("the first piece to play", Duration.ofSeconds(10), () -> read.getAttribute("data-piece") != null);
        browser.findElement(By.id("prompt")).sendKeys("And why is the sunset red?");
        mic().click();
        Chromium.waitFor("the recording state", Duration.ofSeconds(10), () -> "recording".equals(mic().getAttribute("data-state")));
        Files.write(Repo.root().resolve(file), browser.getScreenshotAs(OutputType.BYTES));
        mic().click();
        read.click();
    }
}
