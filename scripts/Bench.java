///usr/bin/env jbang "$0" "$@" ; exit $?
//
// Bench.java: how fast is our chat, next to curl and to Groq's official SDKs?
//
// One run starts a LocalGroq server inside this JVM (no network, no key, tokens as fast
// as it can send them) and times every client on two workloads: a one-shot "hi", as a
// user types it, and a 200,000-token answer that only stream parsing can make slow.
// The devs app is timed twice: `./jbang devs ask` (LangChain4j's stream parsing) on both
// workloads, and its page's start: from `./jbang devs --no-browser --port P` to the first
// page it answers. It prints markdown tables of medians on stdout, and whether our
// targets are met.
//
//   ./jbang bench                                   the whole bench, about 4 minutes
//   ./jbang bench --runs 3 --long-runs 2            quicker, rougher
//   ./jbang bench --clients chat,devs,node --tokens 50000
//   ./jbang bench --documents                       Read Documents: indexing a 300-page PDF, and
//                                                   retrieval's cost to the first token (DocumentsBench.java)
//
// Run it from the repository root. The official SDKs (Python `groq`, node `groq-sdk`)
// are installed on first use, at pinned versions, in ~/.cache/bnagpt-bench (outside the
// repository); a client that cannot be installed is left out, with a note saying why.
// Peak memory comes from GNU time (`/usr/bin/time`, Debian package `time`).
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//SOURCES LocalGroq.java
// LocalGroq.java has a main of its own: name the one that runs the bench.
//MAIN bnagpt.Bench

