package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang devs ask --doc FILE} as its users run it, against the local Groq server (which
 * echoes what it was sent, so the answer shows the passages that reached it): the answer on
 * stdout, then its sources; a follow-up reads the kept index; each bad file one sentence.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsDocumentsAskTest {
    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;

    ChatCommand.Result ask(String... args) throws Exception {
        return DevsAskProcessTest.run(home, Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", home.toString()), "", args);
    }

    @Test
    void a_question_about_a_long_pdf_is_answered_with_its_page_cited_and_a_follow_up_reuses_the_index()
            throws Exception {
        Path pdf = Files.write(home.resolve("report.pdf"), SamplePdf.report(30));
        ChatCommand.Result first = ask("--doc", pdf.toString(),
                "How many tonnes did the cherry harvest of the south plateau reach?");
        assertEquals(0, first.exitCode(), first.stderr());
        assertTrue(first.stdout().contains("--- report.pdf, p. 2 ---\nHarvest report, page 2. In 1902 the cherry"),
                "page 2 reached the request: " + first.stdout());
        assertTrue(first.stdout().matches("(?s).*\\n\\nSources: report\\.pdf p\\. 2(, report\\.pdf p\\. \\d+)*\\n"),
                first.stdout());
        Path index = index();
        Files.setLastModifiedTime(index, FileTime.fromMillis(1_000_000_000_000L));

        ChatCommand.Result followUp = ask("-c", "And how many tonnes of flax did the high moor harvest?");
        assertEquals(0, followUp.exitCode(), followUp.stderr());
        assertTrue(followUp.stdout().contains("--- report.pdf, p. 5 ---\nHarvest report, page 5. In 1905 the flax harvest of the high moor"), followUp.stdout());
        assertTrue(followUp.stdout().contains("\n\nSources: report.pdf p. "), followUp.stdout());
        assertEquals(FileTime.fromMillis(1_000_000_000_000L), Files.getLastModifiedTime(index),
                "the kept index was read, not written again");
    }

    @Test
    void a_short_text_file_goes_whole_and_is_listed_as_the_source() throws Exception {
        Path notes = Files.writeString(home.resolve("notes.md"), "# Notes\nThe meeting moved to Thursday.");
        ChatCommand.Result result = ask("--doc", notes.toString(), "When is the meeting?");
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("--- notes.md ---\n# Notes\nThe meeting moved to Thursday."), result.stdout());
        assertTrue(result.stdout().endsWith("\n\nSources: notes.md\n"), result.stdout());
        try (Stream<Path> files = Files.list(home.resolve("conversations/files"))) {
            assertTrue(files.noneMatch(file -> file.toString().endsWith(".json")), "a short document needs no index");
        }
    }

    @Test
    void each_bad_file_is_one_sentence_and_nothing_is_asked() throws Exception {
        Map<Path, String> bad = BadDocuments.writtenIn(home);
        for (Map.Entry<Path, String> file : bad.entrySet()) {
            ChatCommand.Result result = ask("--doc", file.getKey().toString(), "What does it say?");
            assertEquals(2, result.exitCode(), result.stderr());
            assertEquals("", result.stdout());
            assertEquals(List.of(file.getValue()), result.stderr().lines().filter(l -> !l.isBlank()).toList());
        }
        assertEquals(0, groq.requestCount(), "nothing was sent");
    }

    private Path index() throws Exception {
        try (Stream<Path> files = Files.list(home.resolve("conversations/files"))) {
            List<Path> indexes = files.filter(file -> file.toString().endsWith(bnagpt.devs.llm.RetrievalIndex.SUFFIX)).toList();
            assertEquals(1, indexes.size(), indexes.toString());
            return indexes.get(0);
        }
    }
}
