package bnagpt.devs.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A conversation as JSON, the format of docs/conversations.md: what chat.java reads and
 * writes too. Reading checks the shape we write, so a role planted in a file ("system",
 * "tool") is never sent as it is. What is wrong with a file is said in our words, never
 * with its content: it may not be ours to show.
 */
final class ConversationFormat {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConversationFormat() {}

    /** A conversation's bytes, and the messages they hold (it may grow while it is saved). */
    record Snapshot(byte[] bytes, List<Message> messages) {}

    static Snapshot write(Conversation conversation) throws IOException {
        synchronized (conversation) { // one consistent picture, even while an answer grows
            List<Message> messages = conversation.messages();
            ObjectNode root = JSON.createObjectNode();
            root.put("id", conversation.id());
            root.put("title", conversation.title()); // near the start: lists read no further
            if (conversation.titled()) {
                root.put("title_by_user", true);
            }
            root.put("created", conversation.created().toString());
            // To the second: a fixed length, so the size a conversation will take is known before it is written.
            root.put("updated", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            root.put("model", conversation.model());
            if (conversation.system() != null) {
                root.put("system", conversation.system());
            }
            root.put("json_mode", conversation.json());
            ArrayNode list = root.putArray("messages");
            for (Message message : messages) {
                ObjectNode node = list.addObject().put("role", message.role()).put("content", message.content());
                if (message.reasoning() != null) {
                    node.put("reasoning", message.reasoning());
                }
                if (message.cut()) {
                    node.put("cut", true);
                }
                MessagePartsFormat.write(message, node);
            }
            return new Snapshot(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), messages);
        }
    }

    static Conversation read(String id, byte[] bytes, Path file) {
        try {
            return parse(id, bytes);
        } catch (Damaged e) {
            throw new StoreException("The conversation file " + file + " is damaged (" + e.getMessage()
                    + "). It was left as it is.");
        }
    }

    /**
     * The "title" field, read with Jackson's streaming parser: the messages after it are never
     * read. Null when the file has none, or is not a JSON object.
     */
    static String title(InputStream in) throws IOException {
        try (JsonParser parser = JSON.getFactory().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean title = parser.currentName().equals("title");
                if (parser.nextToken() == JsonToken.VALUE_STRING && title) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return null;
        }
    }

    /** What is wrong with a file, in our words (MessagePartsFormat says it too). */
    static final class Damaged extends Exception {
        Damaged(String reason) {
            super(reason, null, false, false);
        }
    }

    private static Conversation parse(String id, byte[] bytes) throws Damaged {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new Damaged("it is not valid JSON, or it is cut short");
        }
        if (root == null || !root.isObject()) {
            throw new Damaged("it is not a JSON object");
        }
        JsonNode messages = root.path("messages");
        if (!messages.isArray()) {
            throw new Damaged("it has no list of messages");
        }
        Instant created;
        try {
            created = Instant.parse(root.path("created").asText());
        } catch (RuntimeException e) {
            throw new Damaged("its creation time is missing or not a time");
        }
        Conversation conversation = new Conversation(id, created);
        conversation.system(text(root, "system", "its instructions are not text"));
        conversation.model(text(root, "model", "its model is not text"));
        if (root.path("title_by_user").asBoolean(false) && root.path("title_by_user").isBoolean()) {
            conversation.title(text(root, "title", "its title is not text"));
        }
        JsonNode json = root.path("json_mode");
        if (!json.isMissingNode() && !json.isBoolean()) {
            throw new Damaged("its json_mode is not true or false");
        }
        conversation.json(json.asBoolean(false));
        int number = 0;
        for (JsonNode node : messages) {
            number++;
            String role = node.path("role").asText("");
            if (!node.path("role").isTextual() || !(role.equals("user") || role.equals("assistant"))) {
                // A "system" or any other role planted here would be sent to the model as it is.
                throw new Damaged("message " + number + " is neither the user's nor the assistant's; instructions "
                        + "belong in the \"system\" field");
            }
            if (!node.path("content").isTextual()) {
                throw new Damaged("message " + number + " has no text");
            }
            String reasoning = text(node, "reasoning", "message " + number + " has a reasoning that is not text");
            conversation.add(MessagePartsFormat.read(node, number, role, node.get("content").asText(), reasoning,
                    node.path("cut").asBoolean(false)));
        }
        return conversation;
    }

    private static String text(JsonNode root, String field, String problem) throws Damaged {
        JsonNode node = root.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Damaged(problem);
        }
        return node.asText();
    }
}
