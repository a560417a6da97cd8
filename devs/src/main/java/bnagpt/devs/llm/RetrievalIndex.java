package bnagpt.devs.llm;

import bnagpt.devs.model.DocumentText;
import bnagpt.devs.model.Passage;
import bnagpt.devs.model.PrivateFiles;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A long document made searchable by meaning: split into passages (LangChain4j's recursive
 * splitter, by paragraph, then line, then sentence; each page apart, so a passage knows its
 * page), each passage embedded, the whole kept in an InMemoryEmbeddingStore. The store is
 * written beside the document as JSON, named by the document's hash and the splitter's
 * settings, so reopening the conversation (or attaching the same file elsewhere) reads it
 * back instead of embedding again; other settings make another file, never a wrong one.
 */
public final class RetrievalIndex {
    /**
     * Passages of a short paragraph. MiniLM was trained on sentences: in 800 characters one
     * sentence that answers the question is drowned by its neighbours (a test document with one
     * odd sentence among 400 look-alikes ranked it nowhere at 800, first at 400 or less).
     */
    public static final int PASSAGE_CHARACTERS = 400;
    public static final int OVERLAP_CHARACTERS = 40;
    /** The suffix of an index file: what changes the passages is in it. */
    public static final String SUFFIX = ".index-minilm-q-" + PASSAGE_CHARACTERS + "-" + OVERLAP_CHARACTERS + ".json";
    private static final String PAGE = "page";

    private final InMemoryEmbeddingStore<TextSegment> store;

    private RetrievalIndex(InMemoryEmbeddingStore<TextSegment> store) {
        this.store = store;
    }

    /** The index kept at FILE, or one built from TEXT with the model (only then asked for) and kept there. */
    public static RetrievalIndex of(Path file, Supplier<DocumentText> text, Supplier<EmbeddingModel> model) {
        if (Files.isRegularFile(file)) {
            try {
                return new RetrievalIndex(InMemoryEmbeddingStore.fromJson(Files.readString(file)));
            } catch (IOException | RuntimeException e) {
                // a damaged index is built again below, and replaces it
            }
        }
        RetrievalIndex index = build(text.get(), model.get());
        try {
            PrivateFiles.write(file, index.store.serializeToJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the index serves this time; it is built again next time
        }
        return index;
    }

    /** Splits TEXT page by page and embeds every passage. */
    static RetrievalIndex build(DocumentText text, EmbeddingModel model) {
        List<Document> pages = new ArrayList<>();
        for (int i = 0; i < text.pages().size(); i++) {
            if (!text.pages().get(i).isBlank()) {
                pages.add(Document.from(text.pages().get(i), Metadata.from(Map.of(PAGE, text.pageNumber(i)))));
            }
        }
        DocumentSplitter splitter = DocumentSplitters.recursive(PASSAGE_CHARACTERS, OVERLAP_CHARACTERS);
        List<TextSegment> passages = splitter.splitAll(pages);
        List<Embedding> embeddings = model.embedAll(passages).content();
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        store.addAll(IntStream.range(0, passages.size()).mapToObj(i -> "passage-" + i).toList(), embeddings, passages);
        return new RetrievalIndex(store);
    }

    public int size() {
        return store.size();
    }

    /** The passages closest to QUESTION (at most MOST, none below MIN_SCORE), best first, named NAME. */
    public List<Scored> search(Embedding question, String name, int most, double minScore) {
        List<Scored> found = new ArrayList<>();
        for (EmbeddingMatch<TextSegment> match : store.search(EmbeddingSearchRequest.builder().queryEmbedding(question)
                .maxResults(most).minScore(minScore).build()).matches()) {
            Integer page = match.embedded().metadata().getInteger(PAGE);
            found.add(new Scored(new Passage(name, page == null ? 0 : page, match.embedded().text()), match.score()));
        }
        return found;
    }

    /** A passage and how close it is to the question (0 to 1). */
    public record Scored(Passage passage, double score) {}
}
