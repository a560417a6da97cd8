package bnagpt.devs.view.web;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The model picker's list: the server's models, asked for once and kept a minute. A server
 * whose /models hangs or fails costs a page load at most {@code patience}; its failure is
 * kept a while, so the next loads do not wait again; and pages that load at the same
 * moment share one request instead of sending one each.
 */
public final class ModelList {
    /** The models to offer (the default one first), and a sentence when the server's list is missing. */
    public record Offer(List<String> models, String problem) {}

    private record Kept(Offer offer, long until) {}

    private final Llm llm;
    private final Executor executor;
    private final Duration patience;
    private final Duration keepList;
    private final Duration keepFailure;
    private Kept kept;
    private CompletableFuture<Offer> asking;

    public ModelList(Llm llm, Executor executor, Duration patience, Duration keepList, Duration keepFailure) {
        this.llm = llm;
        this.executor = executor;
        this.patience = patience;
        this.keepList = keepList;
        this.keepFailure = keepFailure;
    }

    public Offer offer() {
        CompletableFuture<Offer> answer;
        synchronized (this) {
            if (kept != null && System.nanoTime() < kept.until()) {
                return kept.offer();
            }
            if (asking == null) {
                asking = CompletableFuture.supplyAsync(this::ask, executor);
                answer = asking;
                answer.thenAccept(offer -> keep(offer, offer.problem() == null ? keepList : keepFailure));
            } else {
                answer = asking;
            }
        }
        try {
            return answer.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Offer late = onlyDefault("The server did not list its models within " + patience.toSeconds()
                    + " s, so only " + llm.defaultModel() + " is offered for now.");
            keepUnlessAnswered(answer, late);
            return late;
        } catch (ExecutionException e) {
            return onlyDefault("The server's list of models could not be read (" + e.getCause().getClass().getSimpleName()
                    + "), so only " + llm.defaultModel() + " is offered.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return onlyDefault(null);
        }
    }

    /** One request to the server; a failure becomes the offer of the default model and the failure's sentence. */
    private Offer ask() {
        try {
            List<String> models = new ArrayList<>(List.of(llm.defaultModel()));
            for (Llm.ModelInfo model : llm.models()) {
                if (!models.contains(model.id())) {
                    models.add(model.id());
                }
            }
            return new Offer(List.copyOf(models), null);
        } catch (LlmFailure e) {
            return onlyDefault(e.getMessage());
        }
    }

    private synchronized void keep(Offer offer, Duration howLong) {
        kept = new Kept(offer, System.nanoTime() + howLong.toNanos());
        asking = null;
    }

    /** A request that is too slow: remember that, unless its answer came meanwhile. */
    private synchronized void keepUnlessAnswered(CompletableFuture<Offer> slow, Offer late) {
        if (asking == slow) {
            kept = new Kept(late, System.nanoTime() + keepFailure.toNanos());
        }
    }

    private Offer onlyDefault(String problem) {
        return new Offer(List.of(llm.defaultModel()), problem);
    }
}
