/*
 * LocalGroqAudio.java - LocalGroq's two audio endpoints: speech to text and text to speech.
 * LocalGroq.java includes this file (//SOURCES) and hands it every POST under /audio/.
 *
 *   POST /audio/transcriptions  multipart/form-data: file, model (whisper-large-v3-turbo or
 *                               whisper-large-v3), optional language, prompt, temperature,
 *                               response_format (json, text or verbose_json) -> {"text": ...}
 *   POST /audio/speech          JSON {model: canopylabs/orpheus-v1-english, input (at most 200
 *                               characters), voice, response_format: "wav"} -> a wav file
 *
 * Nobody speaks here: the speech is a quiet tone, 10 ms per character of the input, 16-bit
 * PCM mono at 8 kHz, and its text rides along in the wav's LIST/INFO chunk (a comment, ICMT),
 * as a music file carries its title. So a transcript can be told: transcribing LocalGroq's
 * own speech gives back its text, and any other audio gives one fixed sentence (--transcript
 * TEXT, or Options.transcript). A file that is no audio at all is refused, as Groq refuses it.
 */
package bnagpt;

import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.*;

import static java.nio.charset.StandardCharsets.UTF_8;

final class LocalGroqAudio {
    /** What any audio but LocalGroq's own speech is transcribed as, unless told otherwise. */
    static final String TRANSCRIPT = "What is the capital of France?";
    /** Groq takes files up to 25 MB on the free tier. */
    static final int MOST_FILE_BYTES = 25 * 1024 * 1024;
    static final List<String> TRANSCRIPTION_MODELS = List.of("whisper-large-v3-turbo", "whisper-large-v3");
    static final String SPEECH_MODEL = "canopylabs/orpheus-v1-english";
    static final List<String> VOICES = List.of("autumn", "diana", "hannah", "austin", "daniel", "troy");
    static final int MOST_INPUT_CHARACTERS = 200;
    static final int SAMPLE_RATE = 8000;
    static final int MILLIS_PER_CHARACTER = 10;

    private final String transcript;

    LocalGroqAudio(String transcript) {
        this.transcript = transcript;
    }

    /** PATH is after the base path: "/audio/transcriptions" or "/audio/speech". */
    String handle(HttpExchange exchange, String path) throws IOException, LocalGroq.ApiError {
        return switch (path) {
            case "/audio/transcriptions" -> transcribe(exchange);
            case "/audio/speech" -> speak(exchange);
            default -> throw new LocalGroq.ApiError(404, "invalid_request_error", "unknown_url", "Unknown request URL: POST "
                    + LocalGroq.BASE_PATH + path + ". The audio endpoints are /audio/transcriptions and /audio/speech.");
        };
    }

    // ---- Speech to text ---------------------------------------------------------------------

    private String transcribe(HttpExchange exchange) throws IOException, LocalGroq.ApiError {
        // The form around the file is small: a body much larger than the file may be is not read.
        byte[] body = exchange.getRequestBody().readNBytes(MOST_FILE_BYTES + 64 * 1024 + 1);
        if (body.length > MOST_FILE_BYTES + 64 * 1024) throw tooLarge();
        Map<String, byte[]> form = Form.parse(exchange.getRequestHeaders().getFirst("Content-Type"), body);
        String model = text(form, "model");
        if (model == null) throw LocalGroq.ApiError.invalid("The request needs `model` (whisper-large-v3-turbo or whisper-large-v3).");
        if (!TRANSCRIPTION_MODELS.contains(model)) throw modelNotFound(model);
        byte[] file = form.get("file");
        if (file == null) throw LocalGroq.ApiError.invalid("The request needs `file`, the audio to transcribe, or `url`.");
        if (file.length > MOST_FILE_BYTES) throw tooLarge();
        String format = Objects.requireNonNullElse(text(form, "response_format"), "json");
        if (!List.of("json", "text", "verbose_json").contains(format)) {
            throw LocalGroq.ApiError.invalid("response_format must be one of json, text or verbose_json, not `" + format + "`.");
        }
        if (!isAudio(file)) throw LocalGroq.ApiError.invalid("could not process file - is it a valid media file?");
        String said = Objects.requireNonNullElse(Wav.comment(file), transcript);
        if (format.equals("text")) {
            byte[] bytes = said.getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            return "200 transcript as text, " + file.length + " bytes of audio";
        }
        String json = "{\"text\":" + LocalGroq.Json.quote(said) + (format.equals("verbose_json")
                ? ",\"task\":\"transcribe\",\"language\":\"English\",\"duration\":" + Wav.seconds(file) + ",\"segments\":[]" : "")
                + ",\"x_groq\":{\"id\":\"" + LocalGroq.newId("req_") + "\"}}";
        return LocalGroq.sendJson(exchange, 200, json) + " transcript of " + file.length + " bytes of audio";
    }

