package bnagpt.devs.controller;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The models for the picker, from the server's GET /models, without ever holding a page up:
 * a caller waits at most {@code wait} (3 s), a list is kept for {@code keep} (60 s), a failure
 * is remembered for {@code keepFailure} (30 s) so the next loads do not wait again, and callers
 * that come while a request is under way share it: 200 page loads make one request.
 */
public final class ModelCatalog {
    private final Llm llm;
    private final Duration wait;
    private final Duration keep;
    private final Duration keepFailure;
    private final LongSupplier clock;
    private List<Llm.ModelInfo> models;
    private long modelsAt;
    private String error;
    private long errorAt;
    private CompletableFuture<List<Llm.ModelInfo>> pending;

    public ModelCatalog(Llm llm) {
        this(llm, Duration.ofSeconds(3), Duration.ofSeconds(60), Duration.ofSeconds(30), System::nanoTime);
    }

    public ModelCatalog(Llm llm, Duration wait, Duration keep, Duration keepFailure, LongSupplier clock) {
        this.llm = llm;
        this.wait = wait;
        this.keep = keep;
        this.keepFailure = keepFailure;
        this.clock = clock;
    }

    /** The model a new conversation starts with: GROQ_MODEL, or our default. */
    public String defaultModel() {
        return llm.defaultModel();
    }

    /**
     * The server's models, sorted by name; an empty list when they could not be had in time
     * ({@link #error()} then says why). Never throws, never waits more than {@code wait}.
     */
    public List<Llm.ModelInfo> models() {
        CompletableFuture<List<Llm.ModelInfo>> request;
        synchronized (this) {
            long now = clock.getAsLong();
            if (models != null && now - modelsAt < keep.toNanos()) {
                return models;
            }
            if (error != null && now - errorAt < keepFailure.toNanos()) {
                return List.of();
            }
            if (pending == null) {
                pending = ask();
            }
            request = pending;
        }
        try {
            return request.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            failed("The server did not list its models within " + wait.toSeconds() + " s; the default model is used. "
                    + "The list is asked for again in " + keepFailure.toSeconds() + " s.");
        } catch (ExecutionException e) {
            // recorded by ask()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
    }

    /** Why the last list could not be had, as a sentence; null when it was had. */
    public synchronized String error() {
        return error;
    }

    /** One request in the background: a caller that stops waiting leaves it to finish for the next. */
    private CompletableFuture<List<Llm.ModelInfo>> ask() {
        CompletableFuture<List<Llm.ModelInfo>> request = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                List<Llm.ModelInfo> list = List.copyOf(llm.models());
                synchronized (this) {
                    models = list;
                    modelsAt = clock.getAsLong();
                    error = null;
                    pending = null;
                }
                request.complete(list);
            } catch (RuntimeException e) {
                failed(e instanceof LlmFailure ? e.getMessage() : "The server's list of models could not be read.");
                synchronized (this) {
                    pending = null;
                }
                request.completeExceptionally(e);
            }
        }, "bnagpt-models");
        thread.setDaemon(true);
        thread.start();
        return request;
    }

    private synchronized void failed(String sentence) {
        error = sentence;
        errorAt = clock.getAsLong();
    }
}
