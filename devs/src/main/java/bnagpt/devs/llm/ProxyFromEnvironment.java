package bnagpt.devs.llm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy variables, read as curl reads them, for Java's HttpClient (which reads none of
 * them): https_proxy or HTTPS_PROXY for https addresses; http_proxy for http ones (lowercase
 * only: curl ignores HTTP_PROXY, which a web server's CGI could set from a request's
 * "Proxy:" header); all_proxy or ALL_PROXY for either; no_proxy or NO_PROXY, a comma-separated
 * list of hosts and domains (".example.com" or "example.com" covers its subdomains too,
 * "*" covers everything) that are reached directly. Behind a company proxy, the chat then
 * goes where curl goes.
 */
public final class ProxyFromEnvironment extends ProxySelector {
    private final Proxy https;
    private final Proxy http;
    private final List<String> noProxy;

    /** Throws LlmFailure when a variable holds something that is not an address. */
    public ProxyFromEnvironment(Map<String, String> env) {
        Proxy all = proxy(env, "all_proxy", "ALL_PROXY");
        Proxy forHttps = proxy(env, "https_proxy", "HTTPS_PROXY");
        Proxy forHttp = proxy(env, "http_proxy");
        this.https = forHttps != null ? forHttps : all;
        this.http = forHttp != null ? forHttp : all;
        String list = first(env, "no_proxy", "NO_PROXY");
        this.noProxy = list == null ? List.of()
                : List.of(list.toLowerCase(Locale.ROOT).split("\\s*,\\s*")).stream().map(String::strip)
                        .filter(s -> !s.isEmpty()).toList();
    }

    /** Whether any proxy is set: without one the client is built without a selector at all. */
    public boolean any() {
        return https != null || http != null;
    }

    @Override
    public List<Proxy> select(URI uri) {
        Proxy proxy = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
        if (proxy == null || bypassed(uri.getHost())) {
            return List.of(Proxy.NO_PROXY);
        }
        return List.of(proxy);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException e) {
        // nothing to learn: the failure reaches the request, which says so
    }

    private boolean bypassed(String host) {
        if (host == null) {
            return true;
        }
        String name = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        for (String entry : noProxy) {
            String domain = entry.replaceFirst("^\\.", "").replaceFirst(":\\d+$", "");
            if (entry.equals("*") || name.equals(domain) || name.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first of NAMES that is set: "http://proxy.example:3128", "proxy.example:3128" or
     * "proxy.example" (port 1080, curl's default). The sentence for a wrong one names the
     * variable, not its value: a proxy address may hold a password.
     */
    private static Proxy proxy(Map<String, String> env, String... names) {
        String name = null;
        for (String candidate : names) {
            if (env.get(candidate) != null && !env.get(candidate).isBlank()) {
                name = candidate;
                break;
            }
        }
        if (name == null) {
            return null;
        }
        String value = env.get(name).strip();
        try {
            URI uri = URI.create(value.contains("://") ? value : "http://" + value);
            if (uri.getHost() != null) {
                int port = uri.getPort() != -1 ? uri.getPort() : 1080;
                return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), port));
            }
        } catch (IllegalArgumentException e) {
            // said below
        }
        throw new LlmFailure("The proxy in " + name + " is not an address like http://proxy.example:3128. Correct it, "
                + "or unset it.");
    }

    private static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
