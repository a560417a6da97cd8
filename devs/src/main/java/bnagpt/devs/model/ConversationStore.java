package bnagpt.devs.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Saved conversations: one readable JSON file each in {@code $BNAGPT_HOME/conversations},
 * the same folder, format and lock file as chat.java's (docs/conversations.md), so a
 * conversation started in the page goes on with {@code ./jbang chat -c}, and the other way.
 *
 * <p>Anything may end up in that folder, so files are read with care: links are not
 * followed, files over 16 MiB are not loaded, lists read only as far as the title, and a
 * loaded file must have the shape we write. A damaged file is reported, never quoted, and
 * left exactly as it is.
 *
 * <p>Two programs may save one conversation. Each remembers the file as it last read or
 * wrote it; a save that finds another program added to it since keeps that file as it is
 * and goes on under a new id, so no turn is lost. A save that finds only the title changed
 * (a rename in the page while the chat had it open) takes that title and goes on in place.
 */
public final class ConversationStore {
    /** Larger files are never loaded, nor written: 16 MiB is some 4 million tokens, past any model's window. */
    public static final long LARGEST = 16L << 20;
    /** The longest title a user may give. */
    public static final int LONGEST_TITLE = 200;

    /** What a list shows of a conversation, without loading it; updated is its file's last change. */
    public record Summary(String id, String title, Instant updated) {}

    private final Path folder;
    private final PrivateFiles.Channels disk;

    public ConversationStore(Path home) {
        this(home, PrivateFiles.DISK);
    }

    /** A store that writes through DISK: the app passes the real one, a test one that fails. */
    public ConversationStore(Path home, PrivateFiles.Channels disk) {
        this.folder = home.resolve("conversations");
        this.disk = disk;
    }

    public Path folder() {
        return folder;
    }

    /**
     * Writes the conversation. Returns a sentence when it went on under a new id because
     * another program had added to it meanwhile; otherwise null. Throws a StoreException
     * (a sentence) when it could not be saved; the file saved before is then unchanged.
     */
    public String save(Conversation conversation) {
        tooLarge(snapshot(conversation).bytes().length); // before anything changes
        return locked("Could not save the conversation in " + folder, () -> saveLocked(conversation));
    }

    private String saveLocked(Conversation conversation) throws IOException {
        String notice = null;
        Path file = file(conversation.id());
        String onDisk = fingerprint(file);
        if (onDisk != null && !onDisk.equals(conversation.savedFingerprint())) {
            Conversation other = conversation.savedFingerprint() == null ? null : readIfSound(file);
            if (other != null && sameTurns(other.messages(), conversation.savedMessages())) {
                if (other.titled()) { // renamed meanwhile: the user's title wins, and no turn needs a copy
                    conversation.title(other.title());
                }
            } else {
                String first = conversation.id();
                conversation.branch(freeId());
                notice = "Another program saved conversation " + first + " after this one read it. Both are kept: "
                        + first + " as the other left it, and this one as " + conversation.id() + ".";
            }
        }
        ConversationFormat.Snapshot snapshot = snapshot(conversation);
        tooLarge(snapshot.bytes().length);
        PrivateFiles.write(file(conversation.id()), snapshot.bytes(), disk);
        conversation.saved(sha256(snapshot.bytes()), snapshot.messages());
        return notice;
    }

    /** How many more bytes the conversation may grow by before it could no longer be saved. */
    public long room(Conversation conversation) {
        return Math.max(0, LARGEST - snapshot(conversation).bytes().length);
    }

    private static ConversationFormat.Snapshot snapshot(Conversation conversation) {
        try {
            return ConversationFormat.write(conversation);
        } catch (IOException e) {
            throw new IllegalStateException("a conversation always turns into JSON", e);
        }
    }

    /** Reads a saved conversation; a damaged file is reported, without quoting it, and left exactly as it is. */
    public Conversation load(String id) {
        Path file = existingFile(id);
        byte[] bytes;
        try {
            bytes = readAtMost(file);
        } catch (IOException e) {
            throw new StoreException("Could not read the conversation file " + file + " (" + describe(e) + ").");
        }
        Conversation conversation = ConversationFormat.read(id, bytes, file);
        conversation.saved(sha256(bytes), conversation.messages());
        return conversation;
    }

    /** The most recently saved conversation, or null when there is none. */
    public Conversation latest() {
        List<Path> files = files();
        return files.isEmpty() ? null : load(idOf(files.get(0)));
    }

    /** Every saved conversation, newest first. Each file is read only as far as its title. */
    public List<Summary> list() {
        List<Summary> summaries = new ArrayList<>();
        for (Path file : files()) {
            summaries.add(new Summary(idOf(file), titleOf(file), modified(file).toInstant()));
        }
        return summaries;
    }

