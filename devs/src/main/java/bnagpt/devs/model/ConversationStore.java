package bnagpt.devs.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
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
import java.util.stream.Stream;

/**
 * Saved conversations: one readable JSON file each in {@code $BNAGPT_HOME/conversations},
 * the same folder and format as chat.java's (docs/conversations.md), so a conversation
 * started in the page goes on with {@code ./jbang chat -c}, and the other way round.
 *
 * <p>Anything may end up in that folder, so files are read with care: links are not
 * followed, files over 16 MiB are not loaded, lists read only as far as the title, and a
 * loaded file must have the shape we write. A damaged file is reported, never quoted, and
 * left exactly as it is. Two programs may save one conversation: a save that finds the file
 * changed since it was read keeps that file and goes on under a new id.
 */
public final class ConversationStore {
    /** Larger files are never loaded: 16 MiB is some 4 million tokens, past any model's window. */
    public static final long LARGEST = 16L << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    /** What a list shows of a conversation, without loading it. */
    public record Summary(String id, String title, Instant updated) {}

    private final Path folder;

    public ConversationStore(Path home) {
        this.folder = home.resolve("conversations");
    }

    public Path folder() {
        return folder;
    }

    Path file(String id) {
        return folder.resolve(id + ".json");
    }

    /**
     * Writes the conversation. Returns a sentence when it went on under a new id because
     * another program had saved it meanwhile; otherwise null.
     */
    public String save(Conversation conversation) {
        try {
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(conversation));
            if (bytes.length > LARGEST) {
                throw new StoreException("The conversation has grown past " + (LARGEST >> 20) + " MiB, more than a "
                        + "saved conversation may hold, so this turn is not saved. Start a new conversation.");
            }
            return locked(() -> {
                String notice = null;
                String onDisk = fingerprint(file(conversation.id()));
                if (onDisk != null && !onDisk.equals(conversation.savedFingerprint)) {
                    String first = conversation.id();
                    do {
                        conversation.branch();
                    } while (Files.exists(file(conversation.id()), LinkOption.NOFOLLOW_LINKS));
                    notice = "Another program saved conversation " + first + " after this one read it. Both are kept: "
                            + first + " as the other left it, and this one as " + conversation.id() + ".";
                }
                byte[] again = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(conversation));
                PrivateFiles.write(file(conversation.id()), again);
                conversation.savedFingerprint = sha256(again);
                return notice;
            });
        } catch (IOException e) {
            throw new StoreException("Could not save the conversation in " + folder + " (" + describe(e)
                    + "), so it is not saved.");
        }
    }

    /** Reads a saved conversation; a damaged file is reported, without quoting it, and left exactly as it is. */
    public Conversation load(String id) {
        Path file = file(id);
        if (!validId(id) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException("There is no saved conversation \"" + id + "\".");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException("The conversation file " + file + " is a link or not a plain file, so it was not "
                    + "read. Saved conversations are plain files.");
        }
        byte[] bytes;
        try {
            bytes = readAtMost(file);
        } catch (IOException e) {
            throw new StoreException("Could not read the conversation file " + file + " (" + describe(e) + ").");
        }
        Conversation conversation = ConversationFormat.read(id, bytes, file);
        conversation.savedFingerprint = sha256(bytes);
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

    /** Removes a saved conversation for good. */
    public void delete(String id) {
        Path file = file(id);
        if (!validId(id)) {
            throw new StoreException("There is no saved conversation \"" + id + "\".");
        }
        try {
            locked(() -> {
                Files.delete(file);
                return null;
            });
        } catch (NoSuchFileException e) {
            throw new StoreException("There is no saved conversation \"" + id + "\".");
        } catch (IOException e) {
            throw new StoreException("Could not delete " + file + " (" + describe(e) + ").");
        }
    }

    /** Gives a saved conversation a title of the user's; it is kept when the conversation goes on. */
    public void rename(String id, String title) {
        if (title == null || title.isBlank() || title.length() > 200) {
            throw new StoreException("A title is 1 to 200 characters long.");
        }
        Conversation conversation = load(id);
        conversation.title(title);
        save(conversation);
    }

    static boolean validId(String id) {
        return id != null && id.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}");
    }

    private static ObjectNode toJson(Conversation conversation) {
        return ConversationFormat.write(conversation);
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    /** One change at a time, in this program (a monitor) and between programs (a lock file beside the folder). */
    private <T> T locked(Locked<T> action) throws IOException {
        synchronized (ConversationStore.class) {
            PrivateFiles.createFolder(folder);
            Path lockPath = folder.resolveSibling("conversations.lock");
            PrivateFiles.createFile(lockPath);
            try (FileChannel lock = FileChannel.open(lockPath, StandardOpenOption.WRITE)) {
                lock.lock(); // held until the channel closes
                return action.run();
            }
        }
    }

    /** The "title" field, read with Jackson's streaming parser: the messages after it are never read. */
    private static String titleOf(Path file) {
        try {
            long size = Files.size(file);
            if (size > LARGEST) {
                return "(too large to load, left as it is)";
            }
            try (JsonParser parser = JSON.getFactory().createParser(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return "(damaged file, left as it is)";
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    boolean title = parser.currentName().equals("title");
                    if (parser.nextToken() == JsonToken.VALUE_STRING && title) {
                        return Conversation.shorten(parser.getText().replace('\n', ' '), 60);
                    }
                    parser.skipChildren();
                }
                return "(no title)";
            }
        } catch (IOException e) {
            return "(damaged file, left as it is)";
        }
    }

    /** Saved conversation files, newest first: plain files only, never half-written temporary ones. */
    private List<Path> files() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".json")
                            && !p.getFileName().toString().startsWith(".")
                            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing(ConversationStore::modified).reversed())
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
        if (Files.size(file) > LARGEST) {
            throw new StoreException("The conversation file " + file + " is too large to load (the limit is "
                    + (LARGEST >> 20) + " MiB). It was left as it is.");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) LARGEST + 1);
            if (bytes.length > LARGEST) {
                throw new StoreException("The conversation file " + file + " grew past " + (LARGEST >> 20)
                        + " MiB while being read. It was left as it is.");
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
        return name.substring(0, name.length() - ".json".length());
    }

    static String describe(IOException e) {
        String what = e.getMessage() == null ? "" : ": " + e.getMessage();
        return e.getClass().getSimpleName().replaceAll("Exception$", "") + what;
    }
}
