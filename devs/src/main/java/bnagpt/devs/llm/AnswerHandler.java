package bnagpt.devs.llm;

import bnagpt.devs.model.ToolRun;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * LangChain4j's callbacks for one answer, turned into ours: pieces to the Listener (the
 * model's thinking apart from the answer), news for the Watchdog, and at the end one Reply,
 * or one LlmFailure when nothing had arrived yet. Whatever ends the answer first (the
 * stream's end, an error, the stop button, the watchdog) decides how it ended.
 */
final class AnswerHandler implements StreamingChatResponseHandler {
    private final Llm.Listener listener;
    private final Watchdog watchdog;
    private final Stop stop;
    private final Failures failures;
    private final String model;
    private final long start = System.nanoTime();
    private final CompletableFuture<Llm.Reply> reply = new CompletableFuture<>();
    private volatile long firstToken;
    private volatile boolean watching;

    AnswerHandler(Llm.Listener listener, Watchdog watchdog, Stop stop, Failures failures, String model) {
        this.listener = listener;
        this.watchdog = watchdog;
        this.stop = stop;
        this.failures = failures;
        this.model = model;
    }

    CompletableFuture<Llm.Reply> reply() {
        return reply;
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        if (arrived(context.streamingHandle()) && !partial.text().isEmpty()) {
            listener.onContent(partial.text());
        }
    }

    @Override
    public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
        if (arrived(context.streamingHandle()) && !thinking.text().isEmpty()) {
            listener.onReasoning(thinking.text());
        }
    }

    /**
     * A built-in tool started or finished (read from the stream by RawEvents): news like a
     * piece of text, and the answer has begun, so a failure from here on keeps what arrived.
     * The transport closes the stream should the answer be ended before more text comes.
     */
    void onTool(int index, ToolRun run) {
        if (reply.isDone()) {
            return;
        }
        if (firstToken == 0) {
            firstToken = System.nanoTime();
        }
        watchdog.news();
        listener.onTool(index, run);
    }

    /** A piece arrived: from now on, ending the answer cancels LangChain4j's stream through its handle. */
    private boolean arrived(StreamingHandle handle) {
        if (reply.isDone()) {
            handle.cancel(); // ended already: take nothing more
            return false;
        }
        if (!watching) {
            watching = true;
            if (firstToken == 0) {
                firstToken = System.nanoTime();
            }
            watchdog.watch(handle::cancel);
        }
        watchdog.news();
        return true;
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        if (endedByUs()) {
            return;
        }
        String finish = response.finishReason() == null ? null : response.finishReason().name().toLowerCase(Locale.ROOT);
        reply.complete(new Llm.Reply(finish, usage(response.tokenUsage()), timeToFirstToken(),
                finish == null ? "The stream ended before the answer was finished." : null));
    }

    @Override
    public void onError(Throwable error) {
        if (endedByUs()) {
            return;
        }
        if (firstToken == 0) {
            reply.completeExceptionally(failures.of(error, model));
        } else {
            reply.complete(new Llm.Reply(null, null, timeToFirstToken(), failures.midAnswer(error)));
        }
    }

    /** Ends the answer now if the stop button or the watchdog has ended it: LangChain4j may say nothing more. */
    void settle() {
        if (!reply.isDone()) {
            endedByUs();
        }
    }

    /** The stop button or the watchdog ended the answer: say which, keeping what arrived. */
    private boolean endedByUs() {
        String why = stop.stopped() ? stop.reason() : watchdog.verdict();
        if (why == null) {
            return false;
        }
        if (firstToken == 0 && !stop.stopped()) {
            reply.completeExceptionally(new LlmFailure(why));
        } else {
            reply.complete(new Llm.Reply("stop", null, timeToFirstToken(), why));
        }
        return true;
    }

    /**
     * Tokens as the server counted them. Groq's own timing (x_groq.usage.completion_time) is
     * not read by LangChain4j, so tokens per second are over our wall time from the first
     * token to the end: what the reader saw, network included.
     */
    private Llm.Usage usage(TokenUsage usage) {
        if (usage == null) {
            return null;
        }
        Duration streaming = firstToken == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - firstToken);
        return new Llm.Usage(orZero(usage.inputTokenCount()), orZero(usage.outputTokenCount()), streaming);
    }

    private Duration timeToFirstToken() {
        return firstToken == 0 ? null : Duration.ofNanos(firstToken - start);
    }

    private static long orZero(Integer n) {
        return n == null ? 0 : n;
    }
}
