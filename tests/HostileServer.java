package bnagpt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP server on 127.0.0.1 that misbehaves in ways MockWebServer cannot: it never
 * answers, or sends without end. It reads each request, then hands the connection's output
 * to the test's {@link Behaviour}; a field marked with JUnit's @AutoClose stops it.
 */
final class HostileServer implements AutoCloseable {

    /** What the server does once it has read a request. */
    interface Behaviour {
        void answer(OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    private final AtomicInteger requests = new AtomicInteger();

    HostileServer(Behaviour behaviour) {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("HostileServer did not start", e);
        }
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    Thread handler = new Thread(() -> serve(connection, behaviour), "HostileServer-request");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "HostileServer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(Socket connection, Behaviour behaviour) {
        try (connection) {
            readRequest(connection.getInputStream());
            requests.incrementAndGet();
            behaviour.answer(connection.getOutputStream());
        } catch (IOException | InterruptedException e) {
            // The client hung up, as it should when we misbehave.
        }
    }

    /** Reads the request line, the headers and a body of Content-Length bytes. */
    private static void readRequest(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(raw);
        StringBuilder line = new StringBuilder();
        long length = 0;
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String header = line.toString().strip();
            line.setLength(0);
            if (header.isEmpty()) {
                in.readNBytes((int) length);
                return;
            }
            if (header.toLowerCase().startsWith("content-length:")) {
                length = Long.parseLong(header.substring("content-length:".length()).strip());
            }
        }
    }

    /** The base URL a client uses, like Groq's: http://127.0.0.1:PORT/openai/v1. */
    String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/openai/v1";
    }

    /** Requests read so far. */
    int requestCount() {
        return requests.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---------------------------------------------------------------------------------
    // Pieces of misbehaviour.
    // ---------------------------------------------------------------------------------

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The head of a streamed answer whose body lasts until the connection closes. */
    static void streamHead(OutputStream out, String... extraHeaders) throws IOException {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n"
                + String.join("", Arrays.stream(extraHeaders).map(h -> h + "\r\n").toList()) + "\r\n"));
    }

    /** Writes {@code fill} again and again until the client hangs up (or {@code limit} bytes). */
    static void repeat(OutputStream out, byte fill, long limit) throws IOException {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, fill);
        for (long sent = 0; sent < limit; sent += block.length) {
            out.write(block);
        }
    }
}
