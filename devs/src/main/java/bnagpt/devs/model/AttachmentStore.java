package bnagpt.devs.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files attached to conversations (images, documents), kept beside them in
 * $BNAGPT_HOME/conversations/files, each under its SHA-256 and an extension chosen from its
 * media type, never under the user's name for it: a name cannot reach outside the folder,
 * and the same file attached to two conversations (or to a branch of one) is kept once.
 * Conversations refer to them by that name (Attachment.file). A file goes when the last
 * conversation that refers to it is deleted (ConversationStore.deleteWithAttachments).
 */
public final class AttachmentStore {
    /** The largest file kept: a photo before scaling, a long PDF. */
    public static final long LARGEST = 64L << 20;

    private static final Map<String, String> EXTENSIONS = Map.of("image/jpeg", "jpg", "image/png", "png",
            "image/gif", "gif", "image/webp", "webp", "application/pdf", "pdf", "text/plain", "txt",
            "text/markdown", "md");

    /** How a saved conversation refers to a kept file: "file": "HASH.EXT" (the hash is group 1). */
    private static final Pattern REFERENCE = Pattern.compile("\"file\"\\s*:\\s*\"([0-9a-f]{64})\\.[a-z0-9]{1,5}\"");

    private final Path folder;

    public AttachmentStore(Path home) {
        this.folder = home.resolve("conversations").resolve("files");
    }

    public Path folder() {
        return folder;
    }

    /** Keeps BYTES (once: a file with the same hash is already there) and says how to refer to it. */
    public Attachment keep(String kind, String name, String mediaType, byte[] bytes) {
        String extension = EXTENSIONS.get(mediaType);
        if (extension == null) {
            throw new IllegalArgumentException("no extension for " + mediaType);
        }
        if (bytes.length > LARGEST) {
            throw new StoreException("The file \"" + shortName(name) + "\" is larger than " + (LARGEST >> 20)
                    + " MB, more than a conversation keeps.");
        }
        String file = sha256(bytes) + "." + extension;
        Path path = folder.resolve(file);
        try {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.size(path) != bytes.length) {
                PrivateFiles.write(path, bytes);
            }
        } catch (IOException e) {
            throw new StoreException("Could not keep \"" + shortName(name) + "\" in " + folder + " (" + e.getMessage()
                    + "). Nothing was sent.");
        }
        return new Attachment(mediaType.startsWith("image/") ? Attachment.IMAGE : Attachment.DOCUMENT,
                shortName(name), mediaType, file);
    }

    /** The bytes of a kept file, read no further than LARGEST and never through a link. */
    public byte[] read(Attachment attachment) {
        Path path = path(attachment.file());
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                InputStream in = Channels.newInputStream(channel)) {
            byte[] bytes = in.readNBytes((int) LARGEST + 1);
            if (bytes.length > LARGEST) {
                throw new StoreException("The attached file " + path + " is larger than " + (LARGEST >> 20)
                        + " MB, so it was not read.");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new StoreException("The attached file \"" + attachment.name() + "\" is no longer in " + folder + ".");
        } catch (IOException e) {
            throw new StoreException("Could not read the attached file " + path + " (" + e.getMessage() + ").");
        }
    }

    /** Where a kept file is (or would be); FILE is checked to be one of our names, so it stays in the folder. */
    public Path path(String file) {
        if (file == null || !file.matches("[0-9a-f]{64}\\.[a-z0-9]{1,5}")) {
            throw new StoreException("There is no attached file \"" + shortName(String.valueOf(file)) + "\".");
        }
        return folder.resolve(file);
    }

    /** The hashes of the files a saved conversation's TEXT refers to; read as text, so a damaged file names them too. */
    public static Set<String> referencedBy(String text) {
        Set<String> hashes = new LinkedHashSet<>();
        for (Matcher reference = REFERENCE.matcher(text); reference.find(); ) {
            hashes.add(reference.group(1));
        }
        return hashes;
    }

    /**
     * Removes every kept file of HASH: the file itself (under any extension: the same bytes
     * may be kept as .txt and .md) and what was made from it beside it (a document's index).
     */
    public void forget(String hash) throws IOException {
        if (!hash.matches("[0-9a-f]{64}") || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith(hash + ".")).toList()) {
                Files.deleteIfExists(entry); // a link is removed itself, never what it points to
            }
        }
    }

    private static String shortName(String name) {
        String shown = name == null ? "" : name.replaceAll("\\p{Cntrl}", "?").strip();
        return shown.length() > 120 ? shown.substring(0, 120) + "..." : shown;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
