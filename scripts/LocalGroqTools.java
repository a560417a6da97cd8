package bnagpt;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import bnagpt.LocalGroq.ApiError;
import bnagpt.LocalGroq.ChatRequest;
import bnagpt.LocalGroq.Directives;
import bnagpt.LocalGroq.Json;
import bnagpt.LocalGroq.Model;

/*
 * LocalGroqTools.java - LocalGroq's part for what Groq does beyond chat: its built-in tools
 * (web search and code runs on gpt-oss) and images (on its one vision model). Part of
 * LocalGroq (JBang compiles it with LocalGroq.java); docs/groq-tools.md says where each wire
 * fact was learned and what is assumed.
 *
 * A request whose "tools" holds {"type":"browser_search"} or {"type":"code_interpreter"}
 * gets reasoning, then per tool a chunk with delta.executed_tools = [{index, type, arguments}]
 * (it started), then one with the same index and its results (it finished), then an answer
 * that uses them. Directives for them:
 *   #mock:sources=N        the search finds N results (default 3)
 *   #mock:hostile-sources  results whose titles and texts hold HTML and script, and whose
 *                          links are javascript: and data: URLs, beside one good link
 *   #mock:code-output-mb=N the code prints N MiB
 * A message with image_url parts goes to qwen/qwen3.8-27b only (other models get Groq's
 * 400); there: at most 3 images, a body of at most 4 MB, and each image is described from
 * its real bytes ("Image 1 is a JPEG picture of 640 x 480 pixels.").
 */
final class LocalGroqTools {
    static final String VISION_MODEL = "qwen/qwen3.8-27b";
    static final int MOST_IMAGES = 3;
    /** Groq's limit for a request carrying base64 images: 4 MB (taken as 4,000,000 bytes, the stricter reading). */
    static final int MOST_IMAGE_BODY = 4_000_000;
    /** Groq's "type" in executed_tools for gpt-oss's searches and code runs (assumed: see docs/groq-tools.md). */
    static final String SEARCH_TYPE = "browser.search";
    static final String CODE_TYPE = "python";
    static final String CODE = "print(6 * 7)";

    private LocalGroqTools() {}

    /** An image_url part: where it was (messages[index]) and its URL (data:... or http...). */
    record ImagePart(int messageIndex, String url) {}

    /** Groq's refusals, in the order it makes them: tools on a model without them; images where no vision is. */
    static void check(ChatRequest request, Model model, int bodyLength) throws ApiError {
        for (String tool : request.tools()) {
            if (!tool.equals("browser_search") && !tool.equals("code_interpreter")) {
                throw ApiError.invalid("Unknown built-in tool type `" + tool + "`: use browser_search or code_interpreter.");
            }
            if (!model.id().startsWith("openai/gpt-oss")) {
                throw ApiError.invalid("The built-in tool `" + tool + "` is not supported with model `" + model.id()
                        + "`. It runs on openai/gpt-oss-20b and openai/gpt-oss-120b.");
            }
        }
        if (request.images().isEmpty()) return;
        if (!model.id().equals(VISION_MODEL)) {
            throw ApiError.invalid("messages[" + request.images().get(0).messageIndex() + "].content must be a string");
        }
        if (request.images().size() > MOST_IMAGES) {
            throw ApiError.invalid("Too many images provided. This model supports up to " + MOST_IMAGES + " images per request.");
        }
        if (bodyLength > MOST_IMAGE_BODY) {
            throw new ApiError(413, "invalid_request_error", "request_too_large",
                    "Request Entity Too Large: a request with images may be at most 4 MB.");
        }
    }

    // ---- Images: described from their real bytes -------------------------------------------

    /** "Image 1 is a JPEG picture of 640 x 480 pixels. Image 2 ..." for the images of the last user message. */
    static String describeImages(ChatRequest request) throws ApiError {
        int lastUser = request.lastUserIndex();
        StringJoiner said = new StringJoiner(" ");
        int n = 0;
        for (ImagePart image : request.images()) {
            if (image.messageIndex() == lastUser) said.add("Image " + ++n + " " + describe(image) + ".");
        }
        return said.toString();
    }

