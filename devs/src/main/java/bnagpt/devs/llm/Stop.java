package bnagpt.devs.llm;

/**
 * The stop button: whoever holds it may stop an answer from another thread (the page's
 * Stop, Ctrl-C, a closed tab). The LLM layer registers how to cancel the stream under way.
 */
public final class Stop {
    private volatile String reason;
    private Runnable cancel;

    /** Stops the answer; the first reason given is the one kept. */
    public void stop(String sentence) {
        Runnable toRun;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = sentence;
            toRun = cancel;
        }
        if (toRun != null) {
            toRun.run();
        }
    }

    public boolean stopped() {
        return reason != null;
    }

    /** Why the answer was stopped, as a sentence; null while it goes on. */
    public String reason() {
        return reason;
    }

    /** What stop() must do to end the stream under way; run at once when already stopped. */
    public void onStop(Runnable action) {
        boolean now;
        synchronized (this) {
            cancel = action;
            now = reason != null;
        }
        if (now) {
            action.run();
        }
    }
}
