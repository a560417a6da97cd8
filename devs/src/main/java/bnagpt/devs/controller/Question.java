package bnagpt.devs.controller;

import bnagpt.devs.llm.BuiltInTool;
import bnagpt.devs.model.Attachment;
import java.util.List;
import java.util.Set;

/**
 * What the user asks in one turn: the words, the files attached to them (already kept in the
 * AttachmentStore), and the built-in tools switched on ("Search the web", "Run code").
 */
public record Question(String text, List<Attachment> attachments, Set<BuiltInTool> tools) {
    public Question {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        tools = tools == null ? Set.of() : Set.copyOf(tools);
    }

    public static Question of(String text) {
        return new Question(text, List.of(), Set.of());
    }
}
