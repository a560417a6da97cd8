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
    String savedFingerprint;

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

    public String id() { return id; }
    public Instant created() { return created; }
    public List<Message> messages() { return List.copyOf(messages); }
    public String system() { return system; }
    public void system(String instructions) { system = instructions == null || instructions.isBlank() ? null : instructions; }
    public String model() { return model; }
    public void model(String name) { model = name; }
    public boolean json() { return json; }
    public void json(boolean on) { json = on; }

    public void add(Message message) {
        messages.add(message);
    }

    /** Replaces the last message: an answer that grew since it was last saved. */
    public void replaceLast(Message message) {
        messages.set(messages.size() - 1, message);
    }

    public Message last() {
        return messages.isEmpty() ? null : messages.get(messages.size() - 1);
    }

    /** Goes on under a new id: what a save does when another program changed this one's file. */
    void branch() {
        id = newId();
        savedFingerprint = null;
    }

    /** A title the user gave it; null leaves the title to the first question. */
    public void title(String text) {
        title = text == null || text.isBlank() ? null : text.strip();
    }

    /** The user's title, or the first question, shortened: what lists show. */
    public String title() {
        if (title != null) {
            return title;
        }
        return messages.stream().filter(Message::fromUser).findFirst()
                .map(m -> shorten(m.content().replace('\n', ' '), 60)).orElse("(empty)");
    }

    /** Whether the title was given by the user (saved as such, so it survives the next question). */
    public boolean titled() {
        return title != null;
    }

    static String shorten(String text, int most) {
        return text.length() <= most ? text : text.substring(0, most - 1) + "…";
    }
}
