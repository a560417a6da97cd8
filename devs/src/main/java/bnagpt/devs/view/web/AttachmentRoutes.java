package bnagpt.devs.view.web;

import bnagpt.devs.controller.Pictures;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.DocumentReader;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * POST /api/attachments?name=FILE and GET /api/attachments/FILE: a file the user attaches
 * goes up as its raw bytes, is checked by the controller (Pictures reads what it really is
 * from its bytes, and scales a large photo), and is kept in the AttachmentStore; the page
 * gets back the Attachment to send with its message. The page shows thumbnails by asking for
 * a kept image again, by the name the store gave it (its hash), never by the user's name.
 */
final class AttachmentRoutes {
    /** The largest upload read: Pictures refuses past it too, in its own words. */
    static final long MAX_UPLOAD = Pictures.LARGEST_FILE;
    /** Only names the store gives, of the kinds the page shows: nothing else is looked for on disk. */
    private static final Pattern KEPT_IMAGE = Pattern.compile("[0-9a-f]{64}\\.(jpg|png|gif|webp)");
    private static final Map<String, String> IMAGE_TYPES = Map.of("jpg", "image/jpeg", "png", "image/png",
            "gif", "image/gif", "webp", "image/webp");

    private final Pictures pictures;
    private final AttachmentStore store;
    private final DocumentUploads documents;

    AttachmentRoutes(Pictures pictures, AttachmentStore store) {
        this(pictures, store, null);
    }

    /** DOCUMENTS: where .pdf, .txt and .md go (null: nowhere, Pictures refuses them). */
    AttachmentRoutes(Pictures pictures, AttachmentStore store, DocumentUploads documents) {
        this.pictures = pictures;
        this.store = store;
        this.documents = documents;
    }

    /** POST /api/attachments?name=FILE, the file's bytes as the body: the Attachment, kept. */
    Attachment upload(Context ctx) throws IOException {
        String name = ctx.queryParam("name");
        if (name == null || name.isBlank() || name.length() > 1000) {
            throw new Refusal(400, "Say the file's name (?name=...), in fewer than 1,000 characters.");
        }
        long declared = ctx.req().getContentLengthLong();
        if (documents != null && DocumentUploads.takes(name)) { // Read Documents: its own limit and reader
            DocumentUploads.checkSize(name, declared);
            byte[] bytes = ctx.bodyInputStream().readNBytes((int) DocumentReader.LARGEST_FILE + 1);
            DocumentUploads.checkSize(name, bytes.length);
            return documents.keep(name, bytes);
        }
        if (declared > MAX_UPLOAD) { // refused before a byte of it is read
            throw new Refusal(413, tooLarge(name));
        }
        byte[] bytes = ctx.bodyInputStream().readNBytes((int) MAX_UPLOAD + 1);
        if (bytes.length > MAX_UPLOAD) {
            throw new Refusal(413, tooLarge(name));
        }
        if (bytes.length == 0) {
            throw new Refusal(400, "\"" + shown(name) + "\" is empty: attach a picture.");
        }
        return keep(name, bytes);
    }

    /**
     * Where an uploaded file becomes an attachment. Images go to Pictures; a document (.pdf,
     * .txt, .md) will go to the documents' reader here. Until then Pictures says, in its
     * sentence, that a file that is not an image is not one.
     */
    private Attachment keep(String name, byte[] bytes) {
        try {
            return pictures.keep(name, bytes);
        } catch (Pictures.Refused refused) {
            throw new Refusal(400, refused.getMessage());
        }
    }

    /** GET /api/attachments/FILE: a kept image, as itself, for a thumbnail; that it is a picture is never left to guessing. */
    void show(Context ctx, String file) {
        if (!KEPT_IMAGE.matcher(file).matches()) {
            throw new Refusal(404, "There is no attached image \"" + shown(file) + "\".");
        }
        Path path = store.path(file);
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                InputStream in = Channels.newInputStream(channel)) {
            bytes = in.readNBytes((int) AttachmentStore.LARGEST + 1);
        } catch (IOException e) { // not there, or a link (never followed)
            throw new Refusal(404, "The attached image is no longer kept (" + store.folder() + " has no " + file + ").");
        }
        if (bytes.length > AttachmentStore.LARGEST) {
            throw new Refusal(404, "The attached image " + file + " is larger than any this page keeps.");
        }
        // A picture and nothing else: no script, no style, no sniffing it into a page; the
        // name is its hash, so the browser may keep it as long as it likes.
        ctx.header("Content-Security-Policy", "default-src 'none'");
        ctx.header("Cache-Control", "private, max-age=31536000, immutable");
        ctx.contentType(IMAGE_TYPES.get(file.substring(file.indexOf('.') + 1))).result(bytes);
    }

    private static String tooLarge(String name) {
        return "\"" + shown(name) + "\" is over " + (MAX_UPLOAD >> 20) + " MB: attach a smaller image.";
    }

    /** The user's name for a file, as it may appear in a sentence: short, no control characters. */
    private static String shown(String name) {
        String shown = name.replaceAll("\\p{Cntrl}", "?").strip();
        return shown.length() > 80 ? shown.substring(0, 80) + "..." : shown;
    }
}