    /** Removes a saved conversation for good. A link or anything but a plain file is refused, and left. */
    public void delete(String id) {
        Path file = existingFile(id);
        locked("Could not delete " + file, () -> {
            Files.delete(file);
            return null;
        });
    }

    /** Gives a saved conversation a title of the user's; it is kept when the conversation goes on. */
    public void rename(String id, String title) {
        if (title == null || title.isBlank() || title.strip().length() > LONGEST_TITLE) {
            throw new StoreException("A title is 1 to " + LONGEST_TITLE + " characters long.");
        }
        // Read and write in one go: a save slipping in between would turn the rename into a copy.
        locked("Could not rename the conversation in " + folder, () -> {
            Conversation conversation = load(id);
            conversation.title(title);
            return saveLocked(conversation);
        });
    }

    /** Ids are file names in the folder, nothing more: no separators, no dot first (temporary files), no "..". */
    static boolean validId(String id) {
        return id != null && id.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}");
    }

    private Path file(String id) {
        if (!validId(id)) {
            throw new StoreException("There is no saved conversation \"" + shortened(id) + "\".");
        }
        return folder.resolve(id + ".json");
    }

    /** The plain file of a saved conversation; a sentence when there is none, or when it is a link. */
    private Path existingFile(String id) {
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

    private static String shortened(String id) {
        return id == null ? "" : Conversation.shorten(id.replaceAll("\\p{Cntrl}", "?"), 40);
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    /**
     * One change at a time, in this program (a monitor) and between programs (a lock file
     * beside the folder, the one chat.java takes), so that no save slips in between the
     * check of a file and its write.
     */
    private <T> T locked(String failure, Locked<T> action) {
        try {
            synchronized (ConversationStore.class) {
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
            throw new StoreException(failure + " (" + describe(e) + "); the file saved before is unchanged.");
        }
    }

    private static void tooLarge(long size) {
        if (size > LARGEST) {
            throw new StoreException("The conversation has grown to " + mebibytes(size) + ", past the "
                    + mebibytes(LARGEST) + " a saved conversation may hold, so this turn is not saved (the turns "
                    + "before it are). Start a new conversation.");
        }
    }

    /** An id no file has yet: the folder is locked, so no one takes it before the write. */
    private String freeId() {
        String id;
        do {
            id = Conversation.newId();
        } while (Files.exists(file(id), LinkOption.NOFOLLOW_LINKS));
        return id;
    }

    /** The file as a conversation, or null when it is not one we would load (another program's business then). */
    private Conversation readIfSound(Path file) {
        try {
            return ConversationFormat.read(idOf(file), readAtMost(file), file);
        } catch (IOException | StoreException e) {
            return null;
        }
    }

    /** The same turns, by who said what and whether it was cut: another program may not keep the reasoning. */
    private static boolean sameTurns(List<Message> a, List<Message> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Message x = a.get(i);
            Message y = b.get(i);
            if (!x.role().equals(y.role()) || !x.content().equals(y.content()) || x.cut() != y.cut()) {
                return false;
            }
        }
        return true;
    }

    /** A list's title: the file's, or what is wrong with the file, in our words. */
    private static String titleOf(Path file) {
        try {
            if (Files.size(file) > LARGEST) {
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

    /** Saved conversation files, newest first: plain files with a valid id only, never half-written temporary ones. */
    private List<Path> files() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".json") && validId(idOf(p))
                            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing(ConversationStore::modified)
                            .thenComparing(p -> p.getFileName().toString()).reversed())
                    .toList();
        } catch (IOException e) {
            throw new StoreException("Could not read " + folder + " (" + describe(e) + ").");
        }
    }

    /** The SHA-256 of a file as it is now, or null when there is none. A link is never ours. */
    private static String fingerprint(Path file) throws IOException {
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

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A file's bytes, refused past LARGEST (it may grow while being read). */
    private static byte[] readAtMost(Path file) throws IOException {
        long size = Files.size(file);
        if (size > LARGEST) {
            throw new StoreException("The conversation file " + file + " is too large to load (" + mebibytes(size)
                    + "; the limit is " + mebibytes(LARGEST) + "). It was left as it is.");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) LARGEST + 1);
            if (bytes.length > LARGEST) {
                throw new StoreException("The conversation file " + file + " grew past " + mebibytes(LARGEST)
                        + " while being read. It was left as it is.");
            }
            return bytes;
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static String idOf(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    }

    static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    /** What went wrong with a file, said plainly: the system's reason, never the file's content. */
    static String describe(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains("No space left") || message.contains("Disk quota")) {
            return "the disk is full: free some space and try again";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return message.isEmpty() ? e.getClass().getSimpleName() : message;
    }
}
