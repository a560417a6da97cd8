package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import bnagpt.chat.ChatException;
import bnagpt.chat.ProxyVariables;
import java.net.Proxy;
import java.util.Map;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The proxy variables, read as curl reads them (see ProxyVariables in chat.java). */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProxyVariablesTest {

    private static String proxyFor(Map<String, String> env, String scheme, String host) {
        Proxy proxy = ProxyVariables.from(env).proxyFor(scheme, host);
        return proxy.type() == Proxy.Type.DIRECT ? "direct" : proxy.type() + " " + proxy.address();
    }

    @Test
    void no_variable_set_means_no_proxy_of_ours_and_an_empty_one_is_not_set() {
        assertNull(ProxyVariables.from(Map.of()));
        assertNull(ProxyVariables.from(Map.of("https_proxy", "", "HTTP_PROXY", " ")));
    }

    @Test
    void https_addresses_take_https_proxy_and_http_ones_http_proxy() {
        Map<String, String> env = Map.of("https_proxy", "http://secure.proxy:3128", "http_proxy", "plain.proxy:8080");

        assertEquals("HTTP secure.proxy/<unresolved>:3128", proxyFor(env, "https", "api.groq.com"));
        assertEquals("HTTP plain.proxy/<unresolved>:8080", proxyFor(env, "http", "example.org"));
    }

    @Test
    void the_lowercase_name_wins_over_the_capitals() {
        Map<String, String> env = Map.of("https_proxy", "http://lower:1", "HTTPS_PROXY", "http://upper:2",
                "http_proxy", "http://lower:3", "HTTP_PROXY", "http://upper:4");

        assertEquals("HTTP lower/<unresolved>:1", proxyFor(env, "https", "api.groq.com"));
        assertEquals("HTTP lower/<unresolved>:3", proxyFor(env, "http", "example.org"));
        assertEquals("HTTP upper/<unresolved>:2", proxyFor(Map.of("HTTPS_PROXY", "http://upper:2"), "https", "x.org"));
    }

    @Test
    void all_proxy_serves_the_scheme_that_has_no_proxy_of_its_own() {
        Map<String, String> env = Map.of("ALL_PROXY", "http://everything:8000", "http_proxy", "http://plain:80");

        assertEquals("HTTP everything/<unresolved>:8000", proxyFor(env, "https", "api.groq.com"));
        assertEquals("HTTP plain/<unresolved>:80", proxyFor(env, "http", "example.org"));
    }

    @Test
    void only_https_proxy_set_leaves_plain_http_direct() {
        assertEquals("direct", proxyFor(Map.of("https_proxy", "http://p:1"), "http", "example.org"));
    }

    @Test
    void no_proxy_names_domains_with_their_subdomains_with_or_without_a_leading_dot() {
        Map<String, String> env = Map.of("https_proxy", "http://p:1", "NO_PROXY", " groq.com , .internal,10.0.0.7,[fd00::1]");

        assertEquals("direct", proxyFor(env, "https", "api.groq.com"));
        assertEquals("direct", proxyFor(env, "https", "GROQ.COM"));
        assertEquals("direct", proxyFor(env, "https", "llm.internal"));
        assertEquals("direct", proxyFor(env, "https", "10.0.0.7"));
        assertEquals("direct", proxyFor(env, "https", "[fd00::1]"));
        assertEquals("HTTP p/<unresolved>:1", proxyFor(env, "https", "notgroq.com"));
        assertEquals("HTTP p/<unresolved>:1", proxyFor(env, "https", "10.0.0.77"));
    }

    @Test
    void no_proxy_star_sends_everything_direct() {
        assertEquals("direct", proxyFor(Map.of("https_proxy", "http://p:1", "no_proxy", "*"), "https", "api.groq.com"));
    }

    @Test
    void this_machine_is_always_reached_directly() {
        Map<String, String> env = Map.of("http_proxy", "http://p:1");

        assertEquals("direct", proxyFor(env, "http", "localhost"));
        assertEquals("direct", proxyFor(env, "http", "127.0.0.1"));
        assertEquals("direct", proxyFor(env, "http", "[::1]"));
    }

    @Test
    void a_socks5_proxy_is_a_socks_proxy_on_port_1080_unless_told() {
        assertEquals("SOCKS tunnel/<unresolved>:1080", proxyFor(Map.of("all_proxy", "socks5h://tunnel"), "https", "x.org"));
        assertEquals("SOCKS tunnel/<unresolved>:9050", proxyFor(Map.of("all_proxy", "socks5://tunnel:9050"), "https", "x.org"));
    }

    @Test
    void a_proxy_of_another_kind_is_refused_with_a_sentence_that_hides_its_password() {
        ChatException e = assertThrows(ChatException.class,
                () -> ProxyVariables.from(Map.of("https_proxy", "ftp://ada:s3cret@proxy:21")));

        assertEquals("The proxy \"ftp://proxy:21\" (from https_proxy, http_proxy or all_proxy) is not one the chat "
                + "can use: write it as http://host:port or socks5://host:port.", e.getMessage());
    }

    @Test
    void a_proxy_that_asks_who_we_are_gets_the_user_and_password_of_its_address_once() throws Exception {
        ProxyVariables proxies = ProxyVariables.from(Map.of("https_proxy", "http://ada:s3cret@proxy:3128"));
        Request connect = new Request.Builder().url("https://api.groq.com/").build();
        Response challenge = new Response.Builder().request(connect).protocol(Protocol.HTTP_1_1).code(407)
                .message("Proxy Authentication Required").build();

        Request answered = proxies.authenticator().authenticate(null, challenge);

        assertEquals("Basic YWRhOnMzY3JldA==", answered.header("Proxy-Authorization"));
        assertNull(proxies.authenticator().authenticate(null, challenge.newBuilder().request(answered).build()),
                "refused once: no second try with the same words");
        assertFalse(proxies.toString().contains("s3cret"));
    }
}
