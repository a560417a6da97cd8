package bnagpt.devs.llm;

import bnagpt.devs.model.Message;
import bnagpt.devs.model.ToolRun;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LLM layer: the article's utils/llama.py. One interface for "n models from n APIs":
 * Groq by default, any OpenAI-compatible server by its base URL, and, in tests, a fake.
 * Engines (the controllers) talk to this and never to a library or a URL.
 */
public interface Llm {

    /**
     * Streams one answer and returns when it has ended: whole, stopped, cut by a limit or
     * broken. Its pieces reach {@code listener} as they arrive, on the calling thread or
     * another. A failure before the first piece throws {@link LlmFailure}; one after it
     * ends the reply with {@link Reply#interruption()} set, so what arrived is kept.
     */
    Reply stream(Request request, Listener listener, Stop stop);

    /** The models the server offers, for the picker. Throws {@link LlmFailure}. */
    List<ModelInfo> models();

    /** The model used when a conversation names none: GROQ_MODEL, or our default. */
    String defaultModel();

    /**
     * What to ask: the model, the instructions, the messages to send (already windowed), JSON
     * mode, the built-in tools the model may use, and the images to send with the messages,
     * by their index in {@code messages} (a message's text is sent as a text part beside them).
     */
    record Request(String model, String system, List<Message> messages, boolean json, Set<BuiltInTool> tools,
            Map<Integer, List<Image>> images) {
        public Request {
            tools = tools == null ? Set.of() : Set.copyOf(tools);
            images = images == null ? Map.of() : Map.copyOf(images);
        }

        public Request(String model, String system, List<Message> messages, boolean json) {
            this(model, system, messages, json, Set.of(), Map.of());
        }
    }

    /** Receives the answer while it streams. */
    interface Listener {
        /** A piece of the answer arrived. */
        void onContent(String text);

        /** A piece of the model's thinking arrived (gpt-oss, qwen3): not the answer. */
        default void onReasoning(String text) {}

        /**
         * A built-in tool started (its {@code run} has no output yet) or finished, on Groq's
         * side. {@code index} tells the runs of one answer apart: a finished run replaces the
         * started one of the same index.
         */
        default void onTool(int index, ToolRun run) {}

        /** The request failed and will be tried again; say so. */
        default void onRetry(String sentence) {}

        /** Every piece that arrived in one read from the network has been handed over: a good time to flush. */
        default void onBatchEnd() {}
    }

    /**
     * How an answer ended. {@code interruption} is a sentence when it did not end whole
     * (stopped, cut off, too large); null when it did.
     */
    record Reply(String finishReason, Usage usage, Duration timeToFirstToken, String interruption) {
        public boolean complete() {
            return interruption == null;
        }
    }

    /** Tokens and time, as the server counted them; null fields when it did not say. */
    record Usage(long promptTokens, long completionTokens, Duration total) {
        /** Completion tokens per second over the whole answer, or 0 when unknown. */
        public double tokensPerSecond() {
            return total == null || total.isZero() ? 0 : completionTokens * 1e9 / total.toNanos();
        }
    }

    /** A model the server offers. */
    record ModelInfo(String id, long contextWindow) {}
}
