package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks in notebooks/, run top to bottom by a real Java kernel (JJava) as a learner
 * runs them, against the local Groq-compatible server and without a key.
 * tests/notebooks/run_notebooks.py does the running: no cell may fail, and each cell must
 * print the texts its "expect" metadata lists. The kernel and Jupyter live in
 * .venv-notebooks/, which scripts/setup-notebooks makes on first use (Python 3 needed).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class NotebooksTest {
    static final Path VENV = Repo.file(".venv-notebooks");
    static final Path RUNNER = Repo.file("tests/notebooks/run_notebooks.py");

    private static LocalGroq groq;
    /** Why scripts/setup-notebooks could not make the kernel ready, once it has been tried. */
    private static String setupFailure;

    /** BNAGPT_HOME: no key file is read from, and no conversation saved to, the real ~/.bnagpt. */
    @TempDir
    static Path home;

    /** A folder laid out like the repository, for a notebook that must run away from it. */
    @TempDir
    Path tree;

    @BeforeAll
    static void startLocalGroq() throws IOException {
        groq = LocalGroq.start(new LocalGroq.Options(0, 0, null, true));
    }

    @AfterAll
    static void stopLocalGroq() {
        if (groq != null) {
            groq.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> each_notebook_runs_top_to_bottom_against_the_local_server() throws Exception {
        requireKernel();
        return notebooks().map(notebook -> dynamicTest(notebook.getFileName().toString(), () -> {
            Run run = runNotebooks(Map.of("GROQ_BASE_URL", groq.baseUrl()), notebook);

            assertEquals(0, run.exitCode(), run.output());
        }));
    }

    @TestFactory
    Stream<DynamicTest> each_notebook_is_committed_without_outputs_for_the_java_kernel() throws IOException {
        return notebooks().map(notebook -> dynamicTest(notebook.getFileName().toString(), () -> {
            JsonNode root = new ObjectMapper().readTree(notebook.toFile());

            assertEquals("java", root.path("metadata").path("kernelspec").path("name").asText());
            for (JsonNode cell : root.path("cells")) {
                if (cell.path("cell_type").asText().equals("code")) {
                    String where = notebook.getFileName() + ", cell " + cell.path("id").asText();
                    assertEquals(0, cell.path("outputs").size(), where + " was saved with outputs");
                    assertTrue(cell.path("execution_count").isNull(), where + " was saved with an execution count");
                }
            }
        }));
    }

    @Test
    void the_walkthrough_has_its_seven_notebooks_in_order() throws IOException {
        List<String> names = notebooks().map(notebook -> notebook.getFileName().toString()).toList();

        assertEquals(List.of("00-setup.ipynb", "01-first-request.ipynb", "02-streaming.ipynb",
                "03-chat-with-memory.ipynb", "04-the-finished-script.ipynb", "05-the-llm-layer.ipynb",
                "06-the-roadmap.ipynb"), names);
    }

    /**
     * Without a key and without GROQ_BASE_URL, the setup notebook still runs to its end and
     * says what to do. Its expectations describe a server that answers, so it runs here
     * without them: a copy, in a folder laid out like the repository (the notebook loads
     * ../101s/chat.java with ../jbang).
     */
    @Test
    void setup_without_a_key_or_a_server_runs_to_the_end_and_says_what_to_do() throws Exception {
        requireKernel();
        Path notebooks = Files.createDirectories(tree.resolve("notebooks"));
        Path jbang = Files.createSymbolicLink(tree.resolve("jbang"), Repo.file("jbang"));
        Path chatFolder = Files.createSymbolicLink(tree.resolve("101s"), Repo.file("101s"));
        Files.copy(Repo.file("notebooks/classpath.jsh"), notebooks.resolve("classpath.jsh"));
        ObjectMapper json = new ObjectMapper();
        JsonNode setup = json.readTree(Repo.file("notebooks/00-setup.ipynb").toFile());
        for (JsonNode cell : setup.path("cells")) {
            ((ObjectNode) cell.path("metadata")).remove("expect");
        }
        Path copy = notebooks.resolve("00-setup.ipynb");
        json.writeValue(copy.toFile(), setup);
        Path executed = tree.resolve("executed");

        Run run;
        try {
            run = runNotebooks(Map.of("NOTEBOOKS_EXECUTED_DIR", executed.toString()), copy);
        } finally { // the links, not what they point to
            Files.delete(jbang);
            Files.delete(chatFolder);
        }

        assertEquals(0, run.exitCode(), run.output());
        String shown = outputs(json.readTree(executed.resolve("00-setup.ipynb").toFile()));
        assertTrue(shown.contains("GROQ_API_KEY   not set"), shown);
        assertTrue(shown.contains("./jbang local-groq --port 8765"), shown);
        assertTrue(shown.contains("export GROQ_BASE_URL=http://127.0.0.1:8765/openai/v1"), shown);
        assertTrue(shown.contains("https://console.groq.com/keys"), shown);
        assertTrue(shown.contains("Skipped: see Step 4 first."), shown);
        assertFalse(shown.contains("Exception"), shown);
    }

    /**
     * With no server where GROQ_BASE_URL points, each notebook after the setup stops at the
     * first cell that needs one, with one sentence: not a stack trace, and not a cascade of
     * "cannot find symbol" in the cells below (Jupyter's "Run All" stops at a failing cell).
     */
    @TestFactory
    Stream<DynamicTest> without_a_server_each_notebook_stops_at_its_first_cell_with_one_sentence() throws Exception {
        requireKernel();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closedPort + "/openai/v1";
        Map<String, String> firstCellNeedingTheServer = Map.of("01-first-request.ipynb", "01-07",
                "02-streaming.ipynb", "02-03", "03-chat-with-memory.ipynb", "03-03",
                "04-the-finished-script.ipynb", "04-03", "05-the-llm-layer.ipynb", "05-03",
                "06-the-roadmap.ipynb", "06-04");
        return notebooks().filter(notebook -> firstCellNeedingTheServer.containsKey(notebook.getFileName().toString()))
                .map(notebook -> dynamicTest(notebook.getFileName().toString(), () -> {
                    Path executed = tree.resolve("executed-" + notebook.getFileName());
                    Run run = runNotebooks(Map.of("GROQ_BASE_URL", nowhere,
                            "NOTEBOOKS_EXECUTED_DIR", executed.toString()), notebook);
                    JsonNode cells = new ObjectMapper().readTree(executed.resolve(notebook.getFileName()).toFile())
                            .path("cells");

                    assertEquals(1, run.exitCode(), run.output());
                    List<JsonNode> failed = new java.util.ArrayList<>();
                    cells.forEach(cell -> cell.path("outputs").forEach(output -> {
                        if (output.path("output_type").asText().equals("error")) {
                            failed.add(cell);
                        }
                    }));
                    assertEquals(1, failed.size(), run.output());
                    JsonNode cell = failed.get(0);
                    assertEquals(firstCellNeedingTheServer.get(notebook.getFileName().toString()),
                            cell.path("id").asText(), run.output());
                    JsonNode error = cell.path("outputs").get(cell.path("outputs").size() - 1);
                    assertEquals(1, error.path("traceback").size(), error.toString());
                    String sentence = error.path("traceback").get(0).asText();
                    assertTrue(sentence.contains(nowhere), sentence);
                    assertFalse(sentence.contains("\tat "), sentence);
                }));
    }

    // ---------------------------------------------------------------------------------
    // Running the notebooks.
    // ---------------------------------------------------------------------------------

    /**
     * Skips when there is no Python 3; otherwise makes .venv-notebooks with
     * scripts/setup-notebooks if it is not ready yet, once.
     */
    static synchronized void requireKernel() throws Exception {
        assumeTrue(onPath("python3"), "python3 is not installed: Jupyter and the notebooks' kernel need Python 3");
        if (setupFailure == null && !kernelInstalled()) {
            Run setup = run(List.of(Repo.file("scripts/setup-notebooks").toString()), System.getenv(), 15);
            setupFailure = setup.exitCode() == 0 ? "" : "scripts/setup-notebooks failed:\n" + setup.output();
        }
        if (setupFailure != null && !setupFailure.isEmpty()) {
            throw new AssertionError(setupFailure);
        }
    }

    static Stream<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(Repo.file("notebooks"))) {
            List<Path> found = files.filter(file -> file.toString().endsWith(".ipynb")).sorted().toList();
            return found.stream();
        }
    }

    /**
     * run_notebooks.py on one notebook with the Python of .venv-notebooks. Its environment is
     * this one without any GROQ_ setting (never the key of whoever runs the tests), plus the
     * temporary BNAGPT_HOME and the given variables.
     */
    static Run runNotebooks(Map<String, String> variables, Path notebook) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> name.startsWith("GROQ_"));
        env.put("BNAGPT_HOME", home.toString());
        env.put("NO_COLOR", "1");
        env.putAll(variables);
        return run(List.of(VENV.resolve("bin/python").toString(), RUNNER.toString(), notebook.toString()), env, 10);
    }

    /** What a command printed, stdout and stderr together, and how it ended. */
    record Run(int exitCode, String output) {}

    static Run run(List<String> command, Map<String, String> env, int minutes) throws Exception {
        File output = File.createTempFile("notebooks", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(Repo.root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output);
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close(); // nothing on stdin
            // The first run installs Jupyter, or fetches the notebooks' libraries.
            if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly); // the kernel, too
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within " + minutes
                        + " minutes. It printed:\n" + Files.readString(output.toPath()));
            }
            return new Run(process.exitValue(), Files.readString(output.toPath(), StandardCharsets.UTF_8));
        } finally {
            output.delete();
        }
    }

    /** Whether .venv-notebooks holds the Java kernel and a Python that can run notebooks. */
    static boolean kernelInstalled() throws Exception {
        Path python = VENV.resolve("bin/python");
        if (!Files.isExecutable(python) || !Files.isRegularFile(VENV.resolve("share/jupyter/kernels/java/kernel.json"))) {
            return false;
        }
        return run(List.of(python.toString(), "-c", "import nbclient, nbformat"), System.getenv(), 1).exitCode() == 0;
    }

    static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    /** Everything the cells of an executed notebook printed, stdout and stderr. */
    static String outputs(JsonNode notebook) {
        StringBuilder text = new StringBuilder();
        for (JsonNode cell : notebook.path("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                JsonNode streamed = output.path("text");
                if (streamed.isArray()) {
                    streamed.forEach(line -> text.append(line.asText()));
                } else {
                    text.append(streamed.asText(""));
                }
            }
        }
        return text.toString();
    }
}
