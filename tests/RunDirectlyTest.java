package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With JBang installed, `./101s/chat.java` runs the chat, as the README says: the file is
 * executable, and its first line hands it to `jbang`. "Installed" here is a `jbang` on
 * PATH that is a link to the repository's wrapper (a script that called the wrapper would
 * loop: the wrapper itself hands over to an installed jbang).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RunDirectlyTest {
    @TempDir
    Path bin;

    @Test
    void the_chat_script_is_executable() {
        assertTrue(Files.isExecutable(Repo.file("101s/chat.java")), "chmod +x 101s/chat.java");
    }

    @Test
    void dot_slash_chat_java_help_prints_the_help_when_jbang_is_on_the_path() throws Exception {
        Path jbang = Files.createSymbolicLink(bin.resolve("jbang"), Repo.file("jbang"));
        ProcessBuilder builder = new ProcessBuilder("./101s/chat.java", "--help").directory(Repo.root().toFile());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().keySet().removeIf(name -> name.startsWith("GROQ_"));
        Path log = bin.resolve("output.txt");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());

        Process chat = startOrSayWhy(builder);
        boolean ended;
        try {
            ended = chat.waitFor(3, TimeUnit.MINUTES);
        } finally {
            chat.destroyForcibly();
            Files.delete(jbang); // the link, not the wrapper
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertTrue(ended, "./101s/chat.java --help did not end within 3 minutes:\n" + output);

        assertEquals(0, chat.exitValue(), output);
        assertTrue(output.contains("Usage:"), output);
    }

    private static Process startOrSayWhy(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new AssertionError("./101s/chat.java could not be started (" + e.getMessage() + ")", e);
        }
    }
}