    private static String describe(ImagePart image) throws ApiError {
        String url = image.url();
        if (!url.startsWith("data:")) return "is at a web address, which LocalGroq does not fetch";
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) throw invalidImage(image, "not a base64 data URL");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw invalidImage(image, "its base64 is broken");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw invalidImage(image, "its bytes are not a picture");
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            reader.setInput(in);
            BufferedImage picture = reader.read(0);
            reader.dispose();
            return "is a " + format + " picture of " + picture.getWidth() + " x " + picture.getHeight() + " pixels";
        } catch (IOException | RuntimeException e) {
            throw invalidImage(image, "its bytes could not be decoded");
        }
    }

    private static ApiError invalidImage(ImagePart image, String why) {
        return new ApiError(400, "invalid_request_error", "invalid_image",
                "Invalid image in messages[" + image.messageIndex() + "]: " + why + ".");
    }

    // ---- Built-in tools: what ran, and the answer that uses it -----------------------------

    static final List<String> REASONING = List.of("The user", " asks", " something", " a tool", " can answer.");

    /** The executed_tools objects to stream (started, then finished, per tool) and the answer's text. */
    record ToolAnswer(List<String> executedTools, String reply) {}

    static ToolAnswer run(ChatRequest request, Directives mock) throws ApiError {
        String query = Directives.strip(request.lastUserText());
        List<String> executed = new ArrayList<>();
        StringJoiner reply = new StringJoiner(" ");
        for (String tool : request.tools()) {
            int index = executed.size() / 2;
            if (tool.equals("browser_search")) {
                String arguments = Json.quote("{\"query\":" + Json.quote(query) + "}");
                String started = "{\"index\":" + index + ",\"type\":\"" + SEARCH_TYPE + "\",\"arguments\":" + arguments;
                List<String[]> results = results(query, mock);
                executed.add(started + "}");
                executed.add(started + ",\"output\":" + Json.quote(searchOutput(results)) + ",\"search_results\":{\"results\":"
                        + resultsJson(results) + "}}");
                reply.add(searchReply(query, results.size()));
            } else {
                int megabytes = mock.number("code-output-mb", 0);
                String code = megabytes == 0 ? CODE : "for _ in range(" + megabytes + " * 1024 * 1024 // 3): print(42)";
                String output = megabytes == 0 ? "42\n" : "42\n".repeat(megabytes * 1024 * 1024 / 3 + 1).substring(0, megabytes * 1024 * 1024);
                String started = "{\"index\":" + index + ",\"type\":\"" + CODE_TYPE + "\",\"arguments\":"
                        + Json.quote("{\"code\":" + Json.quote(code) + "}");
                executed.add(started + "}");
                // A huge output is sent once, not twice (output and code_results): a client's line limit stays a test of the output.
                executed.add(started + ",\"output\":" + Json.quote(output)
                        + (megabytes == 0 ? ",\"code_results\":[{\"text\":" + Json.quote(output) + "}]" : "") + "}");
                reply.add(megabytes == 0 ? "I ran `" + CODE + "` in Python: the result is 42."
                        : "I ran the code in Python: it printed " + megabytes + " MiB of 42s.");
            }
        }
        return new ToolAnswer(executed, reply.toString());
    }

    /** [title, url, content] of each result. */
    private static List<String[]> results(String query, Directives mock) throws ApiError {
        List<String[]> results = new ArrayList<>();
        if (mock.has("hostile-sources")) {
            results.add(new String[] {"<script>alert('title')</script>Hostile title", "javascript:alert(1)",
                    "<img src=x onerror=alert('content')> A page that tries to run script."});
            results.add(new String[] {"<img src=x onerror=alert(1)>", "data:text/html,<script>alert(1)</script>",
                    "<b>bold?</b> <a href=\"javascript:alert(2)\">click</a>"});
            results.add(new String[] {"A good page about " + query, "https://example.com/good", "Plain text, nothing to run."});
            return results;
        }
        for (int n = 1; n <= mock.number("sources", 3); n++) {
            results.add(new String[] {"Result " + n + " for " + query, "https://example.com/search/" + n,
                    "What page " + n + " says about " + query + "."});
        }
        return results;
    }

    private static String searchOutput(List<String[]> results) {
        StringBuilder output = new StringBuilder();
        for (int i = 0; i < results.size(); i++) {
            output.append('[').append(i + 1).append("] ").append(results.get(i)[0]).append(" (").append(results.get(i)[1])
                    .append(")\n").append(results.get(i)[2]).append('\n');
        }
        return output.toString();
    }

    private static String resultsJson(List<String[]> results) {
        StringJoiner json = new StringJoiner(",", "[", "]");
        for (int i = 0; i < results.size(); i++) {
            String[] r = results.get(i);
            json.add("{\"title\":" + Json.quote(r[0]) + ",\"url\":" + Json.quote(r[1]) + ",\"content\":" + Json.quote(r[2])
                    + ",\"score\":" + String.format(Locale.ROOT, "%.2f", 0.95 - 0.01 * Math.min(i, 90)) + "}");
        }
        return json.toString();
    }

    private static String searchReply(String query, int found) {
        if (found == 0) return "I searched the web for \"" + query + "\" and found nothing.";
        StringBuilder reply = new StringBuilder("I searched the web for \"" + query + "\". The first result says so [1]");
        if (found > 1) reply.append(", and the second agrees [2]");
        return reply.append('.').toString();
    }
}
