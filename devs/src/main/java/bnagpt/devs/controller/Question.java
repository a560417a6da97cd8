package bnagpt.devs.controller;

import bnagpt.devs.llm.BuiltInTool;
import bnagpt.devs.model.Attachment;
import java.util.List;
import java.util.Set;

/**
 * What the user asks in one turn: the words, the files attached to them (already kept in the
 * AttachmentStore, see Pictures.keep), and the built-in tools switched on ("Search the web",
 * "Run code"). {@code modelChosen} says the user chose the conversation's model for this turn
 * (the command line's -m, a model the page's user picked on purpose): the engine then sends it
 * even when a feature needs another model, and the server's refusal is what the user sees.
 * Otherwise the engine may switch to the model a feature needs, and says so (see Features).
 */
public record Question(String text, List<Attachment> attachments, Set<BuiltInTool> tools, boolean modelChosen) {
    public Question {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        tools = tools == null ? Set.of() : Set.copyOf(tools);
    }

    public Question(String text, List<Attachment> attachments, Set<BuiltInTool> tools) {
        this(text, attachments, tools, false);
    }

    public static Question of(String text) {
        return new Question(text, List.of(), Set.of());
    }

    /** The images among the attachments. */
    public List<Attachment> images() {
        return attachments.stream().filter(Attachment::image).toList();
    }
}
