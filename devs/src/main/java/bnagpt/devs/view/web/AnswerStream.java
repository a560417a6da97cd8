package bnagpt.devs.view.web;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.ToolRun;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One answer on its way to one page: one JSON object a line ("ndjson"), written as it
 * arrives. The model's pieces are gathered and sent every {@value #TICK_MS} ms, so a fast
 * answer is not one network write per token; the Markdown of the whole answer so far is
 * rendered and sent at most every {@value #RENDER_MS} ms (rendering at every piece would
 * cost the square of the answer); and while nothing comes (the model thinks), an empty
 * line goes out every second, because a closed tab is noticed only when we write to it.
 * A closed tab stops the answer: nobody pays for what nobody reads.
 */
final class AnswerStream implements Llm.Listener, AutoCloseable {
    static final int TICK_MS = 40;
    static final int RENDER_MS = 300;
    private static final long BEAT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ObjectMapper json;
    private final MessageParts parts;
    private final OutputStream out;
    private final Stop stop;
    private final boolean jsonMode;
    private final ScheduledFuture<?> ticking;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder newContent = new StringBuilder();
    private final StringBuilder newReasoning = new StringBuilder();
    private long lastWrite = System.nanoTime();
    private long lastRender = System.nanoTime();
    private boolean rendered = true;
    private boolean pageGone;
    private boolean ended;

    AnswerStream(ObjectMapper json, MessageParts parts, OutputStream out, Stop stop, boolean jsonMode,
            ScheduledExecutorService clock) {
        this.json = json;
        this.parts = parts;
        this.out = out;
        this.stop = stop;
        this.jsonMode = jsonMode;
        this.ticking = clock.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void onContent(String text) {
        content.append(text);
        newContent.append(text);
        rendered = false;
    }

    @Override
    public synchronized void onReasoning(String text) {
        newReasoning.append(text);
    }

    /** A search or a run of code began or ended on Groq's side: the page shows it at once, after the text before it. */
    @Override
    public void onTool(int index, ToolRun run) {
        send(parts.tool(index, run).put("type", "tool"));
    }

    @Override
    public void onRetry(String sentence) {
        send(event("notice").put("text", sentence));
    }

    /** A new event of the given type, to fill in and send. */
    ObjectNode event(String type) {
        return json.createObjectNode().put("type", type);
    }

    /** Sends what is still gathered, then EVENT. */
    synchronized void send(ObjectNode event) {
        flush();
        write(event.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the last event ("done" or "error"): nothing follows it, not even a tick already under way. */
    synchronized void end(ObjectNode event) {
        ended = true;
        ticking.cancel(false);
        send(event);
    }

    private synchronized void tick() {
        if (ended) {
            return;
        }
        flush();
        if (!rendered && System.nanoTime() - lastRender >= TimeUnit.MILLISECONDS.toNanos(RENDER_MS)) {
            write(event("html").put("html", Markdown.render(content.toString(), jsonMode)).toString().getBytes(StandardCharsets.UTF_8));
            lastRender = System.nanoTime();
            rendered = true;
        }
        if (System.nanoTime() - lastWrite >= BEAT_NANOS) {
            write(new byte[0]); // the page skips empty lines
        }
    }

    private void flush() {
        if (newReasoning.length() > 0) {
            write(event("reasoning").put("text", newReasoning.toString()).toString().getBytes(StandardCharsets.UTF_8));
            newReasoning.setLength(0);
        }
        if (newContent.length() > 0) {
            write(event("content").put("text", newContent.toString()).toString().getBytes(StandardCharsets.UTF_8));
            newContent.setLength(0);
        }
    }

    private void write(byte[] line) {
        if (pageGone) {
            return;
        }
        try {
            out.write(line);
            out.write('\n');
            out.flush();
            lastWrite = System.nanoTime();
        } catch (IOException e) {
            pageGone = true;
            stop.stop("The page was closed before the answer ended.");
        }
    }

    /** No more ticks: the last events are the caller's. */
    @Override
    public void close() {
        ticking.cancel(false);
    }
}
