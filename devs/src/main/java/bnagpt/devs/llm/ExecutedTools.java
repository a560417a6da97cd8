package bnagpt.devs.llm;

import bnagpt.devs.model.Source;
import bnagpt.devs.model.ToolRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What Groq's built-in tools did, read from one chunk of the stream: its
 * choices[0].delta.executed_tools, each {index, type, arguments, output, search_results,
 * code_results, browser_results} (docs/groq-tools.md). A run without results has just
 * started; the one with results that follows, of the same index, replaces it.
 *
 * All of it comes from outside, so it is bounded here, and stays data: titles, URLs, code
 * and output are handed on as text, never interpreted (the views escape them).
 */
final class ExecutedTools {
    static final int MOST_SOURCES = 50;
    static final int LONGEST_TITLE = 300;
    static final int LONGEST_URL = 2048;
    static final int LONGEST_CODE = 64 * 1024;
    static final int LONGEST_OUTPUT = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecutedTools() {}

    /** The runs in one event's data, in the order sent, by index; none in most chunks. */
    static Map<Integer, ToolRun> in(String data) {
        Map<Integer, ToolRun> runs = new LinkedHashMap<>();
        if (data == null || !data.contains("\"executed_tools\"")) {
            return runs; // the quick way past the many chunks of text
        }
        JsonNode executed;
        try {
            executed = JSON.readTree(data).path("choices").path(0).path("delta").path("executed_tools");
        } catch (IOException e) {
            return runs; // not JSON: LangChain4j says what is wrong with the stream
        }
        for (int position = 0; position < executed.size(); position++) {
            JsonNode tool = executed.get(position);
            ToolRun run = run(tool);
            if (run != null) {
                runs.put(tool.path("index").asInt(position), run);
            }
        }
        return runs;
    }

    /** One run, or null for a tool we do not know (Groq adds tools; an unknown one is passed over). */
    static ToolRun run(JsonNode tool) {
        String type = tool.path("type").asText("").toLowerCase(Locale.ROOT);
        boolean finished = tool.has("output") || tool.has("search_results") || tool.has("code_results")
                || tool.has("browser_results");
        String arguments = tool.path("arguments").asText("");
        if (type.contains("search")) {
            return finished ? search(argument(arguments, "query"), tool) : new ToolRun(ToolRun.SEARCH,
                    argument(arguments, "query"), null, List.of());
        }
        if (type.equals("python") || type.contains("code")) {
            String code = cut(argument(arguments, "code"), LONGEST_CODE, "code");
            return new ToolRun(ToolRun.CODE, code, finished ? cut(output(tool), LONGEST_OUTPUT, "output") : null, List.of());
        }
        return null;
    }

    /** A finished search: its sources, at most 50; its output only says how many more were left out. */
    private static ToolRun search(String query, JsonNode tool) {
        List<JsonNode> found = new ArrayList<>();
        tool.path("search_results").path("results").forEach(found::add);
        tool.path("browser_results").forEach(found::add);
        List<Source> sources = new ArrayList<>();
        for (JsonNode result : found.subList(0, Math.min(found.size(), MOST_SOURCES))) {
            String url = result.path("url").asText("");
            // A cut URL would lead somewhere else: an over-long one is dropped, and the title shows as text.
            sources.add(new Source(cut(result.path("title").asText(""), LONGEST_TITLE),
                    url.length() > LONGEST_URL ? "" : url));
        }
        int leftOut = found.size() - sources.size();
        String output = leftOut > 0 ? leftOut + " more " + (leftOut == 1 ? "source was" : "sources were")
                + " left out: only the first " + MOST_SOURCES + " are kept." : "";
        return new ToolRun(ToolRun.SEARCH, cut(query, LONGEST_TITLE), output, sources);
    }

    /** What the code printed: "output", or else the text of its code_results. */
    private static String output(JsonNode tool) {
        if (tool.path("output").isTextual()) {
            return tool.path("output").asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode result : tool.path("code_results")) {
            text.append(result.path("text").asText(""));
            if (text.length() > LONGEST_OUTPUT) {
                break;
            }
        }
        return text.toString();
    }

    /**
     * A field of the arguments, which are JSON in a string ({"query": "..."}, {"code": "..."});
     * arguments that are no JSON object are taken whole, as gpt-oss writes Python as it is.
     */
    private static String argument(String arguments, String field) {
        try {
            JsonNode parsed = JSON.readTree(arguments);
            if (parsed != null && parsed.isObject()) {
                return parsed.path(field).asText("");
            }
        } catch (IOException e) {
            // not JSON: the arguments are the thing itself
        }
        return arguments;
    }

    private static String cut(String text, int most) {
        return text.length() <= most ? text : text.substring(0, end(text, most - 1)) + "…";
    }

    private static String cut(String text, int most, String what) {
        return text.length() <= most ? text : text.substring(0, end(text, most)) + "\n[… the " + what + " was cut here: it was "
                + String.format(Locale.ROOT, "%,d", text.length()) + " characters long, the first "
                + String.format(Locale.ROOT, "%,d", most) + " are kept.]";
    }

    /** Where to cut so that no character is cut in half (a surrogate pair stays whole). */
    private static int end(String text, int at) {
        return Character.isHighSurrogate(text.charAt(at - 1)) ? at - 1 : at;
    }
}
