package bnagpt.devs.model;

import java.util.List;

/**
 * What one of Groq's built-in tools did while the model answered: a web search ({@code kind}
 * "search": {@code input} is what was searched, {@code sources} what was found) or a run of
 * code ("code": {@code input} is the code, {@code output} what it printed). Kept with the
 * answer, shown apart from it. {@code output} is null while the tool still runs.
 */
public record ToolRun(String kind, String input, String output, List<Source> sources) {
    public static final String SEARCH = "search";
    public static final String CODE = "code";

    public ToolRun {
        if (!SEARCH.equals(kind) && !CODE.equals(kind)) {
            throw new IllegalArgumentException("a tool run is a search or code, not " + kind);
        }
        input = input == null ? "" : input;
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    public boolean finished() {
        return output != null || !sources.isEmpty();
    }
}
