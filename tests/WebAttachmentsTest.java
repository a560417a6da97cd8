package bnagpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.view.web.WebServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's upload of images, seen by a plain HTTP client: POST /api/attachments keeps a
 * picture (and only a picture), GET /api/attachments/FILE gives a kept one back as an image
 * and nothing else, and /api/chat takes only files that are kept. No browser needed.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebAttachmentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType BYTES = MediaType.get("application/octet-stream");
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(Clients.KEY);
    @TempDir
    static Path home;

    private static WebServer server;
    private static final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();

    @BeforeAll
    static void start() {
        server = DevsPage.start(groq.baseUrl(), home);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_picture_is_kept_under_its_hash_and_comes_back_as_an_image_and_nothing_else() throws IOException {
        byte[] png = WebPictures.plain(64, 48, "png");
        JsonNode attachment = upload("holiday <b>photo</b>.png", png);

        assertEquals("image", attachment.path("kind").asText());
        assertEquals("holiday <b>photo</b>.png", attachment.path("name").asText(), "the user's name, kept as text");
        assertEquals("image/png", attachment.path("mediaType").asText());
        assertTrue(attachment.path("file").asText().matches("[0-9a-f]{64}\\.png"), attachment.toString());
        try (Response kept = call(withSecret("/api/attachments/" + attachment.path("file").asText()))) {
            assertEquals(200, kept.code());
            assertEquals("image/png", kept.header("Content-Type"));
            assertEquals("nosniff", kept.header("X-Content-Type-Options"));
            assertEquals("default-src 'none'", kept.header("Content-Security-Policy"), "no script, even in an SVG");
            assertTrue(kept.header("Cache-Control").startsWith("private"), kept.header("Cache-Control"));
            assertArrayEquals(png, kept.body().bytes());
        }
    }

    @Test
    void a_web_page_named_like_a_picture_is_refused_with_a_sentence_and_not_kept() throws IOException {
        try (Response refused = call(withSecret("/api/attachments?name=cat.png")
                .post(RequestBody.create(WebPictures.NOT_A_PICTURE.getBytes(StandardCharsets.UTF_8), BYTES)))) {
            assertEquals(400, refused.code());
            assertEquals("\"cat.png\" is not an image: attach a JPEG, PNG, GIF or WebP picture.",
                    JSON.readTree(refused.body().string()).path("error").asText());
        }
        Path folder = new AttachmentStore(home).folder();
        if (Files.isDirectory(folder)) {
            try (var kept = Files.list(folder)) {
                assertTrue(kept.noneMatch(file -> {
                    try {
                        return Files.readString(file, StandardCharsets.ISO_8859_1).contains("<script>");
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }), "the page was not kept");
            }
        }
    }

    @Test
    void uploading_needs_the_secret_and_this_page_as_its_origin() throws IOException {
        RequestBody png = RequestBody.create(WebPictures.plain(8, 8, "png"), BYTES);
        try (Response refused = call(new Request.Builder().url(base() + "/api/attachments?name=a.png").post(png))) {
            assertEquals(403, refused.code());
            assertTrue(JSON.readTree(refused.body().string()).path("needsSecret").asBoolean());
        }
        try (Response refused = call(withSecret("/api/attachments?name=a.png").header("Origin", "http://attacker.example")
                .post(png))) {
            assertEquals(403, refused.code());
        }
        try (Response refused = call(withSecret("/api/attachments?name=a.png").header("Sec-Fetch-Site", "cross-site")
                .post(png))) {
            assertEquals(403, refused.code());
        }
        try (Response refused = call(withSecret("/api/attachments/" + "0".repeat(64) + ".png")
                .header("Origin", "http://127.0.0.1:" + (server.port() + 1)))) {
            assertEquals(403, refused.code(), "a kept picture is not shown to another origin either");
        }
    }

    @Test
    void this_route_alone_takes_a_body_larger_than_the_apis_256_kb_up_to_20_mb() throws IOException {
        byte[] noisy = WebPictures.noisy(400, 300); // about 360 KB, smaller than the server's scaling threshold
        assertTrue(noisy.length > WebServer.MAX_BODY, String.valueOf(noisy.length));
        assertEquals("image/png", upload("noise.png", noisy).path("mediaType").asText());

        String chat = "{\"message\":\"" + "x".repeat(WebServer.MAX_BODY) + "\"}";
        try (Response refused = call(withSecret("/api/chat").post(RequestBody.create(chat, JSON_TYPE)))) {
            assertEquals(413, refused.code(), "the JSON routes keep their limit");
        }
        byte[] tooLarge = new byte[(20 << 20) + 1];
        System.arraycopy(noisy, 0, tooLarge, 0, noisy.length);
        try (Response refused = call(withSecret("/api/attachments?name=huge.png").post(RequestBody.create(tooLarge, BYTES)))) {
            assertEquals(413, refused.code());
            assertEquals("\"huge.png\" is over 20 MB: attach a smaller image.",
                    JSON.readTree(refused.body().string()).path("error").asText());
        }
    }

    @Test
    void a_large_photo_is_kept_scaled_to_1568_pixels_as_jpeg() throws IOException {
        JsonNode attachment = upload("big.png", WebPictures.noisy(2400, 1200));

        assertEquals("image/jpeg", attachment.path("mediaType").asText());
        try (Response kept = call(withSecret("/api/attachments/" + attachment.path("file").asText()))) {
            int[] size = WebPictures.size(kept.body().bytes());
            assertEquals(1568, size[0]);
            assertEquals(784, size[1]);
        }
    }

    @Test
    void only_names_the_store_gives_are_looked_for_and_a_link_is_never_followed() throws IOException {
        String hash = "ab".repeat(32);
        Path folder = Files.createDirectories(new AttachmentStore(home).folder());
        Files.writeString(home.resolve("secret.txt"), "not for the page");
        Files.createSymbolicLink(folder.resolve(hash + ".png"), home.resolve("secret.txt"));
        Files.writeString(folder.resolve(hash + ".txt"), "a document, not an image");
        for (String name : List.of("..%2F..%2Fsecret.txt", "%2e%2e", hash + ".png", hash + ".txt", hash + ".html",
                hash.toUpperCase() + ".png", "cd".repeat(32) + ".png", "ab.png", hash)) {
            try (Response refused = call(withSecret("/api/attachments/" + name))) {
                assertTrue(refused.code() == 404 || refused.code() == 400, name + ": " + refused.code());
                assertFalse(refused.body().string().contains("not for the page"), name);
            }
        }
    }

    @Test
    void a_message_takes_only_kept_files_at_most_three_images_and_the_tools_the_page_offers() throws IOException {
        JsonNode kept = upload("one.png", WebPictures.plain(32, 32, "png"));
        String unknown = "{\"kind\":\"image\",\"name\":\"x.png\",\"mediaType\":\"image/png\",\"file\":\"" + "ef".repeat(32)
                + ".png\"}";
        assertEquals("An attached file is not kept here (any more): attach it again.",
                refusal("{\"message\":\"hi\",\"attachments\":[" + unknown + "]}"));
        assertEquals("An attached file is not kept here (any more): attach it again.",
                refusal("{\"message\":\"hi\",\"attachments\":[{\"file\":\"../conversations.json\"}]}"));
        String four = String.join(",", List.of(kept.toString(), kept.toString(), kept.toString(), kept.toString()));
        assertEquals("At most 3 images go with one message: remove one.",
                refusal("{\"message\":\"hi\",\"attachments\":[" + four + "]}"));
        assertEquals("There is no tool \"shell\": the page offers \"search\" and \"code\".",
                refusal("{\"message\":\"hi\",\"tools\":[\"shell\"]}"));
        assertEquals("The message is empty.", refusal("{\"message\":\" \",\"attachments\":[]}"));
    }

    @Test
    void deleting_a_conversation_in_the_sidebar_deletes_its_pictures_with_it() throws IOException {
        JsonNode kept = upload("holiday.png", WebPictures.plain(40, 30, "png"));
        String file = kept.path("file").asText();
        String id;
        try (Response answer = call(withSecret("/api/chat").post(RequestBody.create(
                "{\"message\":\"What is this?\",\"attachments\":[" + kept + "]}", JSON_TYPE)))) {
            String events = answer.body().string();
            java.util.regex.Matcher start = java.util.regex.Pattern.compile("\"conversation\":\"([^\"]+)\"").matcher(events);
            assertTrue(start.find(), events);
            id = start.group(1);
        }
        assertTrue(Files.exists(new AttachmentStore(home).path(file)));

        try (Response deleted = call(withSecret("/api/conversations/" + id).delete())) {
            assertEquals(200, deleted.code());
        }

        assertFalse(Files.exists(new AttachmentStore(home).path(file)), "the picture went with its conversation");
        try (Response gone = call(withSecret("/api/attachments/" + file))) {
            assertEquals(404, gone.code());
        }
    }

    private static String refusal(String body) throws IOException {
        try (Response refused = call(withSecret("/api/chat").post(RequestBody.create(body, JSON_TYPE)))) {
            assertEquals(400, refused.code(), body);
            return JSON.readTree(refused.body().string()).path("error").asText();
        }
    }

    private static JsonNode upload(String name, byte[] bytes) throws IOException {
        try (Response response = call(withSecret("/api/attachments?name="
                + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)).post(RequestBody.create(bytes, BYTES)))) {
            String body = response.body().string();
            assertEquals(200, response.code(), body);
            return JSON.readTree(body);
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private static Request.Builder withSecret(String path) {
        return new Request.Builder().url(base() + path).header("X-Bnagpt-Secret", server.secret());
    }

    private static Response call(Request.Builder request) throws IOException {
        return http.newCall(request.build()).execute();
    }
}
