package bnagpt.devs.controller;

import bnagpt.devs.llm.EmbeddingModelFetcher;
import bnagpt.devs.llm.RetrievalIndex;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.DocumentReader;
import bnagpt.devs.model.DocumentText;
import bnagpt.devs.model.Passage;
import bnagpt.devs.model.StoreException;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The documents of a conversation: attached (read first, so a file that cannot be read is
 * refused with its sentence before anything is kept), then read for each question. A short
 * document goes whole into the context; a long one is searched by meaning (RetrievalIndex)
 * and only its passages closest to the question go. The embedding model is asked for only
 * when a long document is read: a chat without one never loads it.
 */
public final class Documents {
    /** Up to this many characters, a document is read whole (about 3,000 tokens). */
    public static final int WHOLE_CHARACTERS = 12_000;
    /** The most characters of whole documents in one question; longer ones are searched instead. */
    public static final int MOST_WHOLE_CHARACTERS = 24_000;
    /** The passages of long documents sent with a question, and how close (0 to 1) each must be. */
    public static final int MOST_PASSAGES = 6;
    public static final double MIN_SCORE = 0.55;
    /** The indexes kept in memory between questions (a 300-page one holds a few MB). */
    private static final int INDEXES_KEPT = 8;

    private final AttachmentStore files;
    private final DocumentReader reader;
    private final Supplier<EmbeddingModel> model;
    private final Map<String, RetrievalIndex> indexes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RetrievalIndex> eldest) {
            return size() > INDEXES_KEPT;
        }
    };

    public Documents(AttachmentStore files, DocumentReader reader, Supplier<EmbeddingModel> model) {
        this.files = files;
        this.reader = reader;
        this.model = model;
    }

    /** What a question is sent with: the text put before it, and the passages it holds. */
    public record Reading(String context, List<Passage> passages) {}

    /** Attaches the file at PATH: refused by its size before it is read. */
    public Attachment attach(Path path) {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        try (InputStream in = Files.newInputStream(path)) {
            DocumentReader.checkSize(name, Files.size(path));
            return attach(name, in.readNBytes((int) DocumentReader.LARGEST_FILE + 1));
        } catch (NoSuchFileException e) {
            throw new Refused("There is no file " + path + " to attach.");
        } catch (IOException e) {
            throw new Refused("Could not read " + path + " (" + e.getMessage() + ").");
        } catch (DocumentReader.Unreadable e) {
            throw new Refused(e.getMessage());
        }
    }

    /** Reads BYTES as the document NAME, keeps it, and indexes it when it is long. Throws Refused with a sentence. */
    public Attachment attach(String name, byte[] bytes) {
        try {
            DocumentText text = reader.read(name, bytes);
            Attachment attachment = files.keep(Attachment.DOCUMENT, name, DocumentReader.mediaType(name), bytes);
            if (text.characters() > WHOLE_CHARACTERS) {
                index(attachment, () -> text);
            }
            return attachment;
        } catch (DocumentReader.Unreadable | StoreException | EmbeddingModelFetcher.Unavailable e) {
            throw new Refused(e.getMessage());
        }
    }

    /** The context for QUESTION from DOCUMENTS: short ones whole, the closest passages of long ones. */
    public Reading read(List<Attachment> documents, String question) {
        try {
            List<Passage> whole = new ArrayList<>();
            List<RetrievalIndex.Scored> found = new ArrayList<>();
            Embedding asked = null;
            int wholeCharacters = 0;
            for (Attachment document : documents) {
                // a document with an index is a long one: its text is read again only to build a missing index
                DocumentText text = Files.isRegularFile(indexFile(document)) ? null : text(document);
                if (text != null && text.characters() <= WHOLE_CHARACTERS
                        && wholeCharacters + text.characters() <= MOST_WHOLE_CHARACTERS) {
                    wholeCharacters += text.characters();
                    for (int i = 0; i < text.pages().size(); i++) {
                        if (!text.pages().get(i).isBlank()) {
                            whole.add(new Passage(document.name(), text.pageNumber(i), text.pages().get(i)));
                        }
                    }
                } else {
                    RetrievalIndex index = index(document, () -> text != null ? text : text(document));
                    asked = asked != null ? asked : model.get().embed(question).content();
                    found.addAll(index.search(asked, document.name(), MOST_PASSAGES, MIN_SCORE));
                }
            }
            List<Passage> passages = new ArrayList<>(whole);
            found.stream().sorted(Comparator.comparingDouble(RetrievalIndex.Scored::score).reversed())
                    .limit(MOST_PASSAGES).forEach(scored -> passages.add(scored.passage()));
            return new Reading(DocumentsPrompt.context(documents, passages), passages);
        } catch (DocumentReader.Unreadable | StoreException | EmbeddingModelFetcher.Unavailable e) {
            throw new Refused(e.getMessage());
        }
    }

    private DocumentText text(Attachment document) {
        return reader.read(document.name(), files.read(document));
    }

    private synchronized RetrievalIndex index(Attachment document, Supplier<DocumentText> text) {
        return indexes.computeIfAbsent(document.file(), file -> RetrievalIndex.of(indexFile(document), text, model));
    }

    /** Beside the document, named by its hash and the splitter's settings. */
    Path indexFile(Attachment document) {
        String file = document.file();
        return files.path(file).resolveSibling(file.substring(0, file.indexOf('.')) + RetrievalIndex.SUFFIX);
    }

    /** A document that cannot be attached or read now, with the sentence that says why and what to do. */
    public static final class Refused extends RuntimeException {
        public Refused(String sentence) {
            super(sentence, null, false, false);
        }
    }
}
