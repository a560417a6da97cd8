package bnagpt;

import static bnagpt.GroqResponses.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ChatException;
import bnagpt.chat.Config;
import bnagpt.chat.GroqClient;
import bnagpt.chat.Limits;
import bnagpt.chat.Message;
import bnagpt.chat.Model;
import bnagpt.chat.Reply;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * A kept-alive connection the server has closed since (servers close idle ones after a
 * minute or so) fails the next request before a byte of the answer arrives: "unexpected end
 * of stream". The chat's own client sends such a request again at once, on a new connection,
 * for GET and POST alike, and says nothing about it; a request on a new connection that fails
 * is not sent again this way. MockWebServer plays the server: it closes the connection after
 * its first response, without saying so in a "Connection: close" header.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StaleConnectionTest {
    private static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"openai/gpt-oss-120b\","
            + "\"object\":\"model\",\"active\":true,\"context_window\":131072}]}";

    @AutoClose
    private final MockWebServer server = Clients.startedMockServer();
    private final RecordingListener listener = new RecordingListener();
    /** The chat's own client, as ./jbang chat builds it. */
    private final GroqClient client = new GroqClient(
            new Config(Clients.KEY, server.url("/openai/v1").toString(), Clients.MODEL), Limits.DEFAULT);

    private static MockResponse thenCloseTheConnection(MockResponse response) {
        return response.newBuilder().onResponseEnd(new SocketEffect.CloseSocket()).build();
    }

    private static MockResponse models() {
        return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(MODELS).build();
    }

    @Test
    void a_get_on_a_connection_the_server_closed_is_sent_again_on_a_new_one() throws Exception {
        server.enqueue(thenCloseTheConnection(models()));
        server.enqueue(models());
        client.models();

        List<Model> models = client.models();

        assertEquals("openai/gpt-oss-120b", models.get(0).id());
        RecordedRequest first = server.takeRequest(1, TimeUnit.SECONDS);
        RecordedRequest again = server.takeRequest(1, TimeUnit.SECONDS);
        assertEquals("GET", again.getMethod());
        assertNotEquals(first.getConnectionIndex(), again.getConnectionIndex(), "a new connection");
    }

    @Test
    void a_post_on_a_connection_the_server_closed_is_sent_again_at_once_without_a_notice() throws Exception {
        server.enqueue(thenCloseTheConnection(hello()));
        server.enqueue(hello());
        client.stream(List.of(Message.user("Hi")), listener);

        Reply reply = client.stream(List.of(Message.user("Hi again")), listener);

        assertTrue(reply.complete(), reply.interruption());
        assertEquals("Hello!", reply.content());
        assertEquals(List.of(), listener.retries, "no pause, no notice: nothing went wrong that the user should hear");
        RecordedRequest first = server.takeRequest(1, TimeUnit.SECONDS);
        RecordedRequest again = server.takeRequest(1, TimeUnit.SECONDS);
        assertEquals("POST", again.getMethod());
        assertTrue(again.getBody().utf8().contains("Hi again"));
        assertNotEquals(first.getConnectionIndex(), again.getConnectionIndex(), "a new connection");
    }

    @Test
    void a_get_that_fails_on_a_new_connection_is_not_sent_again() {
        server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
        server.enqueue(models());

        ChatException e = assertThrows(ChatException.class, client::models);

        assertTrue(e.getMessage().startsWith("Could not reach "), e.getMessage());
        assertEquals(1, server.getRequestCount());
    }
}
