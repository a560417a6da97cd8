package bnagpt.devs.model;

import java.util.List;

/**
 * One message of a conversation, as it is saved and sent: {@code role} is "user" or
 * "assistant" ("system" instructions live on the conversation, not in its messages: a
 * loader refuses any other role, so none is ever made). {@code reasoning} is what a
 * reasoning model thought before answering (null when it did not), shown apart and never
 * sent back. {@code cut} marks an answer that was stopped or broken off before the model
 * finished it.
 *
 * <p>The rest is empty for a plain chat: {@code attachments} are the images and documents a
 * question carried; {@code tools} what the built-in tools did for an answer (searches, code
 * runs); {@code passages} the pieces of documents an answer was given to read.
 */
public record Message(String role, String content, String reasoning, boolean cut, List<Attachment> attachments,
        List<ToolRun> tools, List<Passage> passages) {

    public Message {
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw new IllegalArgumentException("a message is the user's or the assistant's, not " + role);
        }
        if (content == null) {
            throw new IllegalArgumentException("a message has text, even empty");
        }
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        tools = tools == null ? List.of() : List.copyOf(tools);
        passages = passages == null ? List.of() : List.copyOf(passages);
    }

    public Message(String role, String content, String reasoning, boolean cut) {
        this(role, content, reasoning, cut, List.of(), List.of(), List.of());
    }

    public static Message user(String text) {
        return new Message("user", text, null, false);
    }

    public static Message user(String text, List<Attachment> attachments) {
        return new Message("user", text, null, false, attachments, List.of(), List.of());
    }

    public static Message assistant(String text) {
        return new Message("assistant", text, null, false);
    }

    public boolean fromUser() {
        return role.equals("user");
    }

    public Message withTools(List<ToolRun> runs) {
        return new Message(role, content, reasoning, cut, attachments, runs, passages);
    }

    public Message withPassages(List<Passage> read) {
        return new Message(role, content, reasoning, cut, attachments, tools, read);
    }

    /** The images among the attachments. */
    public List<Attachment> images() {
        return attachments.stream().filter(Attachment::image).toList();
    }
}
