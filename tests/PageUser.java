package bnagpt;

import bnagpt.devs.view.web.WebServer;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** Someone using the page in BROWSER, as a person would: opens it, types, presses Enter, reads the answer. */
record PageUser(ChromeDriver browser) {

    /** Opens SERVER's page through a printed address (each works once: a fresh one each time). */
    void open(WebServer server) throws InterruptedException {
        browser.get(server.address());
        waitForThePage();
    }

    void waitForThePage() throws InterruptedException {
        Chromium.waitFor("the page to load its models", Duration.ofSeconds(10),
                () -> !browser.findElements(By.cssSelector("#model option")).isEmpty());
    }

    /** Types the lines (Shift+Enter between them), presses Enter, and waits for the answer's bubble. */
    void ask(String... lines) throws InterruptedException {
        int answers = browser.findElements(By.cssSelector(".message.assistant")).size();
        WebElement prompt = browser.findElement(By.id("prompt"));
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                prompt.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
            }
            prompt.sendKeys(lines[i]);
        }
        prompt.sendKeys(Keys.ENTER);
        Chromium.waitFor("the answer's bubble", Duration.ofSeconds(10),
                () -> browser.findElements(By.cssSelector(".message.assistant")).size() > answers);
    }

    /** Presses a switch under the input ("tool-search", "tool-code") and checks that it shows as on. */
    void switchOn(String id) {
        WebElement button = browser.findElement(By.id(id));
        button.click();
        if (!"true".equals(button.getAttribute("aria-pressed"))) {
            throw new AssertionError(id + " did not switch on");
        }
    }

    /** Chooses FILES with the paperclip's file input (as the file dialog would). */
    void attach(java.nio.file.Path... files) {
        browser.findElement(By.id("attach-file")).sendKeys(String.join("\n",
                java.util.Arrays.stream(files).map(java.nio.file.Path::toString).toList()));
    }

    /** Waits until COUNT thumbnails wait above the input, each uploaded. */
    void waitForThumbnails(int count) throws InterruptedException {
        Chromium.waitFor(count + " uploaded thumbnails", Duration.ofSeconds(20), () ->
                browser.findElements(By.cssSelector("#attached .thumb:not(.uploading) img")).size() == count);
    }

    WebElement lastAnswer() {
        List<WebElement> answers = browser.findElements(By.cssSelector(".message.assistant .bubble"));
        return answers.isEmpty() ? null : answers.get(answers.size() - 1);
    }

    WebElement completeAnswer() throws InterruptedException {
        return Chromium.waitFor("the answer to be complete", Duration.ofSeconds(20), () -> {
            WebElement answer = lastAnswer();
            return answer != null && "true".equals(answer.getAttribute("data-complete")) ? answer : null;
        });
    }

    /** The answer itself, without its reasoning, speed line or marks. */
    static String text(WebElement answer) {
        return answer.findElement(By.className("body")).getText();
    }

    /** The id of the conversation shown, from the address's #. */
    String currentConversation() {
        return ((String) browser.executeScript("return location.hash")).substring(1);
    }
}
