package bnagpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.controller.VoiceWav;
import bnagpt.devs.llm.Limits;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.OpenAiCompatibleLlm;
import bnagpt.devs.llm.RetryPolicy;
import bnagpt.devs.llm.SpeechClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The llm layer's audio client (SpeechClient): against LocalGroq, a spoken answer and its
 * transcript; against MockWebServer, the exact request (multipart for a transcription, JSON
 * for speech, the key in the Authorization header and nowhere else) and each failure as one
 * sentence without the key.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsVoiceClientTest {
    static final String KEY = "gsk_fake_voice_key_123";
    static final RetryPolicy QUICK = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5));

    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(KEY);

    @AutoClose
    MockWebServer server = Clients.startedMockServer();

    static SpeechClient client(String baseUrl, String key) {
        return new SpeechClient(baseUrl, key, Limits.DEFAULT.withTimeout(Duration.ofSeconds(5)), QUICK,
                OpenAiCompatibleLlm.httpClient(Map.of()));
    }

    SpeechClient mock() {
        return client(server.url("/openai/v1").toString(), KEY);
    }

    static MockResponse error(int status, String message, String code) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"code\":\"" + code + "\"}}")
                .build();
    }

    @Test
    void against_local_groq_speech_comes_back_as_its_transcript() {
        SpeechClient client = client(groq.baseUrl(), KEY);
        byte[] wav = client.wav("Which planet is the largest?", "daniel");
        assertEquals(0.28, VoiceWav.seconds(wav), 0.001);
        assertEquals("Which planet is the largest?", client.transcribe("question.wav", wav));
    }

    @Test
    void a_transcription_is_multipart_with_the_model_and_the_named_file_and_the_key_only_in_the_header() throws Exception {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body("{\"text\":\" Hello there. \",\"x_groq\":{\"id\":\"req_1\"}}").build());
        byte[] audio = {'O', 'g', 'g', 'S', 0, 1, 2, (byte) 0xff, '\r', '\n', '-', '-'};

        assertEquals("Hello there.", mock().transcribe("my \"question\".ogg", audio));

        RecordedRequest request = server.takeRequest();
        assertEquals("POST /openai/v1/audio/transcriptions", request.getMethod() + " " + request.getUrl().encodedPath());
        assertEquals("Bearer " + KEY, request.getHeaders().get("Authorization"));
        Matcher type = Pattern.compile("multipart/form-data; boundary=(\\S+)").matcher(request.getHeaders().get("Content-Type"));
        assertTrue(type.matches(), request.getHeaders().get("Content-Type"));
        String boundary = type.group(1);
        byte[] body = request.getBody().toByteArray();
        String text = new String(body, StandardCharsets.ISO_8859_1); // byte for byte, the audio included
        assertFalse(text.contains(KEY) || request.getUrl().toString().contains(KEY), "the key is in the header only");
        String expectedStart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"";
        assertTrue(text.startsWith(expectedStart), text);
        assertTrue(text.contains("name=\"model\"\r\n\r\nwhisper-large-v3-turbo\r\n--" + boundary + "\r\n"), text);
        assertTrue(text.contains("name=\"response_format\"\r\n\r\njson\r\n--" + boundary + "\r\n"), text);
        String fileHead = "Content-Disposition: form-data; name=\"file\"; filename=\"my %22question%22.ogg\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        int file = text.indexOf(fileHead) + fileHead.length();
        assertTrue(file > fileHead.length(), text);
        String end = "\r\n--" + boundary + "--\r\n";
        assertTrue(text.endsWith(end), text);
        byte[] sent = java.util.Arrays.copyOfRange(body, file, body.length - end.length());
        assertArrayEquals(audio, sent);
    }

    @Test
    void speech_is_json_with_the_model_input_voice_and_wav() throws Exception {
        byte[] wav = LocalGroqAudio.Wav.tone("Hi.", 30);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "audio/wav").body(new okio.Buffer().write(wav)).build());

        assertArrayEquals(wav, mock().wav("Hi there.", "diana"));

        RecordedRequest request = server.takeRequest();
        assertEquals("POST /openai/v1/audio/speech", request.getMethod() + " " + request.getUrl().encodedPath());
        assertEquals("Bearer " + KEY, request.getHeaders().get("Authorization"));
        assertEquals(new ObjectMapper().readTree("""
                {"model": "canopylabs/orpheus-v1-english", "input": "Hi there.", "voice": "diana", "response_format": "wav"}
                """), new ObjectMapper().readTree(request.getBody().utf8()));
    }

    @Test
    void a_rejected_key_is_a_sentence_without_the_key_even_when_the_server_echoes_it() {
        server.enqueue(error(401, "Invalid API Key " + KEY, "invalid_api_key"));
        LlmFailure failure = assertThrows(LlmFailure.class, () -> mock().wav("Hi.", "troy"));
        assertTrue(failure.getMessage().startsWith("The server rejected the API key (401)."), failure.getMessage());
        assertFalse(failure.getMessage().contains(KEY));
    }

    @Test
    void an_unknown_voice_says_what_the_server_said() {
        server.enqueue(error(400, "`voice` must be one of autumn, diana for canopylabs/orpheus-v1-english, not `bob`. " + KEY, "null"));
        LlmFailure failure = assertThrows(LlmFailure.class, () -> mock().wav("Hi.", "bob"));
        assertEquals("The server refused the audio request (400). The server said: `voice` must be one of autumn, diana for "
                + "canopylabs/orpheus-v1-english, not `bob`. [your key].", failure.getMessage());
    }

    @Test
    void a_recording_too_large_for_the_server_is_a_sentence_about_the_recording() {
        server.enqueue(error(413, "Request Entity Too Large", "request_too_large"));
        LlmFailure failure = assertThrows(LlmFailure.class, () -> mock().transcribe("long.webm", new byte[] {0x1a, 0x45}));
        assertTrue(failure.getMessage().startsWith("The recording is larger than the server takes (413): Groq takes at most "
                + "25 MB. Record a shorter question."), failure.getMessage());
    }

    @Test
    void a_server_without_audio_a_web_page_and_nobody_listening_are_sentences() throws Exception {
        server.enqueue(error(404, "Unknown request URL: POST /v1/audio/speech", "unknown_url"));
        assertTrue(assertThrows(LlmFailure.class, () -> mock().wav("Hi.", "troy")).getMessage()
                .startsWith("The server at " + server.url("/openai/v1") + " does not offer canopylabs/orpheus-v1-english (404)."));

        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/html").body("<html>Log in</html>").build());
        assertTrue(assertThrows(LlmFailure.class, () -> mock().transcribe("a.wav", new byte[] {1})).getMessage()
                .contains("answered with a web page"));

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String sentence = assertThrows(LlmFailure.class, () -> client("http://127.0.0.1:" + closed + "/openai/v1", KEY)
                .wav("Hi.", "troy")).getMessage();
        assertTrue(sentence.startsWith("Could not reach http://127.0.0.1:" + closed + "/openai/v1"), sentence);
    }

    @Test
    void groq_without_a_key_says_where_to_get_one() {
        LlmFailure failure = assertThrows(LlmFailure.class, () -> client("https://api.groq.com/openai/v1", null).wav("Hi.", "troy"));
        assertEquals("no_key", failure.code());
    }

    @Test
    void a_transcript_that_is_not_json_is_a_sentence() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json").body("[1, 2]").build());
        assertTrue(assertThrows(LlmFailure.class, () -> mock().transcribe("a.wav", new byte[] {1})).getMessage()
                .contains("with something that is not a transcript"));
    }
}
