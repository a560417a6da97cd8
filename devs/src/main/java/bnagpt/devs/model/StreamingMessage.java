package bnagpt.devs.model;

/**
 * An answer while it arrives: the article's StreamingMessage. Pieces of thinking and of
 * the answer are appended as the model sends them; {@link #toMessage()} gives the message
 * to keep once it has ended, whole or cut.
 *
 * <p>For safety it holds at most {@code limitBytes} (content and reasoning together, in
 * UTF-8): a server that never stops sending cannot fill the memory. Past the limit,
 * {@link #append} and {@link #appendReasoning} return false and the message is cut.
 * Once cut (by the limit, the stop button or a broken stream), nothing more is added.
 */
public final class StreamingMessage {
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
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

    private boolean add(StringBuilder to, String text) {
        if (cut) {
            return false; // a cut answer is final: nothing arrives after the stop
        }
        long size = utf8Length(text);
        if (bytes + size > limitBytes) {
            cut("The answer passed " + (limitBytes >> 20) + " MiB, the most one answer may hold, so it was cut there.");
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

    public synchronized Message toMessage() {
        return new Message("assistant", content.toString(), reasoning.isEmpty() ? null : reasoning.toString(), cut);
    }

    private static long utf8Length(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
