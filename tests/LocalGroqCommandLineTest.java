package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `./jbang local-groq --port 8765 &`, as the README says, shares the terminal with the chat:
 * it must not write a line per request into the middle of an answer, and what it prints
 * when it starts must agree with the README. Here LocalGroq runs as a process of its own,
 * started with this JVM's java and class path.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LocalGroqCommandLineTest {
    @TempDir
    Path folder;

    @Test
    void by_default_it_serves_without_logging_requests() throws Exception {
        String stderr = serveOneRequest();

        assertFalse(stderr.contains("[LocalGroq]"), stderr);
        assertTrue(stderr.contains("--verbose logs them"), stderr);
    }

    @Test
    void with_verbose_it_logs_each_request_to_stderr() throws Exception {
        String stderr = serveOneRequest("--verbose");

        assertTrue(stderr.contains("[LocalGroq] GET /openai/v1/models -> 200"), stderr);
    }

    @Test
    void its_banner_says_no_key_is_needed_as_the_readme_does() throws Exception {
        String stderr = serveOneRequest();
        String offline = readmeSection("## Offline: the local Groq-compatible server");

        assertTrue(stderr.contains("No key is needed."), stderr);
        assertFalse(stderr.contains("GROQ_API_KEY"), stderr);
        assertTrue(offline.contains("No key"), offline);
        assertFalse(offline.contains("export GROQ_API_KEY"), offline);
    }

    @Test
    void with_a_required_key_its_banner_says_to_export_it_without_showing_it() {
        String banner = LocalGroq.banner(new LocalGroq.Options(0, 0, "gsk_test_not_a_real_key_000", true),
                "http://127.0.0.1:8765/openai/v1");

        assertTrue(banner.contains("export GROQ_API_KEY=<your --key>"), banner);
        assertFalse(banner.contains("gsk_test"), banner);
    }

    /** Starts LocalGroq with ARGS, reads its URL, asks GET /models once, stops it; returns its stderr. */
    private String serveOneRequest(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "bnagpt.LocalGroq"));
        command.addAll(List.of(args));
        Path stderr = folder.resolve("stderr.txt");
        Process server = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try {
            String baseUrl = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertTrue(baseUrl != null && baseUrl.startsWith("http://127.0.0.1:"), baseUrl);
            HttpResponse<String> models = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode());
            Thread.sleep(200); // a log line, if any, is written once the response is sent
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    private static String readmeSection(String heading) throws IOException {
        String readme = Files.readString(Repo.file("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf(heading);
        assertTrue(start >= 0, "README.md has no " + heading);
        int end = readme.indexOf("\n## ", start + heading.length());
        return readme.substring(start, end < 0 ? readme.length() : end);
    }
}
