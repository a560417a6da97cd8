package bnagpt;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.ToolRun;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * An Llm without a server, for the engines' tests: it answers with the given pieces (or
 * endlessly, or fails before the first one), keeps every request it was sent, and runs
 * {@code between} after each piece, so a test can look at the store while an answer streams.
 * With {@link #tools} it first plays built-in tool runs as Groq streams them: each run started
 * (no output yet), then finished, by its index.
 */
final class DevsFakeLlm implements Llm {
    final List<Request> requests = new ArrayList<>();
    private final List<String> pieces;
    private final boolean endless;
    private final String failure;
    private IntConsumer between = piece -> { };
    private List<ToolRun> tools = List.of();

    private DevsFakeLlm(List<String> pieces, boolean endless, String failure) {
        this.pieces = pieces;
        this.endless = endless;
        this.failure = failure;
    }

    static DevsFakeLlm answering(String... pieces) {
        return new DevsFakeLlm(List.of(pieces), false, null);
    }

    /** Sends "piece " again and again until it is stopped, as a hostile server would. */
    static DevsFakeLlm endless() {
        return new DevsFakeLlm(List.of(), true, null);
    }

    static DevsFakeLlm failing(String sentence) {
        return new DevsFakeLlm(List.of(), false, sentence);
    }

    /** Runs these tools before the answer, as Groq does: started, then finished. */
    DevsFakeLlm tools(ToolRun... runs) {
        tools = List.of(runs);
        return this;
    }

    DevsFakeLlm between(IntConsumer action) {
        between = action;
        return this;
    }

    @Override
    public Reply stream(Request request, Listener listener, Stop stop) {
        requests.add(request);
        if (failure != null) {
            throw new LlmFailure(failure);
        }
        for (int i = 0; i < tools.size(); i++) {
            ToolRun run = tools.get(i);
            listener.onTool(i, new ToolRun(run.kind(), run.input(), null, List.of()));
            listener.onTool(i, run);
            listener.onBatchEnd();
        }
        for (int i = 0; endless || i < pieces.size(); i++) {
            if (stop.stopped()) {
                return new Reply("stop", null, null, stop.reason());
            }
            listener.onContent(endless ? "piece " : pieces.get(i));
            listener.onBatchEnd(); // as a stream read from the network: one piece per read here
            between.accept(i);
        }
        return new Reply("stop", new Usage(3, pieces.size(), java.time.Duration.ofMillis(10)), null, null);
    }

    @Override
    public List<ModelInfo> models() {
        return List.of(new ModelInfo("fake/model", 1000));
    }

    @Override
    public String defaultModel() {
        return "fake/model";
    }
}
