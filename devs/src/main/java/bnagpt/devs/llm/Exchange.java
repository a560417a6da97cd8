package bnagpt.devs.llm;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One request to the server, for the chat (POST) and the model list (GET) alike, tried again
 * when that may help: as Groq's SDKs do (see RetryPolicy), and once more, at once, when the
 * connection broke before any byte of the answer: a pooled keep-alive connection that the
 * server had closed while it sat idle. (The JDK retries such a GET itself, never a POST.)
 * Returns a response whose body is the answer, or throws: a ServerRefusal for an error or a
 * web page, another IOException when the server could not be reached.
 */
final class Exchange {
    /** Groq's error bodies are a few hundred bytes; we read at most this much of one. */
    static final int MAX_ERROR_BODY_BYTES = 64 << 10;

    private final HttpClient http;
    private final RetryPolicy retries;
    private final String shownBaseUrl;

    Exchange(HttpClient http, RetryPolicy retries, String shownBaseUrl) {
        this.http = http;
        this.retries = retries;
        this.shownBaseUrl = shownBaseUrl;
    }

    HttpResponse<InputStream> send(HttpRequest request, Llm.Listener listener, Watchdog watchdog) throws IOException {
        boolean freshConnectionTried = false;
        for (int attempt = 0; ; attempt++) {
            HttpResponse<InputStream> response;
            try {
                response = await(http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()), watchdog);
            } catch (IOException e) {
                if (watchdog.ended()) {
                    throw e;
                }
                if (!freshConnectionTried && brokeBeforeAnswer(e)) {
                    freshConnectionTried = true; // a stale pooled connection is no news: no notice, no pause
                    attempt--;
                    continue;
                }
                Duration wait = retries.backoff(attempt);
                if (attempt < retries.maxRetries() && !(e instanceof HttpTimeoutException) && watchdog.leavesTimeFor(wait)) {
                    pause(listener, "Could not reach " + shownBaseUrl + " (" + Failures.describe(e) + ").", wait, watchdog);
                    continue;
                }
                throw e;
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                if (isWebPage(response)) {
                    response.body().close();
                    throw ServerRefusal.webPage(status);
                }
                return response;
            }
            String body = errorBody(response);
            Duration asked = RetryPolicy.retryAfter(response.headers());
            Duration wait = asked != null ? asked : retries.backoff(attempt);
            if (RetryPolicy.retryable(status) && attempt < retries.maxRetries()
                    && wait.compareTo(retries.longestWait()) <= 0 && watchdog.leavesTimeFor(wait)) {
                pause(listener, status == 429 ? "The server's rate limit was reached (429)."
                        : "The server had a problem (" + status + ").", wait, watchdog);
                continue;
            }
            throw ServerRefusal.error(status, body, asked);
        }
    }

    /**
     * Waits for the response's headers; the watchdog or the stop button may end the wait. A
     * stream's body is ended the same way by whoever reads it (see GuardedHttpClient).
     */
    private static <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> pending, Watchdog watchdog)
            throws IOException {
        watchdog.watch(() -> pending.cancel(true));
        try {
            return pending.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (CancellationException e) {
            throw new IOException("ended before the answer began");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            throw new IOException("interrupted");
        }
    }

    /** A connection that broke before the answer began, not one that could not be made or that timed out. */
    private static boolean brokeBeforeAnswer(IOException e) {
        return !(e instanceof ConnectException || e instanceof UnknownHostException || e instanceof HttpTimeoutException
                || e.getCause() instanceof ConnectException || e.getCause() instanceof UnknownHostException);
    }

    private static void pause(Llm.Listener listener, String why, Duration wait, Watchdog watchdog) throws IOException {
        listener.onRetry(why + " Trying again in " + Watchdog.seconds(wait) + ".");
        try {
            if (!watchdog.pause(wait)) {
                throw new IOException("ended while waiting to try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Whether a response is labelled as a web page (text/html, application/xhtml+xml). */
    private static boolean isWebPage(HttpResponse<?> response) {
        return response.headers().firstValue("content-type").orElse("").toLowerCase().contains("html");
    }

    /** At most MAX_ERROR_BODY_BYTES of an error's body: a server must not fill our memory through an error. */
    private static String errorBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return new String(in.readNBytes(MAX_ERROR_BODY_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
