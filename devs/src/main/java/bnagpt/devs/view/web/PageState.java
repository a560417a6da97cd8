package bnagpt.devs.view.web;

import bnagpt.devs.controller.ModelCatalog;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.model.Assistant;
import bnagpt.devs.model.AssistantShelf;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * GET /api/state and GET /api/models: what a page needs first. The picker's models come from
 * the controller's ModelCatalog, the assistants from the model's AssistantShelf.
 */
final class PageState {
    private final ObjectMapper json;
    private final ModelCatalog models;
    private final AssistantShelf assistants;
    private final ConversationRoutes conversations;

    PageState(ObjectMapper json, ModelCatalog models, AssistantShelf assistants, ConversationRoutes conversations) {
        this.json = json;
        this.models = models;
        this.assistants = assistants;
        this.conversations = conversations;
    }

    /** Its default model at once, the assistants, and the saved conversations. */
    ObjectNode state() {
        ObjectNode state = json.createObjectNode().put("model", models.defaultModel());
        ArrayNode shelf = state.putArray("assistants");
        for (Assistant assistant : assistants.list()) {
            shelf.addObject().put("id", assistant.id()).put("name", assistant.name())
                    .put("instructions", assistant.instructions()).put("model", assistant.model());
        }
        state.set("conversations", conversations.list());
        return state;
    }

    /**
     * The picker's models (the default one first), asked for apart from the state, so a slow
     * server never holds up the page; with the catalog's sentence when its list is missing.
     */
    ObjectNode modelOffer() {
        List<Llm.ModelInfo> listed = models.models();
        Set<String> offered = new LinkedHashSet<>(List.of(models.defaultModel()));
        listed.forEach(model -> offered.add(model.id()));
        ObjectNode shown = json.createObjectNode();
        offered.forEach(shown.putArray("models")::add);
        String problem = listed.isEmpty() ? models.error() : null;
        return problem == null ? shown : shown.put("problem", problem);
    }
}
