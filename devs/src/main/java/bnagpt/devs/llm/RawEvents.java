package bnagpt.devs.llm;

import bnagpt.devs.model.ToolRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import java.io.IOException;
import java.util.Map;

/**
 * Reads the two things in Groq's stream that LangChain4j's OpenAI module (1.19.0) passes
 * over, from each raw event on its way to it; every event it does not end goes on unchanged.
 * <ul>
 * <li>A failure in the middle of the stream comes as an event {"error": {...}}, which the
 * module ignores: the answer would just stop. Here it ends the stream as the failure it is
 * (an {@link ErrorEvent}), and its message reaches the sentence.
 * <li>Groq's executed_tools, which the module does not map (it hands them to its
 * experimental onUnmappedRawEvent only): each run goes to {@code tools}, in order with the
 * text around it.
 * </ul>
 */
final class RawEvents implements ServerSentEventListener {
    /** Where a run goes: AnswerHandler.onTool. */
    interface Sink {
        void onTool(int index, ToolRun run);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ServerSentEventListener events;
    private final Sink tools;

    RawEvents(ServerSentEventListener events, Sink tools) {
        this.events = events;
        this.tools = tools;
    }

    /** The parser's way in: with the context that can stop the parsing. */
    @Override
    public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
        JsonNode error = error(event.data());
        if (error != null) {
            context.parsingHandle().cancel();
            events.onError(new ErrorEvent(error.path("message").asText("(no message)"), error.path("code").asText("")));
            return;
        }
        handOn(event);
        events.onEvent(event, context);
    }

    @Override
    public void onEvent(ServerSentEvent event) {
        handOn(event);
        events.onEvent(event);
    }

    private void handOn(ServerSentEvent event) {
        for (Map.Entry<Integer, ToolRun> run : ExecutedTools.in(event.data()).entrySet()) {
            tools.onTool(run.getKey(), run.getValue());
        }
    }

    /** The event's {"error": {...}} object, or null for any other event (the quick way past the chunks of text). */
    private static JsonNode error(String data) {
        if (data == null || !data.startsWith("{\"error\"")) {
            return null;
        }
        try {
            JsonNode error = JSON.readTree(data).path("error");
            return error.isObject() ? error : null;
        } catch (IOException e) {
            return null; // not JSON: LangChain4j says what is wrong with the stream
        }
    }

    @Override
    public void onOpen(SuccessfulHttpResponse response) {
        events.onOpen(response);
    }

    @Override
    public void onError(Throwable error) {
        events.onError(error);
    }

    @Override
    public void onClose() {
        events.onClose();
    }

    /** An error event in the middle of a stream: the server's message and code. */
    static final class ErrorEvent extends RuntimeException {
        final String code;

        ErrorEvent(String message, String code) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
