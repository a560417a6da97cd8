package bnagpt.devs.llm;

/**
 * Groq's tools that run on Groq's side (gpt-oss models only): the request names them in
 * its "tools" list, and what they did comes back in the stream's "executed_tools". See
 * docs/groq-tools.md.
 */
public enum BuiltInTool {
    SEARCH("browser_search"),
    CODE("code_interpreter");

    private final String wireName;

    BuiltInTool(String wireName) {
        this.wireName = wireName;
    }

    /** The "type" Groq knows it by. */
    public String wireName() {
        return wireName;
    }
}
