package bnagpt;

import bnagpt.chat.StreamListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what a stream told its listener, in order. */
class RecordingListener implements StreamListener {
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
}
