package bnagpt.devs.llm;

import java.io.IOException;
import java.time.Duration;

/**
 * The server answered, but not with an answer: an HTTP error (its status, at most 64 KiB
 * of its body, and its retry-after), or a web page where the API should be. An IOException
 * so that it travels through LangChain4j's onError unchanged; Failures words it.
 */
final class ServerRefusal extends IOException {
    final int status;
    final String body;
    final Duration retryAfter;
    final boolean webPage;

    private ServerRefusal(int status, String body, Duration retryAfter, boolean webPage) {
        super("HTTP " + status, null);
        this.status = status;
        this.body = body;
        this.retryAfter = retryAfter;
        this.webPage = webPage;
    }

    static ServerRefusal error(int status, String body, Duration retryAfter) {
        return new ServerRefusal(status, body, retryAfter, false);
    }

    /** A 200 with a web page: a captive portal (hotel or café Wi-Fi), or a base URL that is not an API. */
    static ServerRefusal webPage(int status) {
        return new ServerRefusal(status, "", null, true);
    }
}
