package bnagpt.devs.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * Reads the documents a user attaches: .txt and .md as UTF-8 text, .pdf page by page with
 * Apache PDFBox. Everything in a document is data: its text is read, bounded, and never
 * obeyed. What cannot be read (an encrypted PDF, a scan, a binary file named .txt, a huge
 * file) is refused with one sentence ({@link Unreadable}) that says what to do.
 */
public final class DocumentReader {
    /** The largest file read: a 300-page report is a few MB; 100 MB is not a document to chat about. */
    public static final long LARGEST_FILE = 32L << 20;
    /** The most text kept from one document, and the most pages read. */
    public static final int MOST_CHARACTERS = 20_000_000;
    public static final int MOST_PAGES = 2_000;

    /** The media type a document is kept under, from its name; null when it is not a document we read. */
    public static String mediaType(String name) {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".pdf")) {
            return "application/pdf";
        }
        if (lower.endsWith(".md") || lower.endsWith(".markdown")) {
            return "text/markdown";
        }
        return lower.endsWith(".txt") ? "text/plain" : null;
    }

    /** Refuses a file by its size alone, before a byte of it is read. */
    public static void checkSize(String name, long bytes) {
        if (bytes > LARGEST_FILE) {
            throw new Unreadable("\"" + name + "\" is " + megabytes(bytes) + " MB; documents up to "
                    + (LARGEST_FILE >> 20) + " MB can be attached. Attach a part of it.");
        }
    }

    /** The text of a document NAME (its extension says how to read it) made of BYTES. */
    public DocumentText read(String name, byte[] bytes) {
        checkSize(name, bytes.length);
        String type = mediaType(name);
        if (type == null) {
            throw new Unreadable("\"" + name + "\" is not a document bnaGPT reads: attach a .pdf, .txt or .md file.");
        }
        DocumentText text = type.equals("application/pdf") ? pdf(name, bytes) : plain(name, bytes);
        if (text.pages().stream().allMatch(String::isBlank)) {
            throw new Unreadable(type.equals("application/pdf")
                    ? "\"" + name + "\" has no text to read (a scan?): attach a PDF with text, or its text as .txt."
                    : "\"" + name + "\" is empty: there is nothing to read.");
        }
        return text;
    }

    private static DocumentText plain(String name, byte[] bytes) {
        int head = Math.min(bytes.length, 1024);
        for (int i = 0; i < head; i++) {
            if (bytes[i] == 0) {
                throw binary(name);
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw binary(name);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte-order mark is not text
        }
        return new DocumentText(name, false, List.of(bounded(text, MOST_CHARACTERS)));
    }

    private static Unreadable binary(String name) {
        return new Unreadable("\"" + name + "\" is not UTF-8 text (a binary file?): attach text saved as UTF-8, "
                + "or a PDF.");
    }

    private static DocumentText pdf(String name, byte[] bytes) {
        try (PDDocument document = Loader.loadPDF(bytes)) {
            int count = document.getNumberOfPages();
            if (count > MOST_PAGES) {
                throw new Unreadable("\"" + name + "\" has " + count + " pages; documents up to " + MOST_PAGES
                        + " pages are read. Attach a part of it.");
            }
            PDFTextStripper stripper = new PDFTextStripper();
            List<String> pages = new ArrayList<>();
            int characters = 0;
            for (int page = 1; page <= count && characters < MOST_CHARACTERS; page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = bounded(stripper.getText(document).strip(), MOST_CHARACTERS - characters);
                pages.add(text);
                characters += text.length();
            }
            return new DocumentText(name, true, pages);
        } catch (InvalidPasswordException e) {
            throw new Unreadable("\"" + name + "\" is encrypted with a password, so it cannot be read: attach a "
                    + "copy saved without the password.");
        } catch (IOException | RuntimeException e) {
            if (e instanceof Unreadable unreadable) {
                throw unreadable;
            }
            throw new Unreadable("\"" + name + "\" could not be read as a PDF (" + e.getClass().getSimpleName()
                    + "): is it damaged? Attach it again, or its text as .txt.");
        }
    }

    private static String bounded(String text, int most) {
        return text.length() <= most ? text : text.substring(0, Math.max(0, most));
    }

    private static String megabytes(long bytes) {
        return String.valueOf((bytes + (1 << 19)) >> 20);
    }

    /** A document that cannot be read, with the sentence that says why and what to do. */
    public static final class Unreadable extends RuntimeException {
        public Unreadable(String sentence) {
            super(sentence, null, false, false);
        }
    }
}
