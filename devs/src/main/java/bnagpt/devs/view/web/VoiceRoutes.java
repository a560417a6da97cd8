package bnagpt.devs.view.web;

import bnagpt.devs.controller.Voice;
import bnagpt.devs.controller.VoicePieces;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Speech;
import bnagpt.devs.llm.Transcriber;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Map;

/**
 * The page's microphone and its "Read aloud" buttons (voice.js), on the controller's Voice:
 * <ul>
 * <li>POST /api/transcribe: the recording as the body (at most Groq's 25 MB) -> {"text"}, which
 *     the page puts in the input, to be read and sent;
 * <li>POST /api/speech/pieces {text} -> {"pieces": [...], "notice"}: an answer cut into pieces of
 *     at most 200 characters at sentence ends, bounded (the notice says what is left out);
 * <li>POST /api/speech {text, voice} -> one piece read aloud, a wav. The page asks for the next
 *     piece while one plays, so speech starts after the first piece;
 * <li>GET /api/voices -> {"voices": [...]} for the sidebar's voice setting.
 * </ul>
 * Every route is behind the Guard, as the chat is: a recording spends the user's key too.
 */
final class VoiceRoutes {
    /** A recording's type, as the browser's MediaRecorder names it, and the file name Groq reads its format from. */
    private static final Map<String, String> FILE_NAMES = Map.of("audio/webm", "recording.webm", "audio/ogg",
            "recording.ogg", "audio/mp4", "recording.m4a", "audio/mpeg", "recording.mp3", "audio/wav", "recording.wav",
            "audio/x-wav", "recording.wav", "audio/flac", "recording.flac");

    private final ObjectMapper json;
    private final Voice voice;

    VoiceRoutes(ObjectMapper json, Voice voice) {
        this.json = json;
        this.voice = voice;
    }

    void addTo(RoutesConfig routes) {
        routes.post("/api/transcribe", this::transcribe);
        routes.post("/api/speech/pieces", this::pieces);
        routes.post("/api/speech", this::speech);
        routes.get("/api/voices", ctx -> send(ctx, voices()));
        routes.exception(Voice.Refused.class, (refused, ctx) -> refuse(ctx, 400, refused.getMessage()));
    }

    private void transcribe(Context ctx) throws IOException {
        byte[] audio = ctx.bodyInputStream().readNBytes(Transcriber.MOST_BYTES + 1);
        String name = FILE_NAMES.getOrDefault(baseType(ctx.contentType()), "recording.webm");
        if (audio.length > Transcriber.MOST_BYTES) {
            refuse(ctx, 413, "The recording is over the 25 MB Groq transcribes: record a shorter question.");
            return;
        }
        try {
            send(ctx, json.createObjectNode().put("text", voice.transcribe(name, audio)));
        } catch (LlmFailure e) {
            refuse(ctx, 502, e.getMessage());
        }
    }

    private void pieces(Context ctx) throws IOException {
        VoicePieces.Reading reading = voice.pieces(body(ctx).path("text").asText(""));
        ObjectNode answer = json.createObjectNode();
        reading.pieces().forEach(answer.putArray("pieces")::add);
        send(ctx, answer.put("notice", reading.notice()));
    }

    private void speech(Context ctx) throws IOException {
        JsonNode body = body(ctx);
        try {
            byte[] wav = voice.speak(body.path("text").asText(""), body.path("voice").asText(null));
            ctx.contentType("audio/wav").result(wav);
        } catch (LlmFailure e) {
            refuse(ctx, 502, e.getMessage());
        }
    }

    private ObjectNode voices() {
        ObjectNode voices = json.createObjectNode();
        Speech.VOICES.forEach(voices.putArray("voices")::add);
        return voices;
    }

    private static String baseType(String contentType) {
        return contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** A small JSON object: an answer of 20,000 characters fits many times over. */
    private JsonNode body(Context ctx) throws IOException {
        return WebServer.jsonBody(json, ctx, "The text to read aloud");
    }

    private void send(Context ctx, JsonNode body) {
        ctx.contentType("application/json; charset=utf-8").result(body.toString());
    }

    private void refuse(Context ctx, int status, String sentence) {
        ctx.status(status);
        send(ctx, json.createObjectNode().put("error", sentence));
    }
}
