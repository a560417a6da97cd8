package bnagpt.devs.view.web;

import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Predicate;

/**
 * The Chatbot With Memory page's sidebar: the saved conversations (the same folder as
 * chat.java's), one conversation to show, and rename and delete. The store does the
 * work; this turns it into JSON for the page.
 */
final class ConversationRoutes {
    private final ObjectMapper json;
    private final MessageParts parts;
    private final ConversationStore store;
    private final AttachmentStore attachments;
    /** Whether a conversation is answering right now: it is then neither renamed nor deleted. */
    private final Predicate<String> answering;

    ConversationRoutes(ObjectMapper json, ConversationStore store, AttachmentStore attachments,
            Predicate<String> answering) {
        this.json = json;
        this.parts = new MessageParts(json);
        this.store = store;
        this.attachments = attachments;
        this.answering = answering;
    }

    /** Newest first, with the time each was last saved, for the sidebar's groups by date. */
    ArrayNode list() {
        ArrayNode list = json.createArrayNode();
        for (ConversationStore.Summary summary : store.list()) {
            list.addObject().put("id", summary.id()).put("title", summary.title())
                    .put("updated", summary.updated().toEpochMilli());
        }
        return list;
    }

    /**
     * A saved conversation for the page: the user's words as text, the answers as HTML, and
     * what each message carried beside them (attachments, tool runs, passages).
     */
    ObjectNode get(String id) {
        Conversation conversation = store.load(id);
        ObjectNode shown = json.createObjectNode()
                .put("id", conversation.id())
                .put("title", conversation.title())
                .put("model", conversation.model())
                .put("system", conversation.system())
                .put("json", conversation.json())
                .put("answering", answering.test(conversation.id()));
        ArrayNode messages = shown.putArray("messages");
        for (Message message : conversation.messages()) {
            ObjectNode node = messages.addObject().put("role", message.role()).put("cut", message.cut());
            if (message.fromUser()) {
                node.put("text", message.content());
            } else {
                node.put("html", Markdown.render(message.content(), conversation.json()));
                if (message.reasoning() != null) {
                    node.put("reasoning", message.reasoning());
                }
            }
            parts.putAll(node, message);
        }
        return shown;
    }

    void rename(String id, String title) {
        refuseWhileAnswering(id);
        store.rename(id, title);
    }

    void delete(String id) {
        refuseWhileAnswering(id);
        store.deleteWithAttachments(id, attachments); // its images and documents go with it, unless another refers to them
    }

    private void refuseWhileAnswering(String id) {
        if (answering.test(id)) {
            throw new Refusal(409, "This conversation is answering right now: wait for the answer, or stop it.");
        }
    }
}
