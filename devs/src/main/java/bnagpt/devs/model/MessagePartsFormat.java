package bnagpt.devs.model;

import bnagpt.devs.model.ConversationFormat.Damaged;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a message carries beside its text, as JSON (docs/conversations.md): a question's
 * "attachments", an answer's "tools" (searches and code runs) and "passages". Written only
 * when there are some, so a plain chat's file is as it always was. Read with the same care
 * as the rest of the file: every field has the shape we write, an attachment names a file
 * by our own kind of name (its SHA-256 and an extension) and nothing else, and a problem
 * is said in our words, never quoting the file.
 */
final class MessagePartsFormat {
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private MessagePartsFormat() {}

    static void write(Message message, ObjectNode node) {
        if (!message.attachments().isEmpty()) {
            ArrayNode list = node.putArray("attachments");
            for (Attachment a : message.attachments()) {
                list.addObject().put("kind", a.kind()).put("name", a.name()).put("media_type", a.mediaType())
                        .put("file", a.file());
            }
        }
        if (!message.tools().isEmpty()) {
            ArrayNode list = node.putArray("tools");
            for (ToolRun run : message.tools()) {
                ObjectNode item = list.addObject().put("kind", run.kind()).put("input", run.input());
                if (run.output() != null) {
                    item.put("output", run.output());
                }
                if (!run.sources().isEmpty()) {
                    ArrayNode sources = item.putArray("sources");
                    run.sources().forEach(s -> sources.addObject().put("title", s.title()).put("url", s.url()));
                }
            }
        }
        if (!message.passages().isEmpty()) {
            ArrayNode list = node.putArray("passages");
            for (Passage p : message.passages()) {
                list.addObject().put("file", p.file()).put("page", p.page()).put("text", p.text());
            }
        }
    }

    /** The message NODE describes, with its parts; ROLE and CONTENT were checked by the caller. */
    static Message read(JsonNode node, int number, String role, String content, String reasoning, boolean cut)
            throws Damaged {
        String where = "message " + number;
        boolean user = role.equals("user");
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode item : list(node, "attachments", where, user)) {
            String kind = text(item, "kind");
            String file = text(item, "file");
            String type = text(item, "media_type");
            if (Attachment.IMAGE.equals(kind) && !IMAGE_TYPES.contains(type)) {
                // it is sent as a data URL of this type: only the pictures we keep
                throw new Damaged(where + " has an image that is not a JPEG, PNG, GIF or WebP picture");
            }
            if (!(Attachment.IMAGE.equals(kind) || Attachment.DOCUMENT.equals(kind)) || file == null
                    || !file.matches("[0-9a-f]{64}\\.[a-z0-9]{1,5}") || text(item, "media_type") == null
                    || !(item.path("name").isTextual() || item.path("name").isMissingNode())) {
                throw new Damaged(where + " has an attachment that is not a file kept beside the conversations");
            }
            attachments.add(new Attachment(kind, item.path("name").asText(null), text(item, "media_type"), file));
        }
        List<ToolRun> tools = new ArrayList<>();
        for (JsonNode item : list(node, "tools", where, !user)) {
            String kind = text(item, "kind");
            if (!(ToolRun.SEARCH.equals(kind) || ToolRun.CODE.equals(kind)) || text(item, "input") == null
                    || !(item.path("output").isTextual() || item.path("output").isMissingNode()
                    || item.path("output").isNull())) {
                throw new Damaged(where + " has a tool run that is not a search or a run of code");
            }
            List<Source> sources = new ArrayList<>();
            for (JsonNode source : list(item, "sources", where, true)) {
                if (text(source, "title") == null || text(source, "url") == null) {
                    throw new Damaged(where + " has a search source without a title and an address");
                }
                sources.add(new Source(text(source, "title"), text(source, "url")));
            }
            tools.add(new ToolRun(kind, text(item, "input"), text(item, "output"), sources));
        }
        List<Passage> passages = new ArrayList<>();
        for (JsonNode item : list(node, "passages", where, !user)) {
            if (text(item, "file") == null || text(item, "text") == null || !item.path("page").canConvertToInt()
                    || !item.path("page").isIntegralNumber() || item.path("page").intValue() < 0) {
                throw new Damaged(where + " has a passage without a document, a page and text");
            }
            passages.add(new Passage(text(item, "file"), item.path("page").intValue(), text(item, "text")));
        }
        return new Message(role, content, reasoning, cut, attachments, tools, passages);
    }

    /** The objects in list FIELD: none when it is absent; damaged when it is not a list of objects or not ALLOWED here. */
    private static List<JsonNode> list(JsonNode node, String field, String where, boolean allowed) throws Damaged {
        JsonNode list = node.path(field);
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!allowed) {
            throw new Damaged(where + " has " + field + ", which belong to the "
                    + (field.equals("attachments") ? "user's questions" : "assistant's answers"));
        }
        if (!list.isArray()) {
            throw new Damaged(where + " has " + field + " that are not a list");
        }
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode item : list) {
            if (!item.isObject()) {
                throw new Damaged(where + " has " + field + " that are not a list of objects");
            }
            items.add(item);
        }
        return items;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}
