package bnagpt.devs.llm;

import bnagpt.devs.model.Message;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Our Llm.Request in LangChain4j's words: the messages (a question with images becomes a text
 * part and image parts), JSON mode, and Groq's built-in tools. See docs/groq-tools.md for the
 * bodies this gives on the wire.
 */
final class LangChainRequest {
    private LangChainRequest() {}

    static ChatRequest of(Llm.Request request, String model) {
        OpenAiChatRequestParameters.Builder parameters = OpenAiChatRequestParameters.builder().modelName(model);
        if (request.json()) {
            parameters.responseFormat(ResponseFormat.JSON); // Groq's JSON mode: the prompt must mention JSON
        }
        if (!request.tools().isEmpty()) {
            // Built-in tools are no @Tool methods: LangChain4j passes them on as they are, as a
            // top-level "tools" field. Never both in one request: the body would hold two "tools".
            parameters.customParameters(Map.of("tools", tools(request)));
        }
        return ChatRequest.builder().messages(messages(request)).parameters(parameters.build()).build();
    }

    /** [{"type": "browser_search"}, {"type": "code_interpreter"}]: in a fixed order, so a body is the same each time. */
    private static List<Map<String, String>> tools(Llm.Request request) {
        List<Map<String, String>> tools = new ArrayList<>();
        for (BuiltInTool tool : BuiltInTool.values()) {
            if (request.tools().contains(tool)) {
                tools.add(Map.of("type", tool.wireName()));
            }
        }
        return tools;
    }

    private static List<ChatMessage> messages(Llm.Request request) {
        List<ChatMessage> messages = new ArrayList<>();
        if (request.system() != null) {
            messages.add(SystemMessage.from(request.system()));
        }
        List<Message> said = request.messages();
        for (int i = 0; i < said.size(); i++) {
            Message message = said.get(i);
            List<Image> images = request.images().getOrDefault(i, List.of());
            if (!message.fromUser()) {
                messages.add(AiMessage.from(message.content()));
            } else if (images.isEmpty()) {
                messages.add(UserMessage.from(message.content()));
            } else {
                messages.add(UserMessage.from(withImages(message.content(), images)));
            }
        }
        return messages;
    }

    /**
     * The text part, then one image part per picture, sent in the request as a data URL
     * (data:image/jpeg;base64,...). The detail level is AUTO: the server decides, as Groq's
     * docs show no "detail" at all (LangChain4j's default would ask for "low").
     */
    private static List<Content> withImages(String text, List<Image> images) {
        List<Content> parts = new ArrayList<>();
        if (!text.isBlank()) {
            parts.add(TextContent.from(text));
        }
        for (Image image : images) {
            parts.add(ImageContent.from(Base64.getEncoder().encodeToString(image.bytes()), image.mediaType(),
                    ImageContent.DetailLevel.AUTO));
        }
        return parts;
    }
}
