package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import bnagpt.devs.model.DocumentText;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.Passage;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read Documents in the devs app, below the views: reading .txt, .md and .pdf (and refusing
 * what cannot be read, in one sentence), a short document whole and a long one by its
 * closest passages, sent before the question against the local Groq server, cited by page,
 * and an index that is reused rather than embedded again.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsDocumentsTest {
    /** The embedding model, created once for the class (on the tests' class path), counted per test. */
    static final Supplier<EmbeddingModel> MODEL = new EmbeddingModelFetcher(Map.of(), sentence -> { });

    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;

    final DocumentReader reader = new DocumentReader();
    final CountingModel model = new CountingModel();

    Documents documents() {
        return new Documents(new AttachmentStore(home), reader, () -> model);
    }

    Llm llm() {
        return new OpenAiCompatibleLlm(groq.baseUrl(), "gsk_fake_documents_test", Clients.MODEL, Limits.DEFAULT,
                RetryPolicy.DEFAULT, OpenAiCompatibleLlm.httpClient(Map.of()));
    }

    ChatEngine engine(Documents documents, ConversationStore store) {
        Llm llm = llm();
        return new DocumentsEngine(llm, l -> new ChatbotWithMemoryEngine(l, store, 1 << 20, Duration.ZERO), documents,
                store);
    }

    @Test
    void a_pdf_is_read_page_by_page() throws Exception {
        DocumentText text = reader.read("report.pdf", SamplePdf.of(3, page -> "This is page " + page + "."));
        assertTrue(text.paged());
        assertEquals(List.of("This is page 1.", "This is page 2.", "This is page 3."), text.pages());
        assertEquals(3, text.pageNumber(2));
    }

    @Test
    void text_and_markdown_are_read_as_utf8_without_pages() {
        DocumentText text = reader.read("notes.md", "\uFEFF# Café\nCrème brûlée.".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("# Café\nCrème brûlée."), text.pages());
        assertEquals(0, text.pageNumber(0));
    }

    @Test
    void an_encrypted_pdf_is_one_sentence() throws Exception {
        String sentence = refusal(() -> documents().attach("locked.pdf", SamplePdf.encrypted()));
        assertEquals("\"locked.pdf\" is encrypted with a password, so it cannot be read: attach a copy saved without "
                + "the password.", sentence);
    }

    @Test
    void a_scanned_pdf_has_no_text_to_read() throws Exception {
        String sentence = refusal(() -> documents().attach("scan.pdf", SamplePdf.scanned(2)));
        assertTrue(sentence.startsWith("\"scan.pdf\" has no text to read (a scan?)"), sentence);
    }

    @Test
    void a_binary_file_named_txt_is_refused_whether_it_holds_nul_bytes_or_bad_utf8() {
        byte[] nul = {'h', 'i', 0, 1, 2};
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] bytes : List.of(nul, latin1)) {
            String sentence = refusal(() -> documents().attach("photo.txt", bytes));
            assertTrue(sentence.startsWith("\"photo.txt\" is not UTF-8 text (a binary file?)"), sentence);
        }
    }

    @Test
    void a_100_mb_file_is_refused_by_its_size_before_it_is_read() throws Exception {
        Path big = home.resolve("big.pdf");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(100L << 20); // sparse: nothing to read would make the test slow
        }
        String sentence = refusal(() -> documents().attach(big));
        assertEquals("\"big.pdf\" is 100 MB; documents up to 32 MB can be attached. Attach a part of it.", sentence);
        assertFalse(Files.exists(new AttachmentStore(home).folder()), "nothing was kept");
    }

    @Test
    void a_short_document_goes_whole_before_the_question_and_the_saved_question_stays_as_written() {
        Documents documents = documents();
        Attachment notes = documents.attach("notes.txt", "The launch code is 4711.".getBytes(StandardCharsets.UTF_8));
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = new Conversation();
        ChatEngine.Turn turn = engine(documents, store).answer(conversation,
                new Question("What is the launch code?", List.of(notes), Set.of()), new RecordingListener(), new Stop());
        assertTrue(groq.lastRequestBody().contains("--- notes.txt ---\\nThe launch code is 4711."), groq.lastRequestBody());
        assertEquals(List.of(new Passage("notes.txt", 0, "The launch code is 4711.")), turn.answer().passages());
        Conversation saved = store.load(conversation.id());
        assertEquals("What is the launch code?", saved.messages().get(0).content());
        assertEquals(turn.answer().passages(), saved.messages().get(1).passages());
        assertEquals(0, model.embedded.get(), "a short document needs no embedding model");
    }

    @Test
    void a_long_pdf_sends_its_closest_passages_and_the_answer_cites_their_page() throws Exception {
        Documents documents = documents();
        Attachment report = documents.attach("report.pdf", SamplePdf.report(30));
        Conversation conversation = new Conversation();
        ChatEngine.Turn turn = engine(documents, new ConversationStore(home)).answer(conversation,
                new Question("How many tonnes did the cherry harvest of the south plateau reach?", List.of(report),
                        Set.of()), new RecordingListener(), new Stop());
        List<Passage> passages = turn.answer().passages();
        assertTrue(passages.size() >= 1 && passages.size() <= Documents.MOST_PASSAGES, passages.toString());
        assertEquals(2, passages.get(0).page(), "page 2 is the one on cherries in the south plateau: " + passages);
        assertTrue(turn.answer().content().contains("(report.pdf, p. 2)"), "the model is told how to cite");
        assertTrue(turn.answer().content().contains("--- report.pdf, p. 2 ---"), turn.answer().content());
        assertTrue(groq.lastRequestBody().contains("1074 tonnes"), "page 2's text reached the request");
    }

    /** One sentence that answers, among 400 look-alikes: at 800-character passages MiniLM ranked it nowhere. */
    @Test
    void the_one_sentence_that_answers_is_found_among_four_hundred_that_look_alike() {
        StringBuilder text = new StringBuilder();
        java.util.Random random = new java.util.Random(1);
        String[] sides = {"north", "south", "east"};
        String[] fruit = {"apples", "pears", "plums"};
        for (int i = 0; i < 400; i++) {
            text.append(i == 250 ? "Paragraph 250: the lighthouse keeper named Ottilie counted 77 ships in the storm of 1932."
                    : "Paragraph " + i + ": the " + sides[random.nextInt(3)] + " orchard grew " + random.nextInt(900)
                            + " tonnes of " + fruit[random.nextInt(3)] + " in year " + (1900 + i) + ".").append("\n\n");
        }
        Documents documents = documents();
        Attachment notes = documents.attach("notes.txt", text.toString().getBytes(StandardCharsets.UTF_8));
        Documents.Reading reading = documents.read(List.of(notes), "How many ships did the lighthouse keeper Ottilie count?");
        assertTrue(reading.passages().get(0).text().contains("Ottilie counted 77 ships"), reading.passages().toString());
    }

    @Test
    void reopening_a_long_document_reads_its_index_instead_of_embedding_again() throws Exception {
        byte[] pdf = SamplePdf.report(30);
        Attachment report = documents().attach("report.pdf", pdf);
        assertEquals(1, model.batches.get());
        Path index = new AttachmentStore(home).folder().resolve(report.file().replace(".pdf", bnagpt.devs.llm.RetrievalIndex.SUFFIX));
        assertTrue(Files.isRegularFile(index), "the index is kept beside the document");
        Files.setLastModifiedTime(index, FileTime.fromMillis(1_000_000_000_000L));
        // another start of the app: new Documents, the same files
        Documents.Reading reading = documents().read(List.of(report), "What grew in the river delta?");
        assertFalse(reading.passages().isEmpty());
        assertEquals(1, model.batches.get(), "no passage was embedded again");
        assertEquals(FileTime.fromMillis(1_000_000_000_000L), Files.getLastModifiedTime(index));
        documents().attach("same-report-elsewhere.pdf", pdf);
        assertEquals(1, model.batches.get(), "the same file attached again is not embedded again either");
    }

    @Test
    void a_chat_without_documents_never_creates_the_embedding_models_class_loader() throws Exception {
        EmbeddingModelFetcher fetcher = new EmbeddingModelFetcher(Map.of("JBANG_LAUNCH_CMD",
                Repo.file("jbang").toString()), sentence -> { }, withoutTheModel());
        Documents documents = new Documents(new AttachmentStore(home), reader, fetcher);
        ChatEngine engine = engine(documents, new ConversationStore(home));
        Conversation conversation = new Conversation();
        ChatEngine.Turn turn = engine.answer(conversation, Question.of("hi"), new RecordingListener(), new Stop());
        assertTrue(turn.answer().content().startsWith("You said \"hi\"."), turn.answer().content());
        assertTrue(turn.answer().passages().isEmpty());
        assertNull(fetcher.loader(), "a plain chat did not fetch or load the model");
        // the same engine, once a long document is attached: now, and only now, the model is loaded
        Attachment report = documents.attach("report.pdf", SamplePdf.report(30));
        engine.answer(conversation, new Question("What grew on the east coast?", List.of(report), Set.of()),
                new RecordingListener(), new Stop());
        assertEquals("bnagpt-embeddings", fetcher.loader().getName());
    }

    @Test
    void the_launcher_does_not_list_the_embedding_model_so_a_first_download_does_not_fetch_it() throws Exception {
        String launcher = Files.readString(Repo.file("devs/bnagpt.java"));
        assertTrue(launcher.contains("//DEPS org.apache.pdfbox:pdfbox:"), "the test reads the right file");
        assertFalse(launcher.contains("//DEPS dev.langchain4j:langchain4j-embeddings"), launcher);
    }

    @Test
    void offline_a_long_document_is_a_sentence_and_a_short_one_still_works() throws Exception {
        Path jbang = Files.writeString(home.resolve("offline-jbang"), "#!/bin/sh\necho '[jbang] Could not resolve' >&2\nexit 1\n");
        jbang.toFile().setExecutable(true);
        List<String> said = new ArrayList<>();
        EmbeddingModelFetcher offline = new EmbeddingModelFetcher(Map.of("JBANG_LAUNCH_CMD", jbang.toString(),
                "JBANG_REPO", home.resolve("empty-repository").toString()), said::add, withoutTheModel());
        Documents documents = new Documents(new AttachmentStore(home), reader, offline);
        String sentence = refusal(() -> documents.attach("report.pdf", SamplePdf.report(30)));
        assertTrue(sentence.startsWith("The embedding model for long documents could not be fetched (offline?)"), sentence);
        assertEquals(List.of("Fetching the embedding model for long documents (about 130 MB, once)..."), said);
        assertEquals("notes.txt", documents.attach("notes.txt", "short".getBytes(StandardCharsets.UTF_8)).name());
    }

    @Test
    void without_jbang_a_long_document_says_how_to_start_bnagpt() {
        EmbeddingModelFetcher fetcher = new EmbeddingModelFetcher(Map.of("JBANG_LAUNCH_CMD", "/nonexistent/jbang"),
                sentence -> { }, withoutTheModel());
        String sentence = assertThrows(EmbeddingModelFetcher.Unavailable.class, fetcher::get).getMessage();
        assertTrue(sentence.contains("JBang was not found: start bnaGPT with ./jbang devs"), sentence);
    }

    @Test
    void the_model_comes_from_jbang_in_a_class_loader_of_its_own_when_the_app_lacks_it() {
        EmbeddingModelFetcher fetcher = new EmbeddingModelFetcher(Map.of("JBANG_LAUNCH_CMD",
                Repo.file("jbang").toString()), sentence -> { }, withoutTheModel());
        EmbeddingModel fetched = fetcher.get();
        assertEquals("bnagpt-embeddings", fetcher.loader().getName());
        assertEquals(fetcher.loader(), fetched.getClass().getClassLoader());
        assertEquals(384, fetched.embed("a question").content().dimension());
        assertSame(fetched, fetcher.get(), "created once");
    }

    /** The tests' class loader, but as the app's: without the model's classes (its jar is not on the app's path). */
    static ClassLoader withoutTheModel() {
        return new ClassLoader("app-without-the-model", DevsDocumentsTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("dev.langchain4j.model.embedding.onnx.allminilml6v2q.")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
    }

    interface Attaching {
        Object run() throws Exception;
    }

    static String refusal(Attaching attaching) {
        return assertThrows(Documents.Refused.class, attaching::run).getMessage();
    }

    /** The real model, with its calls counted. */
    static final class CountingModel implements EmbeddingModel {
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger embedded = new AtomicInteger();

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            if (segments.size() > 1) {
                batches.incrementAndGet();
            }
            embedded.addAndGet(segments.size());
            return MODEL.get().embedAll(segments);
        }
    }
}
