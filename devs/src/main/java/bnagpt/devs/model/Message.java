package bnagpt.devs.model;

/**
 * One message of a conversation, as it is saved and sent: {@code role} is "user" or
 * "assistant" ("system" instructions live on the conversation, not in its messages: a
 * loader refuses any other role, so none is ever made). {@code reasoning} is what a
 * reasoning model thought before answering (null when it did not), shown apart and never
 * sent back. {@code cut} marks an answer that was stopped or broken off before the model
 * finished it.
 */
public record Message(String role, String content, String reasoning, boolean cut) {

    public Message {
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw new IllegalArgumentException("a message is the user's or the assistant's, not " + role);
        }
        if (content == null) {
            throw new IllegalArgumentException("a message has text, even empty");
        }
    }

    public static Message user(String text) {
        return new Message("user", text, null, false);
    }

    public static Message assistant(String text) {
        return new Message("assistant", text, null, false);
    }

    public boolean fromUser() {
        return role.equals("user");
    }
}
