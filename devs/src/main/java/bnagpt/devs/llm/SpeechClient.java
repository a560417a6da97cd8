package bnagpt.devs.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;

/**
 * Groq's two audio endpoints on the JDK's HttpClient, through the chat's own Exchange (retries
 * as Groq's SDKs do them, a fresh connection for a stale one, proxies, a bounded error body, a
 * web page told apart) and Watchdog (no wait without end). Speech to text sends the recording
 * as multipart/form-data; text to speech sends JSON and gets a wav. Failures are sentences,
 * worded as the chat's are, never with the key.
 */
public final class SpeechClient implements Speech, Transcriber {
    /** A wav of 200 characters of speech is about 1 MB at 48 kHz; more than this is no speech of ours. */
    static final int MOST_WAV_BYTES = 16 << 20;
    /** A transcript of 25 MB of audio is far shorter than this. */
    static final int MOST_TRANSCRIPT_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;
    private final Limits limits;
    private final Exchange exchange;
    private final Failures failures;
    private final String shown;

    /** The server at BASE_URL (Groq's, or another OpenAI-compatible one); HTTP shared with the chat. */
    public SpeechClient(String baseUrl, String apiKey, Limits limits, RetryPolicy retries, HttpClient http) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey;
        this.limits = limits;
        this.shown = OpenAiCompatibleLlm.shown(this.baseUrl);
        this.exchange = new Exchange(http, retries, shown);
        this.failures = new Failures(shown, apiKey, java.util.List::of);
    }

    @Override
    public String transcribe(String fileName, byte[] audio) {
        TranscriptionForm form = TranscriptionForm.of(Map.of("model", Transcriber.MODEL, "response_format", "json"),
                fileName, audio);
        HttpRequest.Builder post = request("/audio/transcriptions").header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()));
        byte[] body = send(post, MOST_TRANSCRIPT_BYTES, Transcriber.MODEL, "a transcript");
        try {
            JsonNode text = JSON.readTree(body).path("text");
            if (text.isTextual()) {
                return text.asText().strip();
            }
        } catch (IOException e) {
            // said below
        }
        throw new LlmFailure("The server at " + shown + " answered the recording with something that is not a "
                + "transcript. Check GROQ_BASE_URL: it must point at an OpenAI-compatible API with /audio/transcriptions.");
    }

    @Override
    public byte[] wav(String text, String voice) {
        String json = JSON.createObjectNode().put("model", Speech.MODEL).put("input", text).put("voice", voice)
                .put("response_format", "wav").toString();
        HttpRequest.Builder post = request("/audio/speech").header("Content-Type", "application/json")
                .header("Accept", "audio/wav").POST(HttpRequest.BodyPublishers.ofString(json));
        return send(post, MOST_WAV_BYTES, Speech.MODEL, "speech");
    }

    private HttpRequest.Builder request(String path) {
        if (apiKey == null && OpenAiCompatibleLlm.isGroq(baseUrl)) {
            throw Failures.noKey();
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey); // in the header only, never in a sentence
        }
        return builder;
    }

    /** The response's body, at most MOST bytes; any failure is a sentence. */
    private byte[] send(HttpRequest.Builder request, int most, String model, String what) {
        try (Watchdog watchdog = new Watchdog(limits, shown)) {
            try {
                HttpResponse<InputStream> response = exchange.send(request.build(), sentence -> { }, watchdog);
                watchdog.news();
                try (InputStream in = response.body()) {
                    watchdog.watch(() -> close(in));
                    byte[] body = in.readNBytes(most + 1);
                    if (body.length > most) {
                        throw new LlmFailure("The server at " + shown + " sent more than " + (most >> 20) + " MiB of "
                                + what + "; it was not read. Check GROQ_BASE_URL.");
                    }
                    return body;
                }
            } catch (IOException e) {
                if (watchdog.verdict() != null) {
                    throw new LlmFailure(watchdog.verdict());
                }
                throw failure(e, model);
            }
        }
    }

    /** The chat's sentences, but for the two that would speak of a conversation. */
    private LlmFailure failure(IOException e, String model) {
        if (e instanceof ServerRefusal refusal && !refusal.webPage) {
            String said = serverMessage(refusal.body);
            if (refusal.status == 413) {
                return new LlmFailure("The recording is larger than the server takes (413): Groq takes at most 25 MB. "
                        + "Record a shorter question." + said, "request_too_large");
            }
            if (refusal.status == 404) {
                return new LlmFailure("The server at " + shown + " does not offer " + model + " (404). Groq does; "
                        + "other OpenAI-compatible servers may neither listen nor speak." + said, "model_not_found");
            }
            if (refusal.status == 400 || refusal.status == 422) {
                return new LlmFailure("The server refused the audio request (" + refusal.status + ")." + said);
            }
        }
        return failures.of(e, model);
    }

    /** " The server said: ..." from an error body, shortened, without the key; "" when it said nothing. */
    private String serverMessage(String body) {
        try {
            String message = JSON.readTree(body).path("error").path("message").asText("");
            if (apiKey != null && !apiKey.isEmpty()) {
                message = message.replace(apiKey, "[your key]");
            }
            return message.isBlank() ? "" : " The server said: " + Failures.shorten(message, 300)
                    + (message.toLowerCase(Locale.ROOT).endsWith(".") || message.endsWith("?") ? "" : ".");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // given up anyway
        }
    }
}
