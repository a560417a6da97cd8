package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.controller.ChatbotWithMemoryEngine;
import bnagpt.devs.controller.Features;
import bnagpt.devs.controller.Pictures;
import bnagpt.devs.controller.SimpleChatEngine;
import bnagpt.devs.llm.BuiltInTool;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.AssistantShelf;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Source;
import bnagpt.devs.model.ToolRun;
import bnagpt.devs.view.cli.Ask;
import bnagpt.devs.view.cli.AskOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's --search, --code and --image in one program with a fake Llm: where each
 * thing is printed, and that nothing a server sends reaches the terminal raw or unbounded.
 * (DevsAskToolsProcessTest runs the same against LocalGroq, as a user would.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsAskFeaturesTest {
    @TempDir
    Path home;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs ask ARGS with LLM; the exit status. */
    int ask(DevsFakeLlm llm, String... args) {
        ConversationStore store = new ConversationStore(home);
        AttachmentStore files = new AttachmentStore(home);
        Ask ask = new Ask(new ChatbotWithMemoryEngine(llm, store, files, Features.defaults(), 1 << 20, Duration.ZERO, 40),
                new SimpleChatEngine(llm, files, Features.defaults(), 1 << 20), store, new AssistantShelf(List.of()),
                new Pictures(files), llm, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return ask.run(AskOptions.parse(List.of(args)), new ByteArrayInputStream(new byte[0]), new Stop());
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    static ToolRun search(String query, List<Source> sources) {
        return new ToolRun("search", query, null, sources);
    }

    @Test
    void a_search_is_announced_on_stderr_and_its_sources_follow_the_answer_on_stdout() {
        DevsFakeLlm llm = DevsFakeLlm.answering("Cats sleep [1].").tools(search("cats", List.of(
                new Source("Cats - Wikipedia", "https://example.com/cats"), new Source("Sleep", "https://example.com/z"))));

        assertEquals(0, ask(llm, "--search", "cats?"));

        assertEquals(Set.of(BuiltInTool.SEARCH), llm.requests.get(0).tools());
        assertEquals("Cats sleep [1].\n\nSources:\n[1] Cats - Wikipedia - https://example.com/cats\n"
                + "[2] Sleep - https://example.com/z\n", stdout());
        assertTrue(stderr().startsWith("Searching the web: cats\n"), stderr());
    }

    @Test
    void the_code_that_ran_and_its_output_go_to_stderr_so_a_pipe_keeps_the_answer_alone() {
        DevsFakeLlm llm = DevsFakeLlm.answering("It is 42.").tools(new ToolRun("code", "print(6 * 7)", "42\n", List.of()));

        assertEquals(0, ask(llm, "--code", "6*7?"));

        assertEquals("It is 42.\n", stdout());
        assertTrue(stderr().startsWith("Running code...\n"), stderr());
        assertTrue(stderr().contains("Code that ran:\nprint(6 * 7)\nIts output:\n42\n"), stderr());
    }

    @Test
    void escape_sequences_from_the_server_are_never_printed_raw() {
        String hostile = "\u001b]0;owned\u0007\u001b[2J\u009b31m";
        DevsFakeLlm llm = DevsFakeLlm.answering("answer " + hostile).tools(
                search("q" + hostile, List.of(new Source("Title " + hostile, "https://example.com/" + hostile))),
                new ToolRun("code", "print(1)" + hostile, "1" + hostile, List.of()));

        ask(llm, "--search", "--code", "go");

        for (String printed : List.of(stdout(), stderr())) {
            assertFalse(printed.chars().anyMatch(c -> c == 0x1b || c == 0x07 || c == 0x9b), printed);
        }
        assertTrue(stdout().contains("Title ^[]0;owned^G^[[2J<U+009B>31m - https://example.com/"), stdout());
    }

    @Test
    void fifty_sources_print_twenty_and_a_count_each_on_one_bounded_line() {
        List<Source> fifty = IntStream.rangeClosed(1, 50)
                .mapToObj(i -> new Source("Result " + i + " " + "long title ".repeat(100), "https://example.com/" + i))
                .toList();

        ask(DevsFakeLlm.answering("Many.").tools(search("many", fifty)), "--search", "many?");

        List<String> lines = stdout().lines().toList();
        assertEquals(20, lines.stream().filter(line -> line.startsWith("[")).count());
        assertTrue(lines.contains("(and 30 more sources)"), stdout());
        assertTrue(lines.stream().allMatch(line -> line.length() < 500), "no line runs on");
    }

    @Test
    void a_huge_code_output_shows_a_screenful_and_says_how_much_more_there_was() {
        ask(DevsFakeLlm.answering("Done.").tools(new ToolRun("code", "print('x' * 100000)", "x".repeat(100_000),
                List.of())), "--code", "go");

        assertTrue(stderr().length() < 10_000, "bounded: " + stderr().length());
        assertTrue(stderr().contains("(96000 more characters not shown)"), stderr());
    }

    @Test
    void an_image_goes_with_the_question_and_a_model_given_with_m_is_kept() throws IOException {
        Path photo = home.resolve("photo.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(30, 20, 1), "png", photo.toFile());
        DevsFakeLlm llm = DevsFakeLlm.answering("A black picture.");

        assertEquals(0, ask(llm, "--image", photo.toString(), "-m", "openai/gpt-oss-20b", "what is it?"));

        assertEquals("openai/gpt-oss-20b", llm.requests.get(0).model(), "-m: the user's choice for this turn");
        assertEquals("image/png", llm.requests.get(0).images().get(0).get(0).mediaType());
        assertEquals("photo.png", new ConversationStore(home).latest().messages().get(0).attachments().get(0).name());
    }

    @Test
    void an_html_file_given_as_an_image_is_refused_with_a_sentence_and_nothing_is_sent() throws IOException {
        Path fake = Files.writeString(home.resolve("cat.jpg"), "<html><script>alert(1)</script></html>");
        DevsFakeLlm llm = DevsFakeLlm.answering("never");

        assertEquals(2, ask(llm, "--image", fake.toString(), "what is it?"));

        assertEquals("\"cat.jpg\" is not an image: attach a JPEG, PNG, GIF or WebP picture.\n", stderr());
        assertTrue(llm.requests.isEmpty());
        assertEquals("", stdout());
    }

    @Test
    void a_missing_or_too_large_image_file_is_refused_with_a_sentence() throws IOException {
        List<String> said = new ArrayList<>();
        assertEquals(2, ask(DevsFakeLlm.answering("never"), "--image", home.resolve("nowhere.jpg").toString(), "hi"));
        said.add(stderr());
        err.reset();
        Path huge = home.resolve("huge.jpg");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength((20L << 20) + 1);
        }
        assertEquals(2, ask(DevsFakeLlm.answering("never"), "--image", huge.toString(), "hi"));
        said.add(stderr());

        assertEquals(List.of("There is no file \"" + home.resolve("nowhere.jpg") + "\": check the name given to --image.\n",
                "\"" + huge + "\" is over 20 MB: attach a smaller image.\n"), said);
    }

    @Test
    void a_fourth_image_and_an_image_with_a_search_are_mistakes_on_the_command_line() {
        AskOptions.Mistake four = assertThrows(AskOptions.Mistake.class, () -> AskOptions.parse(
                List.of("--image", "a", "--image", "b", "--image", "c", "--image", "d", "hi")));
        AskOptions.Mistake both = assertThrows(AskOptions.Mistake.class, () -> AskOptions.parse(
                List.of("--image", "a", "--search", "hi")));

        assertEquals("A question takes at most 3 images, and --image was given 4 times: attach fewer.",
                four.getMessage());
        assertTrue(both.getMessage().startsWith("No model reads images and searches the web or runs code at once"));
    }
}
