package bnagpt.devs.llm;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the time of one answer, and ends it when a wait is too long: no first piece of the
 * answer within limits.firstToken() of asking (retries and their pauses included), or, once
 * it has begun, no new piece for limits.stall() (keep-alive comments are not pieces). The
 * stop button ends it the same way. Ending means running what the current attempt
 * registered with {@link #watch}: cancel a request that waits for its answer, or close the
 * stream being read. LangChain4j has no such limit: its timeout ends at the headers.
 */
final class Watchdog implements AutoCloseable {
    private final Limits limits;
    private final String shownBaseUrl;
    private final long firstTokenBy;
    private volatile boolean answering;
    private volatile long lastNews;
    private volatile String verdict;
    private volatile boolean ended;
    private volatile boolean closed;
    private volatile Runnable endAttempt = () -> {};
    private volatile Runnable onVerdict = () -> {};

    Watchdog(Limits limits, String shownBaseUrl) {
        this.limits = limits;
        this.shownBaseUrl = shownBaseUrl;
        this.firstTokenBy = System.nanoTime() + limits.firstToken().toNanos();
        Thread thread = new Thread(this::keepTime, "bnagpt-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** What ends the attempt under way; run at once when the answer has already been ended. */
    void watch(Runnable end) {
        endAttempt = end;
        if (ended) {
            end.run();
        }
    }

    /** What to do once the watchdog has ended the answer, after the attempt was ended. */
    void onVerdict(Runnable action) {
        onVerdict = action;
    }

    /** Ends the answer: the stop button, or the watchdog's own verdict. Pauses before a retry end too. */
    void end() {
        synchronized (this) {
            ended = true;
            notifyAll();
        }
        endAttempt.run();
    }

    boolean ended() {
        return ended;
    }

    /** A piece of the answer arrived: the first-token wait is over, and the stall limit starts again. */
    void news() {
        lastNews = System.nanoTime();
        answering = true;
    }

    /** Whether a pause of this long still ends before the first token is due. */
    boolean leavesTimeFor(Duration pause) {
        return answering || System.nanoTime() + pause.toNanos() - firstTokenBy < 0;
    }

    /** Waits before a retry; false when the answer was ended meanwhile. */
    synchronized boolean pause(Duration wait) throws InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); left > 0 && !ended; left = end - System.nanoTime()) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return !ended;
    }

    /** Why the watchdog ended the answer, as a sentence; null while all is well. */
    String verdict() {
        return verdict;
    }

    private void keepTime() {
        synchronized (this) {
            while (!closed && !ended) {
                long now = System.nanoTime();
                long due = answering ? lastNews + limits.stall().toNanos() : firstTokenBy;
                if (now - due >= 0) {
                    verdict = answering
                            ? "The answer stalled: nothing new from " + shownBaseUrl + " for " + seconds(limits.stall())
                                    + " (keep-alive messages aside), so it was given up. Try again, or allow longer "
                                    + "with --timeout SECONDS."
                            : "No answer from " + shownBaseUrl + " within " + seconds(limits.firstToken()) + ". The "
                                    + "server may be overloaded or unreachable: try again, or allow longer with "
                                    + "--timeout SECONDS.";
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, due - now);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        if (verdict != null) {
            end();
            onVerdict.run();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format("%.1f s", millis / 1000.0);
    }
}
