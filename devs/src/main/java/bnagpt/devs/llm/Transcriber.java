package bnagpt.devs.llm;

/**
 * Speech to text: Groq's POST /audio/transcriptions with whisper-large-v3-turbo. Groq takes
 * files of at most {@link #MOST_BYTES}. Throws {@link LlmFailure}, a sentence.
 */
public interface Transcriber {
    String MODEL = "whisper-large-v3-turbo";
    /** Groq's limit per file on the free tier: 25 MB. */
    int MOST_BYTES = 25 * 1024 * 1024;

    /** What is said in AUDIO, a recording named FILE_NAME (its extension tells Groq the format). */
    String transcribe(String fileName, byte[] audio);
}
