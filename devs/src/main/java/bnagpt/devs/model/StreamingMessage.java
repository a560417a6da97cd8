package bnagpt.devs.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An answer while it arrives: the article's StreamingMessage. Pieces of thinking and of
 * the answer are appended as the model sends them; {@link #toMessage()} gives the message
 * to keep once it has ended, whole or cut.
 *
 * <p>For safety it holds at most {@code limitBytes}, content and reasoning together,
 * counted as they will be saved (UTF-8 inside JSON strings, where a quote takes 2 bytes, a
 * control character 6 and an emoji 12): a server that never stops sending cannot fill the memory,
 * and the answer still fits in a file the store will write. The piece that would pass the
 * limit is not kept; from then on the message is cut, and nothing more is added (the same
 * holds after the stop button or a broken stream). The first reason given for the cut is
 * kept, as a sentence to show.
 *
 * <p>What the built-in tools did (a search and its sources, code and its output) is kept
 * beside the text, by the index the stream gives each run: a finished run replaces the
 * started one of the same index. Runs count in the same limit, as they will be saved: a
 * search with a thousand sources or code that printed megabytes cuts the answer like text.
 */
public final class StreamingMessage {
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final Map<Integer, ToolRun> tools = new LinkedHashMap<>();
    private final Map<Integer, Long> toolSizes = new LinkedHashMap<>();
    private final long limitBytes;
    private long bytes;
    private boolean cut;
    private String cutReason;

    public StreamingMessage(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** Adds a piece of the answer; false (and the message is cut) once the limit is passed. */
    public synchronized boolean append(String text) {
        return add(content, text);
    }

    /** Adds a piece of the model's thinking; false (and the message is cut) once the limit is passed. */
    public synchronized boolean appendReasoning(String text) {
        return add(reasoning, text);
    }

    /**
     * Keeps what a built-in tool did, replacing what run INDEX said before (started, then
     * finished); false (and the message is cut) once the limit is passed.
     */
    public synchronized boolean tool(int index, ToolRun run) {
        if (cut) {
            return false;
        }
        long size = savedLength(run);
        long before = toolSizes.getOrDefault(index, 0L);
        if (bytes - before + size > limitBytes) {
            cut("The answer passed " + shown(limitBytes) + ", the most one answer may hold, so it was cut there.");
            return false;
        }
        bytes += size - before;
        tools.put(index, run);
        toolSizes.put(index, size);
        return true;
    }

    /** The tool runs so far, in the order they started. */
    public synchronized List<ToolRun> tools() {
        return List.copyOf(tools.values());
    }

    private boolean add(StringBuilder to, String text) {
        if (cut) {
            return false; // a cut answer is final: nothing arrives after the stop
        }
        long size = savedLength(text);
        if (bytes + size > limitBytes) {
            cut("The answer passed " + shown(limitBytes) + ", the most one answer may hold, so it was cut there.");
            return false;
        }
        bytes += size;
        to.append(text);
        return true;
    }

    /** Marks the answer as ended before the model finished it; the first reason given is kept. */
    public synchronized void cut(String reason) {
        if (!cut) {
            cut = true;
            cutReason = reason;
        }
    }

    public synchronized String content() {
        return content.toString();
    }

    public synchronized String reasoning() {
        return reasoning.toString();
    }

    public synchronized boolean isCut() {
        return cut;
    }

    /** Why the answer was cut, as a sentence; null when it is whole. */
    public synchronized String cutReason() {
        return cutReason;
    }

    /** The bytes held so far, as the limit counts them. */
    public synchronized long size() {
        return bytes;
    }

    /** The message to keep: cut if it was cut, with its reasoning when there was any. */
    public synchronized Message toMessage() {
        return new Message("assistant", content.toString(), reasoning.isEmpty() ? null : reasoning.toString(), cut,
                List.of(), new ArrayList<>(tools.values()), List.of());
    }

    /** 8 MiB, 1.5 MiB, 64 KiB, 100 bytes. */
    static String shown(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
        }
        return bytes >= 1 << 10 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }

    /** The bytes a tool run takes when saved: its texts as JSON strings, and room for the names around them. */
    static long savedLength(ToolRun run) {
        long n = 64 + savedLength(run.input()) + (run.output() == null ? 0 : savedLength(run.output()));
        for (Source source : run.sources()) {
            n += 32 + savedLength(source.title()) + savedLength(source.url());
        }
        return n;
    }

    /**
     * The bytes TEXT takes inside a JSON string in a UTF-8 file, as Jackson writes it. Each
     * half of a surrogate pair counts alone, so a pair split between two pieces counts the same.
     */
    static long savedLength(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                n += 2;
            } else if (c < 0x20) {
                n += 6; // a six-character escape: backslash, u, four hex digits
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isSurrogate(c)) {
                n += 6; // Jackson escapes each half: an emoji takes 12 bytes in the file
            } else {
                n += 3;
            }
        }
        return n;
    }
}
