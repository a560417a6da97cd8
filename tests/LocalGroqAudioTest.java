package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * LocalGroq's audio endpoints, on the wire as Groq's: POST /audio/speech (JSON in, a wav out)
 * and POST /audio/transcriptions (multipart/form-data in, {"text"} out), and their errors in
 * Groq's shape {"error": {"message", "type", "code"}}.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LocalGroqAudioTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(null);

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<byte[]> speech(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(groq.baseUrl() + "/audio/speech"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String speechRequest(String input, String voice) {
        return JSON.createObjectNode().put("model", "canopylabs/orpheus-v1-english").put("input", input).put("voice", voice)
                .put("response_format", "wav").toString();
    }

    /** A multipart/form-data body as a browser sends it: FIELDS, then the file. */
    HttpResponse<String> transcribe(LocalGroq server, Map<String, String> fields, String fileName, byte[] file) throws Exception {
        String boundary = "----test-boundary-7MA4YWxkTrZu0gW";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n"
                    + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> model(String model) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("model", model);
        return fields;
    }

    static JsonNode error(HttpResponse<?> response) throws Exception {
        Object body = response.body();
        return JSON.readTree(body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : (String) body).path("error");
    }

    @Test
    void speech_is_a_16_bit_pcm_mono_wav_whose_length_grows_with_the_text() throws Exception {
        HttpResponse<byte[]> short_ = speech(speechRequest("Hello.", "troy"));
        HttpResponse<byte[]> long_ = speech(speechRequest("Hello. This sentence is a good deal longer than the first.", "autumn"));
        assertEquals(200, short_.statusCode());
        assertEquals("audio/wav", short_.headers().firstValue("content-type").orElse(""));
        ByteBuffer wav = ByteBuffer.wrap(short_.body()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("RIFF", new String(short_.body(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals(short_.body().length - 8, wav.getInt(4));
        assertEquals("WAVEfmt ", new String(short_.body(), 8, 8, StandardCharsets.US_ASCII));
        assertEquals(1, wav.getShort(20)); // PCM
        assertEquals(1, wav.getShort(22)); // mono
        assertEquals(16, wav.getShort(34)); // bits per sample
        double shortSeconds = bnagpt.devs.controller.VoiceWav.seconds(short_.body());
        double longSeconds = bnagpt.devs.controller.VoiceWav.seconds(long_.body());
        assertEquals(longSeconds / shortSeconds, 58 / 6.0, 0.01);
        assertTrue(long_.body().length < 20_000, "a small file: " + long_.body().length);
    }

    @Test
    void transcribing_its_own_speech_gives_back_the_text_it_spoke() throws Exception {
        byte[] wav = speech(speechRequest("What is the tallest mountain in Europe?", "hannah")).body();
        HttpResponse<String> response = transcribe(groq, model("whisper-large-v3-turbo"), "question.wav", wav);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("What is the tallest mountain in Europe?", JSON.readTree(response.body()).path("text").asText());
    }

    @Test
    void other_audio_is_transcribed_as_the_sentence_it_was_told_and_text_format_is_plain() throws Exception {
        byte[] webm = {0x1a, 0x45, (byte) 0xdf, (byte) 0xa3, 1, 2, 3, 4};
        assertEquals("What is the capital of France?",
                JSON.readTree(transcribe(groq, model("whisper-large-v3"), "a.webm", webm).body()).path("text").asText());
        try (LocalGroq told = LocalGroq.start(new LocalGroq.Options(0, 0, null, true, "Tell me a joke."))) {
            Map<String, String> fields = model("whisper-large-v3-turbo");
            fields.put("response_format", "text");
            HttpResponse<String> text = transcribe(told, fields, "a.ogg", "OggS-not-really".getBytes(StandardCharsets.UTF_8));
            assertEquals("Tell me a joke.", text.body());
            assertTrue(text.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        }
    }

    @Test
    void a_file_that_is_no_audio_is_a_400_as_groq_says_it() throws Exception {
        HttpResponse<String> response = transcribe(groq, model("whisper-large-v3-turbo"), "notes.txt",
                "These are my notes, not a recording.".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, response.statusCode());
        assertEquals("could not process file - is it a valid media file?", error(response).path("message").asText());
        assertEquals("invalid_request_error", error(response).path("type").asText());
    }

    @Test
    void a_file_over_25_mb_is_a_413() throws Exception {
        byte[] big = new byte[25 * 1024 * 1024 + 1];
        System.arraycopy("RIFF\0\0\0\0WAVE".getBytes(StandardCharsets.US_ASCII), 0, big, 0, 12);
        HttpResponse<String> response = transcribe(groq, model("whisper-large-v3-turbo"), "long.wav", big);
        assertEquals(413, response.statusCode());
        assertEquals("request_too_large", error(response).path("code").asText());
    }

    @Test
    void a_model_that_does_not_transcribe_is_groqs_model_error() throws Exception {
        HttpResponse<String> response = transcribe(groq, model("whisper-1"), "a.wav", LocalGroqAudio.Wav.tone("Hi.", 100));
        assertEquals(404, response.statusCode());
        assertEquals("model_not_found", error(response).path("code").asText());
        assertEquals("The model `whisper-1` does not exist or you do not have access to it.", error(response).path("message").asText());
    }

    @Test
    void speech_refuses_more_than_200_characters_an_unknown_voice_and_another_model() throws Exception {
        HttpResponse<byte[]> tooLong = speech(speechRequest("a".repeat(201), "troy"));
        assertEquals(400, tooLong.statusCode());
        assertTrue(error(tooLong).path("message").asText().contains("at most 200"), error(tooLong).toString());
        assertEquals(200, speech(speechRequest("\uD83D\uDE00".repeat(200), "troy")).statusCode(), "200 characters, 400 chars");

        HttpResponse<byte[]> voice = speech(speechRequest("Hello.", "alloy"));
        assertEquals(400, voice.statusCode());
        assertEquals("`voice` must be one of autumn, diana, hannah, austin, daniel, troy for canopylabs/orpheus-v1-english, "
                + "not `alloy`.", error(voice).path("message").asText());

        HttpResponse<byte[]> retired = speech(speechRequest("Hello.", "troy").replace("canopylabs/orpheus-v1-english", "playai-tts"));
        assertEquals(400, retired.statusCode());
        assertEquals("model_decommissioned", error(retired).path("code").asText());
        HttpResponse<byte[]> mp3 = speech(speechRequest("Hello.", "troy").replace("\"wav\"", "\"mp3\""));
        assertEquals(400, mp3.statusCode());
    }

    @Test
    void a_key_is_checked_on_the_audio_endpoints_too() throws Exception {
        try (LocalGroq locked = Clients.startedLocalGroq("gsk_fake_audio_key")) {
            HttpResponse<String> response = transcribe(locked, model("whisper-large-v3-turbo"), "a.wav", LocalGroqAudio.Wav.tone("Hi.", 100));
            assertEquals(401, response.statusCode());
            assertEquals("invalid_api_key", error(response).path("code").asText());
        }
    }
}
