package bnagpt.devs.llm;

/**
 * A failure the user can act on, already worded for them: the sentence is all there is to
 * show, so it keeps no stack trace. {@code code} is the server's error code when it gave
 * one (e.g. "model_decommissioned").
 */
public final class LlmFailure extends RuntimeException {
    private final String code;

    public LlmFailure(String sentence, String code) {
        super(sentence, null, false, false);
        this.code = code;
    }

    public LlmFailure(String sentence) {
        this(sentence, null);
    }

    public String code() {
        return code;
    }
}
