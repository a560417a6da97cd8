package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbang export maven devs/bnagpt.java} gives a Maven project that compiles, so an IDE
 * user can open the devs app as any Maven project (docs/devs-track.md says how). Skipped,
 * with a note, on a machine without {@code mvn}.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsExportMavenTest {
    @TempDir
    Path work;

    @Test
    void the_exported_maven_project_compiles() throws Exception {
        assumeTrue(onPath("mvn"), "mvn is not installed: the export is not compiled here");
        // From the folder that is to hold the project: JBang 0.132.1 writes the Maven wrapper
        // (mvnw, .mvn) into the current folder's "bnagpt-devs", whatever -O says.
        Path project = work.resolve("bnagpt-devs");
        Result export = run(work, List.of(Repo.file("jbang").toString(), "export", "maven", "--force",
                "-g", "dev.bnagpt", "-O", "bnagpt-devs", Repo.file("devs/bnagpt.java").toString()));
        assertEquals(0, export.exitCode(), export.output());
        String pom = Files.readString(project.resolve("pom.xml"), StandardCharsets.UTF_8);
        assertTrue(pom.contains("<mainClass>bnagpt.devs.App</mainClass>"), pom);
        assertTrue(Files.isRegularFile(project.resolve("src/main/java/bnagpt/devs/llm/OpenAiCompatibleLlm.java")));
        assertTrue(Files.isRegularFile(project.resolve("mvnw")), "the Maven wrapper lands in the project");

        // Offline first (quick, and what a machine that built it once can do); online when plugins are missing.
        Result compile = run(project, List.of("mvn", "-q", "-o", "compile"));
        if (compile.exitCode() != 0 && compile.output().contains("offline")) {
            compile = run(project, List.of("mvn", "-q", "compile"));
        }
        assertEquals(0, compile.exitCode(), compile.output());
        assertTrue(Files.isRegularFile(project.resolve("target/classes/bnagpt/devs/App.class")));
    }

    record Result(int exitCode, String output) {}

    static Result run(Path directory, List<String> command) throws Exception {
        Path log = Files.createTempFile("export", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within 5 minutes");
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
