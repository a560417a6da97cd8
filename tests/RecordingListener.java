package bnagpt;

import bnagpt.chat.StreamListener;
import bnagpt.devs.llm.Llm;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Remembers what a stream told its listener, in order: chat.java's StreamListener and the
 * devs app's Llm.Listener alike (the two name the same three events).
 */
class RecordingListener implements StreamListener, Llm.Listener {
    final List<String> content = new CopyOnWriteArrayList<>();
    final List<String> reasoning = new CopyOnWriteArrayList<>();
    final List<String> retries = new CopyOnWriteArrayList<>();

    @Override
    public void onContent(String text) {
        content.add(text);
    }

    @Override
    public void onReasoning(String text) {
        reasoning.add(text);
    }

    @Override
    public void onRetry(String notice) {
        retries.add(notice);
    }

    /** Both interfaces have it, as a default that does nothing: so does this. */
    @Override
    public void onBatchEnd() {
    }

    /** The answer as it arrived, its pieces joined. */
    String text() {
        return String.join("", content);
    }
}
