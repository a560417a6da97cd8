package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a company proxy, the chat goes through it, as curl does: https_proxy for Groq's
 * https URL, http_proxy for a plain-http one. The proxy here is a few lines on loopback that
 * writes down each request it gets: a plain request is answered with a short stream, and a
 * CONNECT (the tunnel an https request asks for) is refused, after it was written down. The
 * server's host, groq.invalid, exists nowhere: only the proxy can reach it.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProxyProcessTest {
    @AutoClose
    private final RecordingProxy proxy = new RecordingProxy();

    @TempDir
    Path home;

    @Test
    void http_proxy_carries_a_plain_http_request_to_a_host_only_the_proxy_can_reach() throws Exception {
        ChatCommand.Result run = ChatCommand.run(Map.of("http_proxy", proxy.url(), "BNAGPT_HOME", home.toString(),
                "GROQ_BASE_URL", "http://groq.invalid/openai/v1"), "", "-q", "Hi");

        assertEquals("Hello through the proxy\n", run.stdout());
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("POST http://groq.invalid/openai/v1/chat/completions HTTP/1.1", proxy.requests.get(0).get(0));
    }

    @Test
    void https_proxy_is_asked_for_a_tunnel_to_groq_which_keeps_the_key_from_the_proxy() throws Exception {
        ChatCommand.Result run = ChatCommand.run(Map.of("HTTPS_PROXY", proxy.url(), "BNAGPT_HOME", home.toString(),
                "GROQ_API_KEY", Clients.KEY), "", "-q", "Hi");

        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().startsWith("Could not reach https://api.groq.com/openai/v1"), run.stderr());
        List<String> connect = proxy.requests.get(0);
        assertEquals("CONNECT api.groq.com:443 HTTP/1.1", connect.get(0));
        assertFalse(String.join("\n", connect).contains(Clients.KEY), "the key travels inside the tunnel only");
    }

    @Test
    void no_proxy_sends_a_matching_host_direct() throws Exception {
        ChatCommand.Result run = ChatCommand.run(Map.of("http_proxy", proxy.url(), "no_proxy", "example.org,.invalid",
                "BNAGPT_HOME", home.toString(), "GROQ_BASE_URL", "http://groq.invalid/openai/v1"), "", "-q", "Hi");

        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("unknown host"), run.stderr());
        assertEquals(List.of(), proxy.requests);
    }

    /** The proxy: each request's head (request line and headers), in the order they came. */
    static final class RecordingProxy implements AutoCloseable {
        final List<List<String>> requests = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;

        RecordingProxy() {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket connection = socket.accept()) {
                        serve(connection);
                    } catch (IOException e) {
                        // closed, or the client hung up
                    }
                }
            }, "RecordingProxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        private void serve(Socket connection) throws IOException {
            InputStream in = new BufferedInputStream(connection.getInputStream());
            List<String> head = new CopyOnWriteArrayList<>();
            StringBuilder line = new StringBuilder();
            int length = 0;
            for (int b = in.read(); b != -1; b = in.read()) {
                if (b == '\r') {
                    continue;
                }
                if (b != '\n') {
                    line.append((char) b);
                    continue;
                }
                if (line.length() == 0) {
                    break;
                }
                head.add(line.toString());
                if (line.toString().toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).strip());
                }
                line.setLength(0);
            }
            in.readNBytes(length);
            requests.add(head);
            OutputStream out = connection.getOutputStream();
            if (!head.isEmpty() && head.get(0).startsWith("CONNECT ")) {
                out.write(bytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                return;
            }
            String events = "data: {\"choices\":[{\"delta\":{\"content\":\"Hello through the proxy\"},"
                    + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
            out.write(bytes("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "
                    + events.length() + "\r\nConnection: close\r\n\r\n" + events));
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
