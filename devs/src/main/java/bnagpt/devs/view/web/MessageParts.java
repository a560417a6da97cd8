package bnagpt.devs.view.web;

import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.Passage;
import bnagpt.devs.model.Source;
import bnagpt.devs.model.ToolRun;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a message carries beside its words, as JSON for the page: the files attached to a
 * question, what the built-in tools did for an answer, and the passages of documents it read.
 * The same shape while an answer streams (the "tool" event), when it ends ("done") and when
 * a saved conversation is opened again. Everything here came from outside (a search's pages,
 * a program's output), so it is bounded: the page shows it as text, and a 5 MB output or a
 * hundred sources must not become a page the browser cannot hold.
 */
final class MessageParts {
    static final int MOST_TEXT = 100_000;
    static final int MOST_SOURCES = 100;
    static final int LONGEST_TITLE = 300;
    static final int LONGEST_URL = 2_000;

    private final ObjectMapper json;

    MessageParts(ObjectMapper json) {
        this.json = json;
    }

    /** ATTACHMENTS, TOOLS and PASSAGES of MESSAGE put on NODE (only those it has). */
    ObjectNode putAll(ObjectNode node, Message message) {
        if (!message.attachments().isEmpty()) {
            node.set("attachments", attachments(message.attachments()));
        }
        if (!message.tools().isEmpty()) {
            ArrayNode tools = node.putArray("tools");
            for (int i = 0; i < message.tools().size(); i++) {
                tools.add(tool(i, message.tools().get(i)));
            }
        }
        if (!message.passages().isEmpty()) {
            ArrayNode passages = node.putArray("passages");
            for (Passage passage : message.passages()) {
                passages.addObject().put("file", cut(passage.file(), LONGEST_TITLE)).put("page", passage.page())
                        .put("text", cut(passage.text(), MOST_TEXT));
            }
        }
        return node;
    }

    ArrayNode attachments(List<Attachment> attachments) {
        ArrayNode list = json.createArrayNode();
        for (Attachment attachment : attachments) {
            list.addObject().put("kind", attachment.kind()).put("name", attachment.name())
                    .put("mediaType", attachment.mediaType()).put("file", attachment.file());
        }
        return list;
    }

    /** One tool run; {@code output} is null while it runs. */
    ObjectNode tool(int index, ToolRun run) {
        ObjectNode node = json.createObjectNode().put("index", index).put("kind", run.kind())
                .put("input", cut(run.input(), MOST_TEXT)).put("output", run.output() == null ? null
                        : cut(run.output(), MOST_TEXT));
        ArrayNode sources = node.putArray("sources");
        for (Source source : run.sources().subList(0, Math.min(run.sources().size(), MOST_SOURCES))) {
            String url = source.url().length() > LONGEST_URL ? "" : source.url(); // a cut address leads elsewhere
            sources.addObject().put("title", cut(source.title(), LONGEST_TITLE)).put("url", url);
        }
        if (run.sources().size() > MOST_SOURCES) {
            node.put("moreSources", run.sources().size() - MOST_SOURCES);
        }
        return node;
    }

    /** TEXT up to MOST characters, and then a line saying how much was left out. */
    static String cut(String text, int most) {
        if (text == null || text.length() <= most) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(most - 1)) ? most - 1 : most;
        return text.substring(0, end) + "\n[... " + String.format("%,d", text.length() - end)
                + " more characters, not shown here]";
    }
}
