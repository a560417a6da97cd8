package bnagpt.devs.controller;

import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Speech;
import bnagpt.devs.llm.Transcriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Listen and speak, for the page and the command line alike: a recording becomes the text of
 * a question (checked first: at most Groq's 25 MB, and audio at all), and an answer becomes
 * speech, in pieces of at most 200 characters (VoicePieces) read by one of Groq's voices.
 * Failures are sentences: {@link Refused} for what the user gave, LlmFailure for the server.
 */
public final class Voice {
    private final Transcriber transcriber;
    private final Speech speech;

    public Voice(Transcriber transcriber, Speech speech) {
        this.transcriber = transcriber;
        this.speech = speech;
    }

    /** What the user gave cannot be used; the sentence says why and what to do. */
    public static final class Refused extends RuntimeException {
        public Refused(String sentence) {
            super(sentence, null, false, false);
        }
    }

    // ---- Listen ---------------------------------------------------------------------------

    /** What is said in AUDIO, a recording named NAME. Throws Refused, or LlmFailure. */
    public String transcribe(String name, byte[] audio) {
        String shown = shown(name);
        if (audio.length > Transcriber.MOST_BYTES) {
            throw tooLarge(name, audio.length);
        }
        if (audio.length == 0) {
            throw new Refused("\"" + shown + "\" is empty: nothing was recorded.");
        }
        if (!isAudio(audio)) {
            throw new Refused("\"" + shown + "\" is not a recording: give a flac, mp3, mp4, m4a, ogg, wav or webm file.");
        }
        String text = transcriber.transcribe(name, audio);
        if (text.isBlank()) {
            throw new Refused("Nothing was heard in \"" + shown + "\": speak closer to the microphone, and try again.");
        }
        return text;
    }

    /** A recording of BYTES is more than Groq takes (checked before it is read, when it is a file). */
    public static Refused tooLarge(String name, long bytes) {
        return new Refused(String.format(Locale.ROOT, "\"%s\" is %.1f MB, more than the 25 MB Groq transcribes: record "
                + "a shorter question.", shown(name), bytes / 1048576.0));
    }

    private static String shown(String name) {
        return name.length() > 80 ? name.substring(0, 80) + "..." : name;
    }

    /** By its first bytes, as the server will tell: wav, flac, ogg, mp3 (ID3 or a frame), mp4/m4a, webm. */
    static boolean isAudio(byte[] file) {
        return starts(file, 0, "RIFF") && starts(file, 8, "WAVE") || starts(file, 0, "fLaC") || starts(file, 0, "OggS")
                || starts(file, 0, "ID3") || starts(file, 4, "ftyp")
                || file.length > 3 && (file[0] & 0xff) == 0x1a && (file[1] & 0xff) == 0x45 && (file[2] & 0xff) == 0xdf
                        && (file[3] & 0xff) == 0xa3 // EBML: webm, mkv
                || file.length > 1 && (file[0] & 0xff) == 0xff && (file[1] & 0xe0) == 0xe0; // an MPEG audio frame
    }

    private static boolean starts(byte[] file, int at, String magic) {
        if (file.length < at + magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (file[at + i] != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    // ---- Speak ----------------------------------------------------------------------------

    /** VOICE as Groq names it, or the default one for null; an unknown one is Refused. */
    public static String voice(String name) {
        if (name == null || name.isBlank()) {
            return Speech.VOICES.get(0);
        }
        String voice = name.strip().toLowerCase(Locale.ROOT);
        if (!Speech.VOICES.contains(voice)) {
            throw new Refused("There is no voice \"" + (name.length() > 40 ? name.substring(0, 40) + "..." : name)
                    + "\": choose one of " + String.join(", ", Speech.VOICES) + ".");
        }
        return voice;
    }

    /** The pieces to read aloud of a plain TEXT (bounded; the notice says what was left out). */
    public VoicePieces.Reading pieces(String text) {
        return VoicePieces.reading(text);
    }

    /** One piece (at most 200 characters) read by VOICE: a wav. Throws Refused, or LlmFailure. */
    public byte[] speak(String piece, String voice) {
        String text = piece.strip();
        if (text.isEmpty() || text.length() > VoicePieces.MOST_CHARACTERS) {
            throw new Refused("A piece of speech holds 1 to " + VoicePieces.MOST_CHARACTERS + " characters, not "
                    + text.length() + ".");
        }
        return speech.wav(text, voice(voice));
    }

    /** An answer read aloud as one wav, and the sentence saying what was left out (or null). */
    public record Spoken(byte[] wav, int pieces, String notice) {}

    /**
     * The whole answer (MARKDOWN) read by VOICE, as one wav. The next piece is asked for while
     * the last one arrives, so the server is never idle between them; one at a time, as Groq's
     * rate limits for speech are low. Throws Refused, LlmFailure, or VoiceWav.NotJoined.
     */
    public Spoken readAloud(String markdown, String voice) {
        String chosen = voice(voice);
        VoicePieces.Reading reading = pieces(VoiceText.of(markdown));
        if (reading.pieces().isEmpty()) {
            throw new Refused("The answer has no words to read aloud.");
        }
        ExecutorService ahead = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "bnagpt-speech");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<byte[]>> asked = new ArrayList<>();
            for (String piece : reading.pieces()) {
                asked.add(CompletableFuture.supplyAsync(() -> speech.wav(piece, chosen), ahead));
            }
            List<byte[]> wavs = new ArrayList<>();
            for (CompletableFuture<byte[]> piece : asked) {
                wavs.add(piece.join());
            }
            return new Spoken(VoiceWav.join(wavs), wavs.size(), reading.notice());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new LlmFailure(String.valueOf(e.getCause()));
        } finally {
            ahead.shutdownNow();
        }
    }
}
