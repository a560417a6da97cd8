package bnagpt.devs.model;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A conversation: its messages, plus the instructions and settings that go with it. It is
 * the saved transcript, kept whole; what is sent to the model (a window of it) is the
 * controller's business.
 *
 * <p>An engine adds to it while a view may read it from another thread (the page's
 * sidebar), so every method holds its lock: a reader sees a message whole or not at all.
 */
public final class Conversation {
    private String id;
    private final Instant created;
    private final List<Message> messages = new ArrayList<>();
    private String title;
    private String system;
    private String model;
    private boolean json;
    /** The SHA-256 of its file as this conversation last read or wrote it; null before. See ConversationStore. */
    private String savedFingerprint;
    /** The messages as this conversation last read or wrote them: what tells a rename from a new turn. */
    private List<Message> savedMessages = List.of();

    public Conversation() {
        this(newId(), Instant.now());
    }

    Conversation(String id, Instant created) {
        this.id = id;
        this.created = created;
    }

    /** Sortable and unique enough: 20261129-091417-3fa9, the same shape as chat.java's. */
    static String newId() {
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now());
        return time + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    public synchronized String id() { return id; }
    public Instant created() { return created; }
    /** A copy: the conversation may grow while the caller reads it. */
    public synchronized List<Message> messages() { return List.copyOf(messages); }
    public synchronized String system() { return system; }
    public synchronized void system(String instructions) { system = instructions == null || instructions.isBlank() ? null : instructions; }
    public synchronized String model() { return model; }
    public synchronized void model(String name) { model = name; }
    public synchronized boolean json() { return json; }
    public synchronized void json(boolean on) { json = on; }

    public synchronized void add(Message message) {
        messages.add(message);
    }

    /** Replaces the last message: an answer that grew since it was last saved. */
    public synchronized void replaceLast(Message message) {
        messages.set(messages.size() - 1, message);
    }

    /** Takes the last message out again: a question that could not be answered at all. */
    public synchronized void removeLast() {
        messages.remove(messages.size() - 1);
    }

    public synchronized Message last() {
        return messages.isEmpty() ? null : messages.get(messages.size() - 1);
    }

    /** A title the user gave it; null or blank gives the title back to the first question. */
    public synchronized void title(String text) {
        title = text == null || text.isBlank() ? null : text.strip();
    }

    /** The user's title, or the first question, shortened: what lists show. */
    public synchronized String title() {
        if (title != null) {
            return title;
        }
        return messages.stream().filter(Message::fromUser).findFirst()
                .map(m -> shorten(m.content().replace('\n', ' '), 60)).orElse("(empty)");
    }

    /** Whether the title was given by the user (saved as such, so it survives the next question). */
    public synchronized boolean titled() {
        return title != null;
    }

    // What the store remembers of the file, to tell another program's save from its own.

    synchronized String savedFingerprint() {
        return savedFingerprint;
    }

    synchronized List<Message> savedMessages() {
        return savedMessages;
    }

    /** Called by the store once the file holds exactly this conversation. */
    synchronized void saved(String fingerprint, List<Message> messagesInFile) {
        savedFingerprint = fingerprint;
        savedMessages = messagesInFile;
    }

    /** Goes on under a new id: what a save does when another program added to this one's file. */
    synchronized void branch(String newId) {
        id = newId;
        savedFingerprint = null;
        savedMessages = List.of();
    }

    static String shorten(String text, int most) {
        return text.length() <= most ? text : text.substring(0, most - 1) + "…";
    }
}
