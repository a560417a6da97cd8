package bnagpt.devs.llm;

import java.util.List;

/**
 * Text to speech: Groq's POST /audio/speech with canopylabs/orpheus-v1-english. It reads at
 * most {@link #MOST_CHARACTERS} characters at a time, so a longer text goes in pieces (the
 * controller's VoicePieces cuts them). Throws {@link LlmFailure}, a sentence.
 */
public interface Speech {
    String MODEL = "canopylabs/orpheus-v1-english";
    int MOST_CHARACTERS = 200;
    /** Groq's English voices for orpheus; the first is the default. */
    List<String> VOICES = List.of("autumn", "diana", "hannah", "austin", "daniel", "troy");

    /** TEXT (at most MOST_CHARACTERS) read aloud by VOICE (one of VOICES): a wav file's bytes. */
    byte[] wav(String text, String voice);
}
