package bnagpt.devs.controller;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.StreamingMessage;
import bnagpt.devs.model.ToolRun;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What every engine does with an answer while it streams: keep it (text, thinking, tool runs), bounded, and pass it on. */
final class Answers {
    private Answers() {}

    /** A listener that appends to ANSWER and passes each piece on; past the answer's limit it stops the stream. */
    static Llm.Listener collecting(StreamingMessage answer, Llm.Listener view, Stop stop) {
        return new Llm.Listener() {
            @Override
            public void onContent(String text) {
                if (answer.append(text)) {
                    view.onContent(text);
                } else {
                    stop.stop(answer.cutReason());
                }
            }

            @Override
            public void onReasoning(String text) {
                if (answer.appendReasoning(text)) {
                    view.onReasoning(text);
                } else {
                    stop.stop(answer.cutReason());
                }
            }

            @Override
            public void onTool(int index, ToolRun run) {
                if (answer.tool(index, run)) { // kept with the answer, so the saved conversation shows it too
                    view.onTool(index, run);
                } else {
                    stop.stop(answer.cutReason());
                }
            }

            @Override
            public void onRetry(String sentence) {
                view.onRetry(sentence);
            }

            @Override
            public void onBatchEnd() {
                view.onBatchEnd();
            }
        };
    }

    /** Marks the answer cut when the stream did not end whole. */
    static void end(StreamingMessage answer, Llm.Reply reply) {
        if (!reply.complete()) {
            answer.cut(reply.interruption());
        } else if ("length".equals(reply.finishReason())) {
            answer.cut("The answer reached the model's length limit and ends there.");
        }
    }

    /** The sentences a turn leaves for the view, in order, or null when there are none. */
    static String notice(String... sentences) {
        String joined = Stream.of(sentences).filter(Objects::nonNull).distinct().collect(Collectors.joining(" "));
        return joined.isEmpty() ? null : joined;
    }
}
