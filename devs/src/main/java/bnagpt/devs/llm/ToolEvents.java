package bnagpt.devs.llm;

import bnagpt.devs.model.ToolRun;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import java.util.Map;

/**
 * Reads Groq's executed_tools from the stream's events on their way to LangChain4j, which
 * does not map them (1.19.0 hands them to its experimental onUnmappedRawEvent only): here
 * they are read from the raw event, in order with the text around them, and each run goes
 * to {@code tools}. The event then goes on unchanged.
 */
final class ToolEvents implements ServerSentEventListener {
    /** Where a run goes: AnswerHandler.onTool. */
    interface Sink {
        void onTool(int index, ToolRun run);
    }

    private final ServerSentEventListener events;
    private final Sink tools;

    ToolEvents(ServerSentEventListener events, Sink tools) {
        this.events = events;
        this.tools = tools;
    }

    @Override
    public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
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
}
