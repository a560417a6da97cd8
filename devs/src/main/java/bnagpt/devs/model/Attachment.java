package bnagpt.devs.model;

/**
 * A file the user attached to a question: an image or a document. {@code name} is the
 * user's own file name, shown and never used as a path; {@code file} is the name it is kept
 * under in the conversations' shared files folder (see AttachmentStore): its SHA-256 in hex
 * and an extension we chose, so the same picture attached twice is kept once.
 */
public record Attachment(String kind, String name, String mediaType, String file) {
    public static final String IMAGE = "image";
    public static final String DOCUMENT = "document";

    public Attachment {
        if (!IMAGE.equals(kind) && !DOCUMENT.equals(kind)) {
            throw new IllegalArgumentException("an attachment is an image or a document, not " + kind);
        }
        if (file == null || !file.matches("[0-9a-f]{64}\\.[a-z0-9]{1,5}")) {
            throw new IllegalArgumentException("an attachment is kept under its hash and an extension");
        }
        if (name == null || name.isBlank()) {
            name = file;
        }
    }

    public boolean image() {
        return kind.equals(IMAGE);
    }
}