package bnagpt;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class Bench {

    static final String MODEL = "openai/gpt-oss-120b";
    /** Our server takes any key; the SDKs refuse to start without one. */
    static final String FAKE_KEY = "bench-not-a-real-key";
    static final String GROQ_PYTHON_VERSION = "1.7.0";
    static final String GROQ_NODE_VERSION = "1.6.0";
    /** A run that takes longer than this has hung: it is stopped and counts as failed. */
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--documents")) { // its own script: only it needs the embedding model
            List<String> command = new ArrayList<>(List.of("./jbang", "scripts/DocumentsBench.java"));
            command.addAll(List.of(args).subList(1, args.length));
            System.exit(new ProcessBuilder(command).inheritIO().start().waitFor());
        }
        Options options = Options.parse(args);
        Path repo = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(repo.resolve("jbang")) || !Files.exists(repo.resolve("101s/chat.java"))) {
            fail("Run the bench from the repository root (where ./jbang and 101s/ are): ./jbang bench");
        }
        long started = System.nanoTime();
        Path work = Files.createTempDirectory("bnagpt-bench-");
        // At the end, and on Ctrl-C too: stop the client being timed, and tidy up.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            deleteTree(work);
        }));
        boolean chatFailed;
        try (LocalGroq server = LocalGroq.start(new LocalGroq.Options(0, 0, null, true))) {
            String machine = Machine.describe();
            Stopwatch stopwatch = Stopwatch.find(work);
            List<String> notes = new ArrayList<>(stopwatch.note().stream().toList());
            List<Client> clients = Client.prepare(options.clients(), work, server, notes);

            Workload oneShot = new Workload("\"hi\"", "hi", options.runs(), options.warmups(), false);
            Workload longAnswer = new Workload(shortCount(options.tokens()) + " tokens",
                    "go #mock:tokens=" + options.tokens(), options.longRuns(), options.warmups(), true);
            Trial trial = new Trial(repo, work, stopwatch, options.budgetSeconds());
            Map<Client, Cell> oneShotCells = trial.measure(oneShot, clients);
            Map<Client, Cell> longCells = trial.measure(longAnswer, clients);
            Cell pageStart = options.clients().contains("devs")
                    ? PageStart.measure(repo, work, server, options.pageRuns(), options.warmups()) : null;

            notes.add(String.format("The bench took %.0f s; load average %s at the end.",
                    (System.nanoTime() - started) / 1e9, Machine.loadAverage()));
            Report report = new Report(machine, server.baseUrl(), options, clients, oneShotCells, longCells, pageStart,
                    notes);
            System.out.print(report.markdown());
            System.out.flush();
            chatFailed = report.chatFailed();
        }
        System.exit(chatFailed ? 1 : 0); // a bench is no test: a missed target is no failure, a broken chat is
    }

    // ---------------------------------------------------------------------------------
    // 1. Options
    // ---------------------------------------------------------------------------------

    record Options(int runs, int longRuns, int warmups, int tokens, double budgetSeconds, List<String> clients,
                   int pageRuns) {

        static final List<String> ALL_CLIENTS = List.of("chat", "devs", "curl", "python", "node");

        static final String HELP = """
                Usage: ./jbang bench [options]     (from the repository root)

                Times our chat (./jbang 101s/chat.java), the devs app (./jbang devs ask, and its
                page's start), curl, and Groq's Python and node SDKs against a local server, and
                prints a markdown table of medians on stdout.

                Options:
                  --runs N        timed runs of the one-shot "hi", per client (default 7)
                  --long-runs N   timed runs of the long answer, per client (default 5)
                  --warmups N     runs discarded before timing, per client and workload (default 2;
                                  on the long answer only for clients that compile as they run:
                                  the JVM and node)
                  --tokens N      tokens in the long answer (default 200000)
                  --budget S      seconds one client may spend on one workload; its later runs are
                                  skipped and the table says how many ran (default 90)
                  --page-runs N   timed starts of the devs page (default 5; with the devs client)
                  --clients LIST  some of chat,devs,curl,python,node, comma-separated (default all)
                  -h, --help      this text
                """;

        static Options parse(String[] args) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("-h") || arg.equals("--help")) {
                    System.out.print(HELP);
                    System.exit(0);
                }
                if (!List.of("--runs", "--long-runs", "--warmups", "--tokens", "--budget", "--clients", "--page-runs")
                        .contains(arg)) {
                    fail("Unknown option " + arg + ". See --help.");
                }
                if (i + 1 >= args.length) {
                    fail(arg + " needs a value. See --help.");
                }
                values.put(arg, args[++i]);
            }
            List<String> clients = List.of(values.getOrDefault("--clients", String.join(",", ALL_CLIENTS)).split(","));
            for (String client : clients) {
                if (!ALL_CLIENTS.contains(client)) {
                    fail("Unknown client \"" + client + "\": choose among " + String.join(",", ALL_CLIENTS) + ".");
                }
            }
            return new Options(number(values, "--runs", 7, 1), number(values, "--long-runs", 5, 1),
                    number(values, "--warmups", 2, 0), number(values, "--tokens", 200_000, 1),
                    number(values, "--budget", 90, 1), clients, number(values, "--page-runs", 5, 1));
        }

        private static int number(Map<String, String> values, String option, int fallback, int least) {
            String value = values.get(option);
            if (value == null) {
                return fallback;
            }
            if (!value.matches("[0-9]{1,7}") || Integer.parseInt(value) < least) {
                fail(option + " needs a whole number of at least " + least + ", not \"" + value + "\".");
            }
            return Integer.parseInt(value);
        }
    }

    // ---------------------------------------------------------------------------------
    // 2. The clients: each a command that prints the answer, and nothing else, on stdout
    // ---------------------------------------------------------------------------------

    /**
     * A program that asks the server once and prints the answer on stdout.
     * {@code answerOf} turns what it printed into the answer's text, so every run can be
     * checked: a client that silently fails must not look fast.
     */
    record Client(String key, String name, Function<String, List<String>> command, Map<String, String> env,
                  boolean compilesAsItRuns, Function<byte[], String> answerOf) {

        static List<Client> prepare(List<String> keys, Path work, LocalGroq server, List<String> notes) {
            List<Client> clients = new ArrayList<>();
            for (String key : Options.ALL_CLIENTS) {
                if (!keys.contains(key)) {
                    continue;
                }
                try {
                    clients.add(switch (key) {
                        case "chat" -> chat(work, server);
                        case "devs" -> devs(work, server);
                        case "curl" -> curl(server);
                        case "python" -> python(server);
                        default -> node(server);
                    });
                } catch (SetupException e) {
                    notes.add("Left out " + key + ": " + e.getMessage());
                }
            }
            return clients;
        }

        /** Our script, through the wrapper, exactly as a user runs it, in a clean environment. */
        static Client chat(Path work, LocalGroq server) {
            Map<String, String> env = cleanEnvironment();
            passOn(env, "JAVA_HOME", "JBANG_DIR");
            env.put("GROQ_BASE_URL", server.baseUrl());
            env.put("BNAGPT_HOME", work.resolve("bnagpt-home").toString());
            return new Client("chat", "`./jbang 101s/chat.java -q --no-save`",
                    prompt -> List.of("./jbang", "101s/chat.java", "-q", "--no-save", prompt), env, true, Bench::text);
        }

        /**
         * The devs app's command-line view, through the wrapper: LangChain4j parses the stream.
         * --simple saves nothing, as chat's --no-save.
         */
        static Client devs(Path work, LocalGroq server) {
            Map<String, String> env = cleanEnvironment();
            passOn(env, "JAVA_HOME", "JBANG_DIR");
            env.put("GROQ_BASE_URL", server.baseUrl());
            env.put("BNAGPT_HOME", work.resolve("bnagpt-home").toString());
            return new Client("devs", "`./jbang devs ask --simple` (LangChain4j)",
                    prompt -> List.of("./jbang", "devs", "ask", "--simple", prompt), env, true, Bench::text);
        }

        /** The floor: curl moves the bytes and parses nothing. Its answer is read out of the raw stream. */
        static Client curl(LocalGroq server) {
            String version = firstLine(capture(Duration.ofSeconds(10), "curl", "--version"))
                    .orElseThrow(() -> new SetupException("curl is not installed (Debian package `curl`)."))
                    .split(" ")[1];
            return new Client("curl", "`curl -sN` " + version + " (floor: no parsing)", prompt -> List.of("curl", "-sN",
                    server.baseUrl() + "/chat/completions", "-H", "Content-Type: application/json",
                    "-H", "Authorization: Bearer " + FAKE_KEY, "--data-binary", requestBody(prompt)),
                    cleanEnvironment(), false, Bench::contentOfStream);
        }

        static Client python(LocalGroq server) {
            Path venv = cacheDirectory().resolve("python-groq-" + GROQ_PYTHON_VERSION);
            Path python = venv.resolve("bin/python");
            if (!Files.exists(venv.resolve("installed"))) {
                progress("Installing the Python SDK groq==" + GROQ_PYTHON_VERSION + " into " + venv + " ...");
                install(capture(Duration.ofMinutes(10), "python3", "-m", "venv", venv.toString()), "python3 -m venv");
                install(capture(Duration.ofMinutes(10), python.toString(), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "groq==" + GROQ_PYTHON_VERSION), "pip install groq");
                writeFile(venv.resolve("installed"), GROQ_PYTHON_VERSION + "\n");
            }
            Path script = venv.resolve("stream.py");
            writeFile(script, PYTHON_SCRIPT);
            String runtime = firstLine(capture(Duration.ofSeconds(10), python.toString(), "--version")).orElse("Python");
            return new Client("python", "`groq` " + GROQ_PYTHON_VERSION + " (" + runtime + ")",
                    prompt -> List.of(python.toString(), script.toString(), sdkBaseUrl(server), MODEL, prompt),
                    cleanEnvironment(), false, Bench::text);
        }

        static Client node(LocalGroq server) {
            Path prefix = cacheDirectory().resolve("node-groq-sdk-" + GROQ_NODE_VERSION);
            String runtime = firstLine(capture(Duration.ofSeconds(10), "node", "--version"))
                    .orElseThrow(() -> new SetupException("node is not installed (Debian packages `nodejs` and `npm`)."));
            if (!Files.exists(prefix.resolve("installed"))) {
                progress("Installing the node SDK groq-sdk@" + GROQ_NODE_VERSION + " into " + prefix + " ...");
                install(capture(Duration.ofMinutes(10), "npm", "install", "--prefix", prefix.toString(), "--no-audit",
                        "--no-fund", "--silent", "groq-sdk@" + GROQ_NODE_VERSION), "npm install groq-sdk");
                writeFile(prefix.resolve("installed"), GROQ_NODE_VERSION + "\n");
            }
            // Beside its node_modules, so that `import "groq-sdk"` finds the pinned copy.
            Path script = prefix.resolve("stream.mjs");
            writeFile(script, NODE_SCRIPT);
            return new Client("node", "`groq-sdk` " + GROQ_NODE_VERSION + " (node " + runtime + ")",
                    prompt -> List.of("node", script.toString(), sdkBaseUrl(server), MODEL, prompt),
                    cleanEnvironment(), true, Bench::text);
        }

        private static void install(Captured result, String what) {
            if (result.status() != 0) {
                throw new SetupException(what + " failed (exit " + result.status() + "): "
                        + lastLines(result.text(), 3) + ". The bench tries again next time.");
            }
        }

        /**
         * The SDKs take the host alone and add "/openai/v1/chat/completions" themselves,
         * where our chat wants the whole base URL. Both SDKs would also read GROQ_BASE_URL,
         * which is why their environment does not have it.
         */
        static String sdkBaseUrl(LocalGroq server) {
            String base = server.baseUrl();
            return base.substring(0, base.length() - LocalGroq.BASE_PATH.length());
        }

        /** Only what a program needs to start: nothing of ours leaks in (no key, no GROQ_BASE_URL). */
        static Map<String, String> cleanEnvironment() {
            Map<String, String> env = new LinkedHashMap<>();
            passOn(env, "PATH", "HOME");
            return env;
        }

        static void passOn(Map<String, String> env, String... names) {
            for (String name : names) {
                String value = System.getenv(name);
                if (value != null && !value.isBlank()) {
                    env.put(name, value);
                }
            }
        }

        @Override
        public String toString() {
            return key;
        }
    }

    /** The SDKs' streaming examples, as their READMEs show them, with the server and key given. */
    static final String PYTHON_SCRIPT = """
            import sys
            from groq import Groq

            base_url, model, prompt = sys.argv[1:4]
            client = Groq(base_url=base_url, api_key="%s", max_retries=0)
            stream = client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": prompt}], stream=True)
            for chunk in stream:
                if chunk.choices:
                    print(chunk.choices[0].delta.content or "", end="")
            print()
            """.formatted(FAKE_KEY);

    static final String NODE_SCRIPT = """
            import Groq from "groq-sdk";

            const [baseURL, model, prompt] = process.argv.slice(2);
            const groq = new Groq({ baseURL, apiKey: "%s", maxRetries: 0 });
            const stream = await groq.chat.completions.create({
              model, messages: [{ role: "user", content: prompt }], stream: true,
            });
            for await (const chunk of stream) {
              process.stdout.write(chunk.choices[0]?.delta?.content || "");
            }
            process.stdout.write("\\n");
            """.formatted(FAKE_KEY);

    /** The request every client sends, here written out for curl. */
    static String requestBody(String prompt) {
        return "{\"model\":" + LocalGroq.Json.quote(MODEL) + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + LocalGroq.Json.quote(prompt) + "}],\"stream\":true}";
    }

    static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("bnagpt-bench");
    }

    static final class SetupException extends RuntimeException {
        SetupException(String sentence) {
            super(sentence);
        }
    }

    // ---------------------------------------------------------------------------------
    // 3. What the answer must be: the server's own words, so every run can be checked
    // ---------------------------------------------------------------------------------

    /** A prompt, and how many times to run it. */
    record Workload(String name, String prompt, int runs, int warmups, boolean isLong) {

        /** LocalGroq echoes a plain prompt, and answers #mock:tokens=N with N pieces of a pangram. */
        String expectedAnswer() {
            Matcher tokens = Pattern.compile("#mock:tokens=([0-9]+)").matcher(prompt);
            if (!tokens.find()) {
                return LocalGroq.Answer.plainReply(List.of(prompt), Optional.empty());
            }
            StringBuilder answer = new StringBuilder();
            for (int i = 0; i < Integer.parseInt(tokens.group(1)); i++) {
                answer.append(LocalGroq.Answer.PANGRAM.get(i % LocalGroq.Answer.PANGRAM.size()));
            }
            return answer.toString();
        }

        /** Long answers are warmed up only where it changes something: code compiled as it runs. */
        int warmupsFor(Client client) {
            return isLong && !client.compilesAsItRuns() ? 0 : warmups;
        }
    }

    static String text(byte[] stdout) {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    private static final Pattern CONTENT = Pattern.compile("\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The answer inside a raw event stream: the "content" strings of its chunks, joined. */
    static String contentOfStream(byte[] stdout) {
        String stream = text(stdout);
        StringBuilder answer = new StringBuilder();
        Matcher content = CONTENT.matcher(stream);
        while (content.find()) {
            answer.append(unescape(content.group(1)));
        }
        return stream.strip().endsWith("data: [DONE]") ? answer.toString() : answer + " (no [DONE] at the end)";
    }

    private static String unescape(String json) {
        if (json.indexOf('\\') < 0) {
            return json;
        }
        return String.valueOf(LocalGroq.Json.parse("\"" + json + "\""));
    }

    // ---------------------------------------------------------------------------------
    // 4. Timing: wall clock from here, peak memory from GNU time
    // ---------------------------------------------------------------------------------

    /**
     * One finished run: its wall time; the CPU time of its whole tree, which a busy machine
     * disturbs less than the wall time; and its largest process's peak resident memory.
     * The last two are 0 when GNU time is missing.
     */
    record Run(double seconds, double cpuSeconds, long peakKib) {}

    /**
     * Starts a command and times it. GNU time reports the peak memory of the largest
     * process of the tree; for ./jbang that is JBang's launcher JVM or the chat's JVM,
     * which never overlap (the launcher exits, then the wrapper execs the chat).
     */
    record Stopwatch(Path gnuTime, Path report) {

        /** Peak resident memory in KiB, user and system CPU seconds. */
        static final String FORMAT = "%M %U %S";

        static Stopwatch find(Path work) {
            Path time = Path.of("/usr/bin/time");
            Path report = work.resolve("time.txt");
            boolean works = Files.isExecutable(time) && capture(Duration.ofSeconds(10), time.toString(), "-f", FORMAT,
                    "-o", report.toString(), "true").status() == 0 && readText(report).strip().matches("[0-9 .]+");
            return new Stopwatch(works ? time : null, report);
        }

        Optional<String> note() {
            return gnuTime != null ? Optional.empty() : Optional.of("Peak memory was not measured: GNU time is missing "
                    + "(/usr/bin/time). Install it with `sudo apt-get install time` (Debian, Ubuntu) and run again.");
        }

        Run run(List<String> command, Map<String, String> env, Path directory, Path stdout, Path stderr)
                throws IOException, InterruptedException {
            List<String> timed = new ArrayList<>();
            if (gnuTime != null) {
                timed.addAll(List.of(gnuTime.toString(), "-f", FORMAT, "-o", report.toString()));
            }
            timed.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(timed).directory(directory.toFile())
                    .redirectInput(new File("/dev/null")).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new IOException("it ran longer than " + RUN_TIMEOUT.toMinutes() + " minutes and was stopped");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (process.exitValue() != 0) {
                throw new IOException("it exited with status " + process.exitValue() + ": "
                        + lastLines(readText(stderr), 2));
            }
            if (gnuTime == null) {
                return new Run(seconds, 0, 0);
            }
            String[] lines = readText(report).strip().split("\n");
            String[] measured = lines[lines.length - 1].split(" "); // last: after any note about the exit status
            return new Run(seconds, Double.parseDouble(measured[1]) + Double.parseDouble(measured[2]),
                    Long.parseLong(measured[0]));
        }
    }

    /** The runs of one client on one workload, or why they stopped. */
    static final class Cell {
        final List<Run> runs = new ArrayList<>();
        double secondsSpent;
        String failure;
        boolean overBudget;

        boolean failed() {
            return failure != null;
        }

        double medianSeconds() {
            return median(runs.stream().map(Run::seconds).toList());
        }

        double medianCpuSeconds() {
            return median(runs.stream().map(Run::cpuSeconds).toList());
        }

        double medianPeakMib() {
            return median(runs.stream().map(run -> run.peakKib() / 1024.0).toList());
        }

        static double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    /**
     * Runs the workloads. Warm-up runs come first and are thrown away (JBang's build and
     * class archive, node's and the server's JIT). The timed runs go round by round, each
     * client once per round, so a burst of load elsewhere on the machine hits them all
     * alike rather than one client's whole series.
     */
    record Trial(Path repo, Path work, Stopwatch stopwatch, double budgetSeconds) {

        Map<Client, Cell> measure(Workload workload, List<Client> clients) throws IOException, InterruptedException {
            String expected = workload.expectedAnswer();
            Map<Client, Cell> cells = new LinkedHashMap<>();
            for (Client client : clients) {
                Cell cell = new Cell();
                cells.put(client, cell);
                for (int i = 1; i <= workload.warmupsFor(client) && !cell.failed(); i++) {
                    runOnce(client, workload, expected, cell, "warm-up " + i + "/" + workload.warmupsFor(client));
                }
            }
            for (int round = 1; round <= workload.runs(); round++) {
                for (Client client : clients) {
                    Cell cell = cells.get(client);
                    if (cell.failed() || cell.overBudget) {
                        continue;
                    }
                    // Stop before a run that would take this client past its budget, once it has a timing.
                    double lastRun = cell.runs.isEmpty() ? 0 : cell.runs.get(cell.runs.size() - 1).seconds();
                    if (!cell.runs.isEmpty() && cell.secondsSpent + lastRun > budgetSeconds) {
                        cell.overBudget = true;
                        progress(String.format("  %-7s %-15s stops after %d of %d runs: each takes %.0f s (--budget %.0f)",
                                client, workload.name(), cell.runs.size(), workload.runs(), lastRun, budgetSeconds));
                        continue;
                    }
                    Run run = runOnce(client, workload, expected, cell, "run " + round + "/" + workload.runs());
                    if (run != null) {
                        cell.runs.add(run);
                    }
                }
            }
            return cells;
        }

        /** One run, checked: the whole answer, and only the answer, must be on stdout. */
        private Run runOnce(Client client, Workload workload, String expected, Cell cell, String label)
                throws IOException, InterruptedException {
            Path stdout = work.resolve("stdout");
            Path stderr = work.resolve("stderr");
            Run run;
            try {
                run = stopwatch.run(client.command().apply(workload.prompt()), client.env(), repo, stdout, stderr);
            } catch (IOException e) {
                cell.failure = e.getMessage();
                progress(String.format("  %-7s %-15s %-12s FAILED: %s", client, workload.name(), label, e.getMessage()));
                return null;
            }
            cell.secondsSpent += run.seconds();
            String answer = client.answerOf().apply(Files.readAllBytes(stdout));
            answer = answer.endsWith("\n") ? answer.substring(0, answer.length() - 1) : answer;
            if (!answer.equals(expected)) {
                cell.failure = String.format("its stdout held %,d characters that are not the %,d-character answer: %s",
                        answer.length(), expected.length(), shorten(answer.isEmpty() ? lastLines(readText(stderr), 2)
                                : answer));
                progress(String.format("  %-7s %-15s %-12s FAILED: %s", client, workload.name(), label, cell.failure));
                return null;
            }
            progress(String.format("  %-7s %-15s %-12s %7.2f s%s", client, workload.name(), label, run.seconds(),
                    run.peakKib() == 0 ? "" : String.format("  (CPU %.2f s, %.0f MiB)", run.cpuSeconds(),
                            run.peakKib() / 1024.0)));
            return run;
        }
    }

    // ---------------------------------------------------------------------------------
    // 5. The report: a markdown table, the targets, and notes
    // ---------------------------------------------------------------------------------

    record Report(String machine, String server, Options options, List<Client> clients, Map<Client, Cell> oneShot,
                  Map<Client, Cell> longAnswer, Cell pageStart, List<String> notes) {

        static final double ONE_SHOT_TARGET_SECONDS = 1.0;
        static final double LONG_ANSWER_TARGET_RATIO = 0.35;
        static final double PEAK_TARGET_MIB = 90;
        static final double DEVS_LONG_ANSWER_TARGET_RATIO = 1.0;
        static final double PAGE_START_TARGET_SECONDS = 3.0;

        String markdown() {
            StringBuilder out = new StringBuilder();
            out.append("## bnaGPT bench\n\n").append(machine).append("\n\n");
            out.append("Server: LocalGroq inside the bench's JVM at ").append(server).append(", unpaced. Each client's ")
                    .append("stdout goes to a file that is checked, after every run, against the answer the server sent.\n\n");
            String tokens = shortCount(options.tokens());
            out.append("| client | warm one-shot \"hi\": median s | peak RSS MiB | ").append(tokens)
                    .append("-token answer: median s | ratio vs groq-sdk (node) |\n");
            out.append("|---|---:|---:|---:|---:|\n");
            Optional<Cell> node = cellOf("node", longAnswer).filter(cell -> !cell.failed());
            for (Client client : clients) {
                Cell fast = oneShot.get(client);
                Cell slow = longAnswer.get(client);
                String ratio = node.isEmpty() || slow.failed() ? "n/a"
                        : String.format("%.2f×", slow.medianSeconds() / node.get().medianSeconds());
                out.append("| ").append(client.name()).append(" | ").append(seconds(fast, options.runs())).append(" | ")
                        .append(fast.failed() || fast.runs.get(0).peakKib() == 0 ? "n/a"
                                : String.format("%.0f", fast.medianPeakMib()))
                        .append(" | ").append(seconds(slow, options.longRuns())).append(" | ").append(ratio).append(" |\n");
            }
            if (stopwatchWorked()) {
                out.append("\nCPU seconds (user + system, the whole process tree), medians of the same runs: a busy ")
                        .append("machine stretches the wall clock more than these.\n\n");
                out.append("| client | one-shot CPU s | ").append(tokens).append("-token answer CPU s |\n|---|---:|---:|\n");
                for (Client client : clients) {
                    out.append("| ").append(client.name()).append(" | ").append(cpuSeconds(oneShot.get(client)))
                            .append(" | ").append(cpuSeconds(longAnswer.get(client))).append(" |\n");
                }
            }
            out.append("\nMedians of ").append(options.runs()).append(" (one-shot) and ").append(options.longRuns())
                    .append(" (long answer) timed runs, after ").append(options.warmups()).append(" warm-ups that are ")
                    .append("not counted; peak RSS is the median over the one-shot runs of GNU time's %M.\n\n");
            out.append(targets());
            out.append(devsTargets());
            List<String> allNotes = new ArrayList<>();
            for (Client client : clients) {
                failureNote(client, "one-shot", oneShot.get(client)).ifPresent(allNotes::add);
                failureNote(client, tokens + "-token answer", longAnswer.get(client)).ifPresent(allNotes::add);
            }
            if (pageStart != null && pageStart.failed()) {
                allNotes.add("The devs page's start failed: " + pageStart.failure);
            }
            allNotes.addAll(notes);
            out.append("\nNotes:\n");
            allNotes.forEach(note -> out.append("- ").append(note).append('\n'));
            return out.toString();
        }

        private static Optional<String> failureNote(Client client, String workload, Cell cell) {
            return cell.failed() ? Optional.of(client.name() + " failed on the " + workload + ": " + cell.failure)
                    : Optional.empty();
        }

        private String targets() {
            Optional<Cell> fast = cellOf("chat", oneShot).filter(cell -> !cell.failed());
            Optional<Cell> slow = cellOf("chat", longAnswer).filter(cell -> !cell.failed());
            Optional<Cell> node = cellOf("node", longAnswer).filter(cell -> !cell.failed());
            StringBuilder out = new StringBuilder("Targets for `./jbang 101s/chat.java`:\n");
            out.append(target(String.format("warm one-shot \"hi\" median ≤ %.1f s", ONE_SHOT_TARGET_SECONDS),
                    fast.map(cell -> new double[] {cell.medianSeconds(), ONE_SHOT_TARGET_SECONDS}), "%.2f s"));
            out.append(target(String.format("%s-token answer ≤ %.2f × groq-sdk (node)", shortCount(options.tokens()),
                            LONG_ANSWER_TARGET_RATIO),
                    slow.flatMap(chat -> node.map(sdk -> new double[] {
                            chat.medianSeconds() / sdk.medianSeconds(), LONG_ANSWER_TARGET_RATIO})), "%.2f ×"));
            out.append(target(String.format("peak memory of a one-shot ≤ %.0f MiB", PEAK_TARGET_MIB),
                    fast.filter(cell -> cell.runs.get(0).peakKib() > 0)
                            .map(cell -> new double[] {cell.medianPeakMib(), PEAK_TARGET_MIB}), "%.0f MiB"));
            return out.toString();
        }

        /** The devs track's goals (issue 13): LangChain4j no slower than the node SDK, the page up within 3 s. */
        private String devsTargets() {
            Optional<Cell> devs = cellOf("devs", longAnswer).filter(cell -> !cell.failed());
            Optional<Cell> node = cellOf("node", longAnswer).filter(cell -> !cell.failed());
            if (cellOf("devs", longAnswer).isEmpty()) {
                return "";
            }
            StringBuilder out = new StringBuilder("\nTargets for the devs app:\n");
            out.append(target(String.format("`./jbang devs ask` %s-token answer ≤ %.1f × groq-sdk (node)",
                            shortCount(options.tokens()), DEVS_LONG_ANSWER_TARGET_RATIO),
                    devs.flatMap(mine -> node.map(sdk -> new double[] {
                            mine.medianSeconds() / sdk.medianSeconds(), DEVS_LONG_ANSWER_TARGET_RATIO})), "%.2f ×"));
            Optional<Cell> page = Optional.ofNullable(pageStart).filter(cell -> !cell.failed() && !cell.runs.isEmpty());
            out.append(target(String.format("`./jbang devs --no-browser --port P` to its first page, median of %d "
                            + "warm starts, ≤ %.0f s", options.pageRuns(), PAGE_START_TARGET_SECONDS),
                    page.map(cell -> new double[] {cell.medianSeconds(), PAGE_START_TARGET_SECONDS}), "%.2f s"));
            return out.toString();
        }

        /** A line of the targets: measured against the limit, or why it could not be. */
        private static String target(String what, Optional<double[]> measuredAndLimit, String format) {
            if (measuredAndLimit.isEmpty()) {
                return "- " + what + ": not measured (a client it needs was left out or failed: see the notes)\n";
            }
            double measured = measuredAndLimit.get()[0];
            boolean met = measured <= measuredAndLimit.get()[1];
            return "- " + what + ": " + String.format(format, measured) + " — " + (met ? "met" : "**missed**") + "\n";
        }

        boolean chatFailed() {
            return Stream.of(oneShot, longAnswer).anyMatch(cells -> Stream.of("chat", "devs")
                    .anyMatch(key -> cellOf(key, cells).filter(Cell::failed).isPresent()));
        }

        private Optional<Cell> cellOf(String key, Map<Client, Cell> cells) {
            return clients.stream().filter(client -> client.key().equals(key)).findFirst().map(cells::get);
        }

        private boolean stopwatchWorked() {
            return Stream.of(oneShot, longAnswer).flatMap(cells -> cells.values().stream())
                    .anyMatch(cell -> !cell.runs.isEmpty() && cell.runs.get(0).peakKib() > 0);
        }

        private static String cpuSeconds(Cell cell) {
            return cell.failed() || cell.runs.isEmpty() ? "n/a" : String.format("%.2f", cell.medianCpuSeconds());
        }

        private static String seconds(Cell cell, int planned) {
            if (cell.failed()) {
                return "failed (see notes)";
            }
            String median = String.format("%.2f", cell.medianSeconds());
            return cell.runs.size() < planned ? median + " (" + cell.runs.size() + " runs)" : median;
        }
    }

    /** Cores, CPU, the Java that ./jbang will use, the date, and how busy the machine is. */
    static final class Machine {
        static String describe() {
            String cpu = readText(Path.of("/proc/cpuinfo")).lines().filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
            String javaHome = System.getenv("JAVA_HOME");
            String java = javaHome != null && !javaHome.isBlank() ? Path.of(javaHome, "bin", "java").toString() : "java";
            String javaVersion = String.join(" / ", capture(Duration.ofSeconds(30), java, "-version").text().strip()
                    .lines().toList());
            return String.format("Machine: %d cores (%s); %s; %s; load average %s before the bench.",
                    Runtime.getRuntime().availableProcessors(), cpu, javaVersion,
                    ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz")), loadAverage());
        }

        /** Runnable processes over the last 1, 5 and 15 minutes: above the core count, timings stretch. */
        static String loadAverage() {
            String[] loadavg = (readText(Path.of("/proc/loadavg")) + " ? ? ?").split(" ");
            return loadavg[0] + " " + loadavg[1] + " " + loadavg[2];
        }
    }

    // ---------------------------------------------------------------------------------
    // 6. The devs page's start: from the command to the first page answered
    // ---------------------------------------------------------------------------------

    /**
     * Starts `./jbang devs --no-browser --port P` and times it until its page first answers
     * an HTTP request (any status: the page is up). It asks the address the server prints on
     * stdout, or port P until it prints one, so a version that listens elsewhere is timed too.
     */
    static final class PageStart {
        private static final Pattern ADDRESS = Pattern.compile("https?://\\S+");

        static Cell measure(Path repo, Path work, LocalGroq server, int runs, int warmups) {
            Cell cell = new Cell();
            for (int i = 1; i <= warmups + runs && !cell.failed(); i++) {
                String label = i <= warmups ? "warm-up " + i + "/" + warmups : "run " + (i - warmups) + "/" + runs;
                try {
                    double seconds = once(repo, work, server);
                    progress(String.format("  %-7s %-15s %-12s %7.2f s", "devs", "page start", label, seconds));
                    if (i > warmups) {
                        cell.runs.add(new Run(seconds, 0, 0));
                    }
                } catch (IOException e) {
                    cell.failure = e.getMessage();
                    progress(String.format("  %-7s %-15s %-12s FAILED: %s", "devs", "page start", label, e.getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cell.failure = "interrupted";
                }
            }
            return cell;
        }

        static double once(Path repo, Path work, LocalGroq server) throws IOException, InterruptedException {
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Map<String, String> env = Client.cleanEnvironment();
            Client.passOn(env, "JAVA_HOME", "JBANG_DIR");
            env.put("GROQ_BASE_URL", server.baseUrl());
            env.put("BNAGPT_HOME", work.resolve("bnagpt-home").toString());
            Path stdout = work.resolve("page-stdout");
            Path stderr = work.resolve("page-stderr");
            ProcessBuilder builder = new ProcessBuilder("./jbang", "devs", "--no-browser", "--port", String.valueOf(port))
                    .directory(repo.toFile()).redirectInput(new File("/dev/null"))
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(1)).build();
            long start = System.nanoTime();
            Process process = builder.start();
            try {
                while (System.nanoTime() - start < Duration.ofMinutes(1).toNanos()) {
                    if (!process.isAlive()) {
                        throw new IOException("it exited with status " + process.exitValue() + ": "
                                + lastLines(readText(stderr), 2));
                    }
                    Matcher printed = ADDRESS.matcher(readText(stdout));
                    java.net.URI address = java.net.URI.create(printed.find() ? printed.group()
                            : "http://127.0.0.1:" + port + "/");
                    try {
                        http.send(java.net.http.HttpRequest.newBuilder(address).timeout(Duration.ofSeconds(2)).build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding());
                        return (System.nanoTime() - start) / 1e9;
                    } catch (IOException e) {
                        Thread.sleep(20); // not listening yet
                    }
                }
                throw new IOException("no page answered within a minute of the start");
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        }
    }

    // ---------------------------------------------------------------------------------
    // Small helpers
    // ---------------------------------------------------------------------------------

    record Captured(int status, String text) {}

    /** Runs a short command and returns its exit status and output (stdout and stderr together). */
    static Captured capture(Duration timeout, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(new File("/dev/null")).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Captured(-1, "timed out after " + timeout.toSeconds() + " s");
            }
            return new Captured(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Captured(-1, e.getMessage()); // not installed: the caller says what to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Captured(-1, "interrupted");
        }
    }

    static Optional<String> firstLine(Captured result) {
        return result.status() == 0 ? result.text().lines().findFirst() : Optional.empty();
    }

    static String lastLines(String text, int count) {
        List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        return lines.isEmpty() ? "(nothing on stderr)"
                : String.join(" / ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    static String shorten(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "...";
    }

    /** 200000 -> "200k", 1500 -> "1,500". */
    static String shortCount(int count) {
        return count % 1000 == 0 ? count / 1000 + "k" : String.format("%,d", count);
    }

    static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    static void writeFile(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new SetupException("could not write " + file + ": " + e.getMessage());
        }
    }

    /** Best effort: a temporary folder left behind is harmless. */
    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            progress("Could not delete " + root + ": " + e.getMessage());
        }
    }

    static void progress(String line) {
        System.err.println(line);
    }

    static void fail(String sentence) {
        System.err.println(sentence);
        System.exit(2);
    }
}