    private static String text(Map<String, byte[]> form, String field) {
        return form.containsKey(field) ? new String(form.get(field), UTF_8).strip() : null;
    }

    private static LocalGroq.ApiError tooLarge() {
        return new LocalGroq.ApiError(413, "invalid_request_error", "request_too_large",
                "Request Entity Too Large: audio files may be at most 25 MB.");
    }

    private static LocalGroq.ApiError modelNotFound(String model) {
        return new LocalGroq.ApiError(404, "invalid_request_error", "model_not_found",
                "The model `" + model + "` does not exist or you do not have access to it.");
    }

    /** By its first bytes, as a server tells what it was sent: flac, mp3, mp4/m4a, ogg, wav or webm. */
    static boolean isAudio(byte[] file) {
        return startsWith(file, 0, "RIFF") && startsWith(file, 8, "WAVE") || startsWith(file, 0, "fLaC")
                || startsWith(file, 0, "OggS") || startsWith(file, 0, "ID3") || startsWith(file, 4, "ftyp")
                || file.length > 3 && (file[0] & 0xff) == 0x1a && (file[1] & 0xff) == 0x45 && (file[2] & 0xff) == 0xdf && (file[3] & 0xff) == 0xa3
                || file.length > 1 && (file[0] & 0xff) == 0xff && (file[1] & 0xe0) == 0xe0; // an MPEG audio frame
    }

    private static boolean startsWith(byte[] file, int at, String magic) {
        return file.length >= at + magic.length() && new String(file, at, magic.length(), UTF_8).equals(magic);
    }

    // ---- Text to speech ---------------------------------------------------------------------

    private String speak(HttpExchange exchange) throws IOException, LocalGroq.ApiError {
        byte[] body = exchange.getRequestBody().readNBytes(1024 * 1024 + 1);
        if (body.length > 1024 * 1024) throw tooLarge();
        Object parsed;
        try {
            parsed = LocalGroq.Json.parse(new String(body, UTF_8));
        } catch (IllegalArgumentException e) {
            throw LocalGroq.ApiError.invalid("The request body is not valid JSON: " + e.getMessage() + ".");
        }
        if (!(parsed instanceof Map<?, ?> json)) throw LocalGroq.ApiError.invalid("The request body must be a JSON object.");
        if (!(json.get("model") instanceof String model)) throw LocalGroq.ApiError.invalid("The request needs `model` (" + SPEECH_MODEL + ").");
        if (model.equals("playai-tts")) {
            throw new LocalGroq.ApiError(400, "invalid_request_error", "model_decommissioned", "The model `playai-tts` was "
                    + "decommissioned on 2025-12-31 and can no longer be used. Switch to `" + SPEECH_MODEL + "`.");
        }
        if (!model.equals(SPEECH_MODEL)) throw modelNotFound(model);
        if (!(json.get("input") instanceof String input) || input.isBlank()) {
            throw LocalGroq.ApiError.invalid("The request needs `input`, the text to speak.");
        }
        int length = input.codePointCount(0, input.length());
        if (length > MOST_INPUT_CHARACTERS) {
            throw LocalGroq.ApiError.invalid("`input` is " + length + " characters long; " + SPEECH_MODEL + " takes at most "
                    + MOST_INPUT_CHARACTERS + ". Send the text in pieces.");
        }
        if (!(json.get("voice") instanceof String voice) || !VOICES.contains(voice)) {
            throw LocalGroq.ApiError.invalid("`voice` must be one of " + String.join(", ", VOICES) + " for " + SPEECH_MODEL
                    + (json.get("voice") instanceof String v ? ", not `" + v + "`." : "."));
        }
        Object format = json.containsKey("response_format") ? json.get("response_format") : "wav";
        if (!"wav".equals(format)) throw LocalGroq.ApiError.invalid("LocalGroq speaks `response_format` wav only, not `" + format + "`.");
        byte[] wav = Wav.tone(input, length * MILLIS_PER_CHARACTER);
        exchange.getResponseHeaders().set("Content-Type", "audio/wav");
        exchange.sendResponseHeaders(200, wav.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(wav);
        }
        return "200 wav of " + wav.length + " bytes, voice " + voice;
    }

    // ---- The wav files -------------------------------------------------------------------------

    /** RIFF/WAVE: "RIFF" size "WAVE", then chunks (id, little-endian size, data padded to an even length). */
    static final class Wav {
        private Wav() {}

