package bnagpt.devs.llm;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream whose lines are at most limits.longestLine() bytes (LangChain4j reads a line
 * whole before it looks at it, so one endless "data:" line would fill the memory), and
 * which ends past limits.longestStream() bytes (LangChain4j keeps every event until the end).
 */
final class BoundedStream extends FilterInputStream {
    private final Limits limits;
    private final Llm.Listener listener;
    private long line;
    private long total;

    BoundedStream(InputStream in, Limits limits, Llm.Listener listener) {
        super(in);
        this.limits = limits;
        this.listener = listener;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    /**
     * LangChain4j's reader asks for more bytes only once it has handed over every line it
     * had: the moment to tell the listener that a batch has ended (a good time to flush).
     */
    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        listener.onBatchEnd();
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(buffer, offset, n);
        }
        return n;
    }

    /** Counts the stream and the line under way: from the last line break of the piece, if it has one. */
    private void count(byte[] buffer, int offset, int n) throws TooLong {
        total += n;
        int end = offset + n;
        int lastBreak = end - 1;
        while (lastBreak >= offset && buffer[lastBreak] != '\n' && buffer[lastBreak] != '\r') {
            lastBreak--;
        }
        line = lastBreak < offset ? line + n : end - 1 - lastBreak;
        if (line > limits.longestLine()) {
            throw new TooLong("The server sent more than " + mebibytes(limits.longestLine()) + " in one line of its "
                    + "stream, more than any answer needs, so reading stopped there.");
        }
        if (total > limits.longestStream()) {
            throw new TooLong("The server's stream passed " + mebibytes(limits.longestStream()) + ", more than any "
                    + "answer needs, so reading stopped there.");
        }
    }

    private static String mebibytes(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    /** A line, or a whole stream, longer than any answer needs: reading stopped there, and the sentence says so. */
    static final class TooLong extends IOException {
        TooLong(String sentence) {
            super(sentence);
        }
    }
}
