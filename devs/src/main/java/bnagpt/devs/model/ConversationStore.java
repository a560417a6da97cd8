package bnagpt.devs.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 * (a rename in the sidebar while the conversation is open) takes that title and goes on in
 * place.
 */
public final class ConversationStore {
    /** Larger files are never loaded, nor written: 16 MiB is some 4 million tokens, past any model's window. */
    public static final long LARGEST = 16L << 20;
    /** The longest title a user may give. */
    public static final int LONGEST_TITLE = 200;

    /** What a list shows of a conversation, without loading it; updated is its file's last change. */
    public record Summary(String id, String title, Instant updated) {}

    private final ConversationFolder folder;
    private final PrivateFiles.Channels disk;

    public ConversationStore(Path home) {
        this(home, PrivateFiles.DISK);
    }

    /** A store that writes through DISK: the app passes the real one, a test one that fails. */
    public ConversationStore(Path home, PrivateFiles.Channels disk) {
        this.folder = new ConversationFolder(home.resolve("conversations"));
        this.disk = disk;
    }

    public Path folder() {
        return folder.path();
    }

    /**
     * Writes the conversation. Returns a sentence when it went on under a new id because
     * another program had added to it meanwhile; otherwise null. Throws a StoreException
     * (a sentence) when it could not be saved; the file saved before is then unchanged.
     */
    public String save(Conversation conversation) {
        tooLarge(snapshot(conversation).bytes().length); // before anything changes
        return folder.locked("Could not save the conversation in " + folder.path(), () -> saveLocked(conversation));
    }

    private String saveLocked(Conversation conversation) throws IOException {
        String notice = null;
        Path file = folder.file(conversation.id());
        String onDisk = ConversationFolder.fingerprint(file);
        if (onDisk != null && !onDisk.equals(conversation.savedFingerprint())) {
            Conversation other = conversation.savedFingerprint() == null ? null : readIfSound(file);
            if (other != null && sameTurns(other.messages(), conversation.savedMessages())) {
                if (other.titled()) { // renamed meanwhile: the user's title wins, and no turn needs a copy
                    conversation.title(other.title());
                }
            } else {
                String first = conversation.id();
                conversation.branch(folder.freeId());
                notice = "Another program saved conversation " + first + " after this one read it. Both are kept: "
                        + first + " as the other left it, and this one as " + conversation.id() + ".";
            }
        }
        ConversationFormat.Snapshot snapshot = snapshot(conversation);
        tooLarge(snapshot.bytes().length);
        folder.removeLeftovers(conversation.id());
        PrivateFiles.write(folder.file(conversation.id()), snapshot.bytes(), disk);
        conversation.saved(ConversationFolder.fingerprint(snapshot.bytes()), snapshot.messages());
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
        Path file = folder.existingFile(id);
        byte[] bytes;
        try {
            bytes = ConversationFolder.readAtMost(file);
        } catch (IOException e) {
            throw new StoreException("Could not read the conversation file " + file + " (" + describe(e) + ").");
        }
        Conversation conversation = ConversationFormat.read(id, bytes, file);
        conversation.saved(ConversationFolder.fingerprint(bytes), conversation.messages());
        return conversation;
    }

    /** The most recently saved conversation, or null when there is none. */
    public Conversation latest() {
        List<ConversationFolder.Saved> files = folder.files();
        return files.isEmpty() ? null : load(files.get(0).id());
    }

    /** Every saved conversation, newest first. Each file is read only as far as its title. */
    public List<Summary> list() {
        List<Summary> summaries = new ArrayList<>();
        for (ConversationFolder.Saved saved : folder.files()) {
            summaries.add(new Summary(saved.id(), ConversationFolder.titleOf(saved.file()), saved.modified()));
        }
        return summaries;
    }

    /** Removes a saved conversation for good. A link or anything but a plain file is refused, and left. */
    public void delete(String id) {
        Path file = folder.existingFile(id);
        folder.locked("Could not delete " + file, () -> {
            Files.delete(file);
            return null;
        });
    }

    /**
     * The user's Delete: removes a saved conversation and, in the same hold of the lock, the
     * attached files (with a document's index) that no other saved conversation refers to, so
     * a photo or a document does not stay behind in files/ once its conversation is gone.
     * Another conversation keeps a file when its text names the file's hash at all, damaged
     * or not; one too large to read keeps every file. (A question that failed is taken back
     * with {@link #delete}, which keeps the files: the question is sent again with them.)
     */
    public void deleteWithAttachments(String id, AttachmentStore attachments) {
        Path file = folder.existingFile(id);
        folder.locked("Could not delete " + file, () -> {
            String text = textOf(file);
            Set<String> unused = text == null ? new HashSet<>() : new HashSet<>(AttachmentStore.referencedBy(text));
            Files.delete(file);
            for (ConversationFolder.Saved other : folder.files()) {
                if (unused.isEmpty()) {
                    break;
                }
                String others = textOf(other.file());
                unused.removeIf(hash -> others == null || others.contains(hash));
            }
            for (String hash : unused) {
                attachments.forget(hash);
            }
            return null;
        });
    }

    /** A conversation file as text to look for names in (its bytes as Latin-1: the names are ASCII); null when too large. */
    private static String textOf(Path file) throws IOException {
        try {
            return new String(ConversationFolder.readAtMost(file), StandardCharsets.ISO_8859_1);
        } catch (StoreException e) {
            return null;
        }
    }

    /** Gives a saved conversation a title of the user's; it is kept when the conversation goes on. */
    public void rename(String id, String title) {
        if (title == null || title.isBlank() || title.strip().length() > LONGEST_TITLE) {
            throw new StoreException("A title is 1 to " + LONGEST_TITLE + " characters long.");
        }
        // Read and write in one go: a save slipping in between would turn the rename into a copy.
        folder.locked("Could not rename the conversation in " + folder.path(), () -> {
            Conversation conversation = load(id);
            conversation.title(title);
            return saveLocked(conversation);
        });
    }

    private static void tooLarge(long size) {
        if (size > LARGEST) {
            throw new StoreException("With this turn the conversation would pass the " + mebibytes(LARGEST)
                    + " a saved conversation may hold, so this turn is not saved (the turns before it are). Start a "
                    + "new conversation.");
        }
    }

    /** The file as a conversation, or null when it is not one we would load (another program's business then). */
    private Conversation readIfSound(Path file) {
        try {
            return ConversationFormat.read(ConversationFolder.idOf(file), ConversationFolder.readAtMost(file), file);
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

    /** Sizes as every sentence of the model says them: 16 MiB, 18.5 MiB (see StreamingMessage.shown). */
    static String mebibytes(long bytes) {
        return StreamingMessage.shown(bytes);
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
