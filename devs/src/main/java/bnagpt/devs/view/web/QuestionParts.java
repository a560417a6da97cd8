package bnagpt.devs.view.web;

import bnagpt.devs.controller.Pictures;
import bnagpt.devs.llm.BuiltInTool;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.AttachmentStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the page's message carries beside its words: the attachments (as the upload returned
 * them) and the tools switched on. The page is trusted with nothing: only files the store
 * keeps are attached, their kind and type come from the name the store gave them, not from
 * what the request says, and a tool is one of ours or the message is refused.
 */
final class QuestionParts {
    /** The kinds a kept file's extension says it is. */
    private static final Map<String, String> TYPES = Map.of("jpg", "image/jpeg", "png", "image/png",
            "gif", "image/gif", "webp", "image/webp", "pdf", "application/pdf", "txt", "text/plain",
            "md", "text/markdown");
    /** A message may carry this many files at most, whatever their kind. */
    static final int MOST_FILES = 10;

    private final AttachmentStore store;

    QuestionParts(AttachmentStore store) {
        this.store = store;
    }

    /** The request's "attachments": kept files only, at most Pictures.MOST images. */
    List<Attachment> attachments(JsonNode given) {
        if (given.isMissingNode() || given.isNull()) {
            return List.of();
        }
        if (!given.isArray() || given.size() > MOST_FILES) {
            throw new Refusal(400, "A message carries at most " + MOST_FILES + " attached files.");
        }
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode item : given) {
            String file = item.path("file").asText("");
            String type = file.matches("[0-9a-f]{64}\\.[a-z]{2,4}") ? TYPES.get(file.substring(65)) : null;
            if (type == null || !Files.isRegularFile(store.path(file), LinkOption.NOFOLLOW_LINKS)) {
                throw new Refusal(400, "An attached file is not kept here (any more): attach it again.");
            }
            String name = item.path("name").asText("").replaceAll("\\p{Cntrl}", "?").strip();
            attachments.add(new Attachment(type.startsWith("image/") ? Attachment.IMAGE : Attachment.DOCUMENT,
                    name.length() > 200 ? name.substring(0, 200) : name, type, file));
        }
        if (attachments.stream().filter(Attachment::image).count() > Pictures.MOST) {
            throw new Refusal(400, "At most " + Pictures.MOST + " images go with one message: remove one.");
        }
        return attachments;
    }

    /** The request's "tools": ["search"], ["code"], both or none. */
    Set<BuiltInTool> tools(JsonNode given) {
        Set<BuiltInTool> tools = EnumSet.noneOf(BuiltInTool.class);
        if (given.isMissingNode() || given.isNull()) {
            return tools;
        }
        if (!given.isArray()) {
            throw new Refusal(400, "\"tools\" is a list: [\"search\"], [\"code\"] or both.");
        }
        for (JsonNode tool : given) {
            switch (tool.asText("")) {
                case "search" -> tools.add(BuiltInTool.SEARCH);
                case "code" -> tools.add(BuiltInTool.CODE);
                default -> throw new Refusal(400, "There is no tool \"" + cut(tool.asText("")) + "\": the page offers "
                        + "\"search\" and \"code\".");
            }
        }
        return tools;
    }

    private static String cut(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
