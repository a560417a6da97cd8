package bnagpt.devs.model;

/**
 * An assistant (the article's "GPTs"): instructions with a name, kept in a file, and maybe
 * the model they were written for. ID is the file's name without its extension
 * ({@code pirate} for {@code assistants/pirate.md}): what the page and {@code ask -a} name.
 */
public record Assistant(String id, String name, String instructions, String model) {

    /** The assistant takes the conversation over: its instructions, and its model when it names one. */
    public void applyTo(Conversation conversation) {
        conversation.system(instructions);
        if (model != null) {
            conversation.model(model);
        }
    }
}
