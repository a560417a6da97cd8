package bnagpt.devs.view.web;

import bnagpt.devs.controller.Documents;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.DocumentReader;

/**
 * The documents among the page's uploads (.pdf, .txt, .md): the upload route hands them here
 * instead of to Pictures. Documents reads each before it is kept (a file that cannot be read
 * is refused with its sentence) and indexes a long one, so the first question about it waits
 * for nothing but the answer.
 */
final class DocumentUploads {
    private final Documents documents;

    DocumentUploads(Documents documents) {
        this.documents = documents;
    }

    /** Whether NAME is a document's name (its extension), rather than an image's. */
    static boolean takes(String name) {
        return DocumentReader.mediaType(name) != null;
    }

    /** Refuses an upload of DECLARED bytes before a byte is read, in the reader's own words. */
    static void checkSize(String name, long declared) {
        try {
            DocumentReader.checkSize(name, declared);
        } catch (DocumentReader.Unreadable e) {
            throw new Refusal(413, e.getMessage());
        }
    }

    Attachment keep(String name, byte[] bytes) {
        try {
            return documents.attach(name, bytes);
        } catch (Documents.Refused e) {
            throw new Refusal(400, e.getMessage());
        }
    }
}