        /** A quiet 440 Hz tone of MILLIS, 16-bit PCM mono, with TEXT in a LIST/INFO ICMT chunk. */
        static byte[] tone(String text, int millis) {
            int samples = SAMPLE_RATE * millis / 1000;
            ByteBuffer pcm = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < samples; i++) pcm.putShort((short) (1500 * Math.sin(2 * Math.PI * 440 * i / SAMPLE_RATE)));
            ByteBuffer fmt = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            fmt.putShort((short) 1).putShort((short) 1).putInt(SAMPLE_RATE).putInt(SAMPLE_RATE * 2).putShort((short) 2).putShort((short) 16);
            byte[] comment = (text + "\0").getBytes(UTF_8);
            ByteArrayOutputStream info = new ByteArrayOutputStream();
            info.writeBytes("INFO".getBytes(UTF_8));
            info.writeBytes(chunk("ICMT", comment));
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            chunks.writeBytes("WAVE".getBytes(UTF_8));
            chunks.writeBytes(chunk("fmt ", fmt.array()));
            chunks.writeBytes(chunk("LIST", info.toByteArray()));
            chunks.writeBytes(chunk("data", pcm.array()));
            return chunk("RIFF", chunks.toByteArray());
        }

        private static byte[] chunk(String id, byte[] data) {
            ByteBuffer chunk = ByteBuffer.allocate(8 + data.length + data.length % 2).order(ByteOrder.LITTLE_ENDIAN);
            chunk.put(id.getBytes(UTF_8)).putInt(data.length).put(data);
            return chunk.array();
        }

        /** The text of a LIST/INFO ICMT chunk (what tone() writes), or null: another wav, or no wav. */
        static String comment(byte[] file) {
            byte[] list = find(file, 12, file.length, "LIST");
            if (list == null || list.length < 4 || !new String(list, 0, 4, UTF_8).equals("INFO")) return null;
            byte[] comment = find(list, 4, list.length, "ICMT");
            if (comment == null) return null;
            String text = new String(comment, UTF_8);
            return text.endsWith("\0") ? text.substring(0, text.length() - 1) : text;
        }

        /** How long a wav plays, in seconds (0 when it is not one we can read). */
        static double seconds(byte[] file) {
            byte[] fmt = find(file, 12, file.length, "fmt ");
            byte[] data = find(file, 12, file.length, "data");
            if (fmt == null || fmt.length < 16 || data == null) return 0;
            int bytesPerSecond = ByteBuffer.wrap(fmt).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
            return bytesPerSecond == 0 ? 0 : (double) data.length / bytesPerSecond;
        }

        /** The data of the first chunk ID between FROM and TO, or null. Sizes that overrun the file end the search. */
        private static byte[] find(byte[] bytes, int from, int to, String id) {
            if (!startsWith(bytes, 0, "RIFF") && from == 12) return null;
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int at = from; at + 8 <= to; ) {
                long size = in.getInt(at + 4) & 0xffffffffL;
                if (at + 8 + size > to) return null;
                if (new String(bytes, at, 4, UTF_8).equals(id)) return Arrays.copyOfRange(bytes, at + 8, at + 8 + (int) size);
                at += 8 + (int) size + (int) (size % 2);
            }
            return null;
        }
    }

    // ---- multipart/form-data --------------------------------------------------------------------

    /** The fields of a multipart/form-data body (RFC 7578), by name: bytes, as sent. */
    static final class Form {
        private Form() {}

        static Map<String, byte[]> parse(String contentType, byte[] body) throws LocalGroq.ApiError {
            String type = Objects.requireNonNullElse(contentType, "");
            int at = type.indexOf("boundary=");
            if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data") || at < 0) {
                throw LocalGroq.ApiError.invalid("The request must be multipart/form-data, with the audio in `file`.");
            }
            byte[] delimiter = ("--" + type.substring(at + 9).replaceAll("^\"|\"?(;.*)?$", "")).getBytes(UTF_8);
            Map<String, byte[]> fields = new LinkedHashMap<>();
            int start = indexOf(body, delimiter, 0);
            while (start >= 0) {
                int headersStart = start + delimiter.length;
                if (startsWith(body, headersStart, "--")) return fields; // the closing delimiter
                headersStart += 2; // CRLF
                int headersEnd = indexOf(body, "\r\n\r\n".getBytes(UTF_8), headersStart);
                int next = indexOf(body, ("\r\n" + new String(delimiter, UTF_8)).getBytes(UTF_8), headersStart);
                if (headersEnd < 0 || next < 0 || headersEnd > next) break;
                String headers = new String(body, headersStart, headersEnd - headersStart, UTF_8);
                java.util.regex.Matcher name = java.util.regex.Pattern.compile("(?i)content-disposition:[^\r\n]*?\\bname=\"([^\"]*)\"").matcher(headers);
                if (name.find()) fields.put(name.group(1), Arrays.copyOfRange(body, headersEnd + 4, next));
                start = next + 2;
            }
            throw LocalGroq.ApiError.invalid("The multipart/form-data body is malformed: it does not end with its closing boundary.");
        }

        private static int indexOf(byte[] bytes, byte[] wanted, int from) {
            outer:
            for (int i = from; i <= bytes.length - wanted.length; i++) {
                for (int j = 0; j < wanted.length; j++) if (bytes[i + j] != wanted[j]) continue outer;
                return i;
            }
            return -1;
        }
    }
}
