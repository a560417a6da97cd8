package bnagpt.devs.llm;

import java.time.Duration;

/**
 * How long we wait for a server, and how much we take from it: without limits a broken or
 * hostile server could keep an answer waiting forever or fill the memory. LangChain4j's own
 * timeout bounds the wait for the response's headers only, and a stalled stream never ends.
 *
 * @param firstToken from asking until the first piece of the answer (retries and their pauses included)
 * @param stall the longest silence in the middle of an answer (keep-alive comments are not news)
 * @param longestLine the longest line of a stream, or list of models, we read
 * @param longestStream the most bytes of one stream we read. LangChain4j keeps every event of a
 *     stream until it ends (OpenAiStreamingResponseBuilder's rawServerSentEvents), so the memory
 *     an answer costs grows with the stream, not with the answer: 64 MiB is some 200,000 tokens
 *     from Groq, three times the longest answer gpt-oss may give.
 */
public record Limits(Duration firstToken, Duration stall, int longestLine, long longestStream) {
    public static final Limits DEFAULT =
            new Limits(Duration.ofSeconds(60), Duration.ofSeconds(60), 8 << 20, 64L << 20);

    /** Both waits at once: ask's --timeout SECONDS. */
    public Limits withTimeout(Duration timeout) {
        return new Limits(timeout, timeout, longestLine, longestStream);
    }
}
