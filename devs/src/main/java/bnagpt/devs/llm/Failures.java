package bnagpt.devs.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failures in plain words, as chat.java says them: what happened and what to do, one
 * sentence, never a stack trace, never the key. The server's own message is quoted only
 * shortened, as data, with the key taken out should it echo it.
 */
final class Failures {
    static final String GROQ_URL = "https://api.groq.com/openai/v1";
    /** Groq's one model that reads images (December 2026). */
    static final String VISION_MODEL = "qwen/qwen3.8-27b";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The start of the message in an error body that is not whole JSON (cut at 64 KiB). */
    private static final Pattern MESSAGE_START = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){1,301})");

    private final String shownBaseUrl;
    private final String apiKey;
    private final Supplier<List<Llm.ModelInfo>> models;
    private final boolean sentImages;
    private final boolean askedForTools;

    Failures(String shownBaseUrl, String apiKey, Supplier<List<Llm.ModelInfo>> models) {
        this(shownBaseUrl, apiKey, models, false, false);
    }

    private Failures(String shownBaseUrl, String apiKey, Supplier<List<Llm.ModelInfo>> models, boolean sentImages,
            boolean askedForTools) {
        this.shownBaseUrl = shownBaseUrl;
        this.apiKey = apiKey;
        this.models = models;
        this.sentImages = sentImages;
        this.askedForTools = askedForTools;
    }

    /** The same, for one request: a refusal of its images or its built-in tools is then worded as such. */
    Failures about(Llm.Request request) {
        return new Failures(shownBaseUrl, apiKey, models, !request.images().isEmpty(), !request.tools().isEmpty());
    }

    static LlmFailure noKey() {
        return new LlmFailure("No Groq API key found. Get a free one at https://console.groq.com/keys, then: "
                + "export GROQ_API_KEY=...  (No key? Point GROQ_BASE_URL at another OpenAI-compatible server, such as "
                + "./jbang local-groq.)", "no_key");
    }

    /** A failure before the answer began. LangChain4j wraps what it passes on: the cause says what happened. */
    LlmFailure of(Throwable error, String model) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof LlmFailure failure) {
                return failure;
            }
            if (t instanceof ServerRefusal refusal) {
                return refusal.webPage ? webPage() : ofStatus(refusal, model);
            }
            if (t instanceof BoundedStream.TooLong tooLong) {
                return new LlmFailure(tooLong.getMessage());
            }
            if (t instanceof RawEvents.ErrorEvent event) {
                return new LlmFailure(errorEvent(event), event.code);
            }
            if (t instanceof HttpTimeoutException) {
                return new LlmFailure("No answer from " + shownBaseUrl + " in time. The server may be overloaded; try again.");
            }
            if (t instanceof IOException || t instanceof UnresolvedAddressException) {
                return new LlmFailure("Could not reach " + shownBaseUrl + " (" + describe(t) + "). Check your network "
                        + "connection, your proxy settings (HTTPS_PROXY) and GROQ_BASE_URL.");
            }
        }
        return new LlmFailure("The answer from " + shownBaseUrl + " could not be read (" + shorten(redact(describe(error)), 200)
                + "). Check GROQ_BASE_URL: it must point at an OpenAI-compatible API.");
    }

    /** Why an answer that had begun ended early: the part that arrived is kept, marked cut. */
    String midAnswer(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RawEvents.ErrorEvent event) {
                return errorEvent(event);
            }
            if (t instanceof BoundedStream.TooLong tooLong) {
                return tooLong.getMessage();
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return "The connection was cut in the middle of the answer (" + shorten(redact(describe(t)), 200) + ").";
            }
        }
        return "The server stopped the answer with an error: " + shorten(redact(String.valueOf(error.getMessage())), 300);
    }

    LlmFailure ofStatus(ServerRefusal refusal, String model) {
        int status = refusal.status;
        String body = refusal.body.strip();
        if (body.startsWith("<")) {
            return new LlmFailure("The server at " + shownBaseUrl + " answered " + status + " with a web page, not with "
                    + "the API. Check GROQ_BASE_URL (for Groq it is " + GROQ_URL + "), or try again later.");
        }
        String message = "";
        String code = "";
        try {
            JsonNode error = JSON.readTree(body).path("error");
            message = error.path("message").asText("");
            code = error.path("code").asText("");
        } catch (IOException | RuntimeException e) {
            Matcher cut = MESSAGE_START.matcher(body);
            message = cut.find() ? cut.group(1) : body;
        }
        message = shorten(redact(message), 300);
        String said = message.isEmpty() ? "" : " The server said: " + message;
        if (status == 401) {
            return new LlmFailure("The server rejected the API key (401). Check GROQ_API_KEY, or create a new key at "
                    + "https://console.groq.com/keys and export it again.", "invalid_api_key");
        }
        if (code.equals("model_decommissioned")) {
            return new LlmFailure("The model \"" + model + "\" has been retired." + modelsToPick()
                    + " Pick one with -m NAME, or set GROQ_MODEL to change your default.", code);
        }
        if (code.equals("model_not_found") || (status == 404 && model != null && message.contains(model))) {
            return new LlmFailure("The model \"" + model + "\" does not exist at " + shownBaseUrl + ", or your key may "
                    + "not use it." + modelsToPick() + " Pick one with -m NAME, or set GROQ_MODEL.", "model_not_found");
        }
        LlmFailure refusedExtras = ofImagesOrTools(status, code, message, model);
        if (refusedExtras != null) {
            return refusedExtras;
        }
        if (status == 404) {
            return new LlmFailure("Nothing answers at " + shownBaseUrl + " (404). Check GROQ_BASE_URL: for Groq it is "
                    + GROQ_URL + "; most other servers end in /v1.", code);
        }
        if (code.equals("context_length_exceeded") || status == 413) {
            return new LlmFailure("The conversation is too long for " + model + ". Start a new conversation, or choose "
                    + "a model with a larger context window.", "context_length_exceeded");
        }
        if (status == 429) {
            String wait = refusal.retryAfter == null ? "a minute" : Watchdog.seconds(refusal.retryAfter);
            return new LlmFailure("The server's rate limit was reached (429) and has not passed yet: wait " + wait
                    + ", then try again." + said, "rate_limit_exceeded");
        }
        if (status == 403) {
            return new LlmFailure("The server refused the request (403): your key or organisation may not be allowed "
                    + "to use " + model + "." + said, code);
        }
        if (status >= 500) {
            return new LlmFailure("The server had a problem (" + status + ") and still failed after the retries. Try "
                    + "again in a minute." + said, code);
        }
        return new LlmFailure("The server answered " + status + (code.isEmpty() ? "" : " " + code) + "." + said, code);
    }

    /**
     * Groq's refusals of images and built-in tools (their wording in docs/groq-tools.md): images
     * are for its vision model only, three at most, 4 MB a request; search and code run on
     * gpt-oss only. Null when the refusal is about something else.
     */
    private LlmFailure ofImagesOrTools(int status, String code, String message, String model) {
        String said = message.toLowerCase(Locale.ROOT);
        if (sentImages && status == 413) {
            return new LlmFailure("The images are too large together: Groq takes at most 4 MB in one request. Attach "
                    + "fewer or smaller images.", "request_too_large");
        }
        if (sentImages && status == 400 && (said.contains("must be a string") || said.contains("vision")
                || (said.contains("image") && said.contains("not support")))) {
            return new LlmFailure("The model " + model + " cannot see images: ask " + VISION_MODEL + ", Groq's vision "
                    + "model, instead (-m " + VISION_MODEL + ").", "no_vision");
        }
        if (sentImages && status == 400 && said.contains("image") && (said.contains("too many") || said.contains("up to"))) {
            return new LlmFailure("Too many images for one question: " + VISION_MODEL + " reads at most 3. Remove one and "
                    + "ask again.", "too_many_images");
        }
        if (sentImages && status == 400 && (code.equals("invalid_image") || said.contains("invalid image"))) {
            return new LlmFailure("The server could not read one of the images. Attach it again as a JPEG or PNG "
                    + "picture.", "invalid_image");
        }
        if (askedForTools && status == 400 && (model == null || !model.startsWith("openai/gpt-oss"))) {
            return new LlmFailure("Searching the web and running code work on openai/gpt-oss-120b and "
                    + "openai/gpt-oss-20b only, not on " + model + ": pick one of them (-m openai/gpt-oss-120b).",
                    "tools_not_supported");
        }
        return null;
    }

    /** Groq retires models often: rather than send you off to look, say which ones it has now. */
    private String modelsToPick() {
        try {
            List<String> ids = models.get().stream().map(Llm.ModelInfo::id).toList();
            if (!ids.isEmpty()) {
                int shown = Math.min(ids.size(), 8);
                return " Models you can use now: " + String.join(", ", ids.subList(0, shown))
                        + (ids.size() > shown ? " and " + (ids.size() - shown) + " more (--models)" : "") + ".";
            }
        } catch (LlmFailure e) {
            // no list then: the hint below still helps
        }
        return " See the models you can use with: ./jbang devs ask --models.";
    }

    LlmFailure webPage() {
        return new LlmFailure("The server at " + shownBaseUrl + " answered with a web page, not with the API. On a "
                + "hotel, train or café network, open a browser and log in first; otherwise check GROQ_BASE_URL (for "
                + "Groq it is " + GROQ_URL + ").");
    }

    private String errorEvent(RawEvents.ErrorEvent event) {
        String said = event.getMessage() + (event.code.isEmpty() ? "" : " (" + event.code + ")");
        return "The server stopped the answer with an error: " + shorten(redact(said), 300);
    }

    /**
     * What a failure is, in a few words and without its stack: "unknown host", "connection
     * refused", "IOException: HTTP/1.1 header parser received no bytes". The JDK's own
     * message is often on a cause, and an unknown host hides as an UnresolvedAddressException.
     */
    static String describe(Throwable e) {
        Throwable innermost = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (t instanceof ConnectException) {
                return t.getMessage() == null ? "connection refused" : t.getMessage();
            }
            innermost = t;
        }
        String message = innermost.getMessage();
        String name = innermost.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + message;
    }

    /** Keys must never reach a terminal or a log, even inside a server's message. */
    private String redact(String text) {
        return apiKey == null || apiKey.isEmpty() ? text : text.replace(apiKey, "[your key]");
    }

    static String shorten(String text, int most) {
        String oneLine = text.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() <= most ? oneLine : oneLine.substring(0, most - 1) + "…";
    }
}
