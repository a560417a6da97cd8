package bnagpt.devs.view.web;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What every request must pass, as Jupyter's and Ollama's local servers do it: the page
 * spends your key, so only this machine's browser, on this page, with this run's secret,
 * may use the API.
 *
 * <p>The secret travels in a header the page's script adds ({@value #SECRET_HEADER}), never
 * in a cookie: cookies ignore ports, so a cookie would go to every other server on
 * 127.0.0.1 too. A browser gets the secret once, from the private file that WebApp opens
 * (a form that posts it) or from a printed address whose code works once; neither leaves
 * the secret in an address, so it is never in the browser's history or on a command line.
 */
final class Guard {
    static final String SECRET_HEADER = "X-Bnagpt-Secret";
    /** Codes not yet used; the oldest are dropped past this many. */
    private static final int MOST_CODES = 32;

    private final SecureRandom random = new SecureRandom();
    private final String secret = randomHex(24);
    private final Set<String> codes = new LinkedHashSet<>();
    private final HostNames hosts;

    Guard(HostNames hosts) {
        this.hosts = hosts;
    }

    String secret() {
        return secret;
    }

    HostNames hosts() {
        return hosts;
    }

    /** Every request: the Host header names this machine (against DNS rebinding). */
    void checkHost(Context ctx) {
        if (!hosts.allows(ctx.header("Host"))) {
            throw new Refusal(403, "This server answers only to " + hosts.origin() + ".");
        }
    }

    /** Every API request: from this page (not another site or port), with this run's secret. */
    void checkApi(Context ctx) {
        String origin = ctx.header("Origin");
        String site = ctx.header("Sec-Fetch-Site");
        if ((origin != null && !origin.equals("http://" + ctx.header("Host")))
                || (site != null && !site.equals("same-origin"))) {
            throw new Refusal(403, "Requests from other sites are refused.");
        }
        if (!matches(ctx.header(SECRET_HEADER))) {
            throw Refusal.needsSecret("This page was opened without this run's secret: open the address that "
                    + "./jbang web printed in its terminal (each one works once, and it prints a new one), "
                    + "or start it again.");
        }
    }

    /** A code for one printed address: it gives one browser the secret, then is spent. */
    synchronized String newCode() {
        String code = randomHex(16);
        codes.add(code);
        if (codes.size() > MOST_CODES) {
            Iterator<String> oldest = codes.iterator();
            oldest.next();
            oldest.remove();
        }
        return code;
    }

    /** Spends a code; false when it was never given, or already used. */
    synchronized boolean useCode(String code) {
        return code != null && codes.remove(code);
    }

    /** Compared in constant time: how long it takes must not tell how much of a guess was right. */
    boolean matches(String given) {
        return given != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private String randomHex(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }
}
