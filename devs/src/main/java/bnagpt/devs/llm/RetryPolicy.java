package bnagpt.devs.llm;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a request again, as Groq's own SDKs do: up to {@code maxRetries} more tries
 * after a connection error, or a 408, 409, 429 or 5xx; 0.5 s, 1 s, 2 s... apart (at most
 * {@code maxDelay}, less up to a quarter so that many clients do not retry in step), or as
 * long as the server's retry-after says when that is at most {@code longestWait}.
 * LangChain4j's streaming model retries nothing itself, so nothing is retried twice over.
 */
public record RetryPolicy(int maxRetries, Duration firstDelay, Duration maxDelay, Duration longestWait) {
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));

    Duration backoff(int retry) {
        long millis = Math.min(maxDelay.toMillis(), firstDelay.toMillis() << Math.min(retry, 20));
        return Duration.ofMillis((long) (millis * (1 - 0.25 * ThreadLocalRandom.current().nextDouble())));
    }

    static boolean retryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /**
     * The server's own word on when to come back: retry-after-ms, or retry-after in seconds.
     * Null when it says nothing we can wait for (an HTTP date, a negative number, NaN).
     */
    static Duration retryAfter(HttpHeaders headers) {
        String millis = headers.firstValue("retry-after-ms").orElse(null);
        String seconds = headers.firstValue("retry-after").orElse(null);
        double wait;
        try {
            wait = millis != null ? Double.parseDouble(millis) : seconds != null ? Double.parseDouble(seconds) * 1000 : -1;
        } catch (NumberFormatException e) {
            return null;
        }
        boolean sensible = wait >= 0 && wait <= Long.MAX_VALUE / 1_000_000; // NaN fails both tests
        return sensible ? Duration.ofMillis((long) wait) : null;
    }
}
