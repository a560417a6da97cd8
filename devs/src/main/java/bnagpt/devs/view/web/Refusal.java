package bnagpt.devs.view.web;

/**
 * A request the server will not serve, with the HTTP status and the one sentence the page
 * shows: {"error": "..."}. Thrown by a check or a route; WebServer answers it.
 */
final class Refusal extends RuntimeException {
    final int status;
    /** True when what is missing is this run's secret: the page then says where to find its address. */
    final boolean needsSecret;

    Refusal(int status, String sentence) {
        this(status, sentence, false);
    }

    private Refusal(int status, String sentence, boolean needsSecret) {
        super(sentence, null, false, false);
        this.status = status;
        this.needsSecret = needsSecret;
    }

    static Refusal needsSecret(String sentence) {
        return new Refusal(403, sentence, true);
    }
}
