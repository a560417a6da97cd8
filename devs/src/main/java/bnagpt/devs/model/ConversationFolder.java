package bnagpt.devs.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The conversations folder as files: which names are ids, which files are plain, the lock
 * every change holds, and reading with care (never through a link, never past 16 MiB).
 * ConversationStore decides what to write; this class knows where, and how to look.
 */
final class ConversationFolder {
    private final Path folder;

    ConversationFolder(Path folder) {
        this.folder = folder;
    }

    Path path() {
        return folder;
    }

    /** Ids are file names and nothing more: no separators, no dot first (temporary files), no "..". */
    static boolean validId(String id) {
        return id != null && id.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}");
    }

    /** Where conversation ID is saved; an id that is not one is refused before any path is made of it. */
    Path file(String id) {
        if (!validId(id)) {
            String shown = id == null ? "" : Conversation.shorten(id.replaceAll("\\p{Cntrl}", "?"), 40);
            throw new StoreException("There is no saved conversation \"" + shown + "\".");
        }
        return folder.resolve(id + ".json");
    }

    /** The plain file of a saved conversation; a sentence when there is none, or when it is a link. */
    Path existingFile(String id) {
        Path file = file(id);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException("There is no saved conversation \"" + id + "\".");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException("The conversation file " + file + " is a link or not a plain file, so it was "
                    + "left as it is. Saved conversations are plain files.");
        }
        return file;
    }

    /** An id no file has yet: call it holding the lock, so that no one takes it before the write. */
    String freeId() {
        String id;
        do {
            id = Conversation.newId();
        } while (Files.exists(file(id), LinkOption.NOFOLLOW_LINKS));
        return id;
    }

    /**
     * Removes the temporary files a writer of ID left when it was killed mid-save
     * (".ID.json.PID.THREAD.tmp"; chat.java's ".ID.json.PID.tmp"). Call it holding the lock:
     * every writer of this folder writes holding it, so no such file is still being written.
     */
    void removeLeftovers(String id) throws IOException {
        String prefix = "." + id + ".json.";
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path leftover : entries.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    interface Locked<T> {
        T run() throws IOException;
    }

    /**
     * One change at a time, in this program (a monitor) and between programs (a lock file
     * beside the folder, the one chat.java takes), so that no save slips in between the
     * check of a file and its write. FAILURE begins the sentence when the change fails.
     */
    <T> T locked(String failure, Locked<T> action) {
        try {
            synchronized (ConversationFolder.class) {
                PrivateFiles.createFolder(folder);
                Path lockPath = folder.resolveSibling("conversations.lock");
                PrivateFiles.createFile(lockPath);
                try (FileChannel lock = FileChannel.open(lockPath, StandardOpenOption.WRITE)) {
                    lock.lock(); // held until the channel closes
                    return action.run();
                }
            }
        } catch (NoSuchFileException e) {
            throw new StoreException("There is no saved conversation at " + e.getFile() + " any more.");
        } catch (IOException e) {
            throw new StoreException(failure + " (" + ConversationStore.describe(e) + "); the file saved before is "
                    + "unchanged.");
        }
    }

    /** A saved conversation's file, and when it last changed. */
    record Saved(Path file, String id, Instant modified) {}

    /**
     * Saved conversation files, newest first: plain files with a valid id only, never
     * half-written temporary ones. Each file's time is looked up once, not at every comparison.
     */
    List<Saved> files() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".json") && validId(idOf(p))
                            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> new Saved(p, idOf(p), modified(p)))
                    .sorted(Comparator.comparing(Saved::modified).thenComparing(Saved::id).reversed())
                    .toList();
        } catch (IOException e) {
            throw new StoreException("Could not read " + folder + " (" + ConversationStore.describe(e) + ").");
        }
    }

    /** A list's title: the file's, or what is wrong with the file, in our words. */
    static String titleOf(Path file) {
        try {
            if (Files.size(file) > ConversationStore.LARGEST) {
                return "(too large to load, left as it is)";
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                String title = ConversationFormat.title(in);
                return title == null ? "(no title)" : Conversation.shorten(title.replace('\n', ' '), 60);
            }
        } catch (IOException e) {
            return "(damaged file, left as it is)";
        }
    }

    /** A file's bytes, refused past LARGEST (it may grow while being read), never through a link. */
    static byte[] readAtMost(Path file) throws IOException {
        long largest = ConversationStore.LARGEST;
        long size = Files.size(file);
        if (size > largest) {
            throw new StoreException("The conversation file " + file + " is too large to load ("
                    + ConversationStore.mebibytes(size) + "; the limit is " + ConversationStore.mebibytes(largest)
                    + "). It was left as it is.");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) largest + 1);
            if (bytes.length > largest) {
                throw new StoreException("The conversation file " + file + " grew past "
                        + ConversationStore.mebibytes(largest) + " while being read. It was left as it is.");
            }
            return bytes;
        }
    }

    /** The SHA-256 of a file as it is now, or null when there is none. A link is never ours. */
    static String fingerprint(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return "not a plain file";
        }
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String fingerprint(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH; // gone meanwhile: last in the list
        }
    }

    static String idOf(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    }
}
