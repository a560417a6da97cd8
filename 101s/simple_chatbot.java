///usr/bin/env jbang "$0" "$@" ; exit $?
//
// bnaGPT - Simple Chatbot: Part 0 of "From Zero to bnaGPT", in one short Java file. The headings
// "Step 1" to "Step 8" are the article's beginner steps, in its order. Read this file first, then
// chatbot_with_memory.java (Part 1: memory and saved conversations), then chat.java (everything).
//   export GROQ_API_KEY=gsk_...          free at https://console.groq.com/keys
//   ./jbang simple-chatbot               one message per line; /exit or Ctrl-D ends
//   echo "Hi" | ./jbang simple-chatbot   piped: stdout holds the answers alone
// GROQ_MODEL picks another model; GROQ_BASE_URL another OpenAI-compatible server.

// Step 1: install the libraries: OkHttp for HTTP, Jackson for JSON. JBang fetches them.
//JAVA 17+
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3

// JShell, notebooks and the tests only see classes in a named package.
package bnagpt;

// Step 2: import the libraries.
import com.fasterxml.jackson.databind.*;
import java.io.*;
import java.time.Duration;
import java.util.*;
import java.util.function.Consumer;
import okhttp3.*;
import static java.nio.charset.StandardCharsets.UTF_8;

public class simple_chatbot {
    // Step 3: the main configurations and methods for Groq. A setting comes from the
    // environment; when it is missing or blank, from its default.
    static String setting(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value.strip();
    }

    // Step 3.1: the key (from the environment, never in code: code gets shared), the client, the model.
    static final String GROQ_API_KEY = setting("GROQ_API_KEY", null);
    static final String BASE_URL = setting("GROQ_BASE_URL", "https://api.groq.com/openai/v1");
    // The article's llama3-70b-8192 was retired in 2025; Groq serves this one today.
    static final String MODEL_NAME = setting("GROQ_MODEL", "openai/gpt-oss-120b");
    // An answer may pause for a while between two pieces: wait up to a minute.
    static final OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    // The answer goes to stdout, all else to stderr (a pipe gets the answers alone); in UTF-8.
    static final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
    static final PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, UTF_8);
    static final boolean onTerminal = System.console() != null; // false when the input or output is piped

    /** Something went wrong, said in one sentence. */
    static final class ChatFailure extends RuntimeException { ChatFailure(String s) { super(s); } }
    /** The chat cannot go on (every message would fail the same way): say why, and end. */
    static void quit(String sentence) { err.println(sentence); System.exit(1); }

    /** Text from outside is shown, not obeyed: control characters (ESC starts terminal commands) show as U+FFFD. */
    static String shown(String text) { return text.replaceAll("[\\p{Cc}&&[^\n\t]]", "\uFFFD"); }

    /** Text from the server is shown, never trusted: 200 characters at most, and never your key. */
    static String fromServer(String text) {
        String safe = GROQ_API_KEY == null ? text : text.replace(GROQ_API_KEY, "[your key]");
        return shown(safe.length() <= 200 ? safe : safe.substring(0, 200) + "...");
    }

    /** The JSON value in text; null when the text is not JSON. */
    static JsonNode readJson(String text) { try { return JSON.readTree(text); } catch (IOException e) { return null; } }

    // Step 3.2: parse_groq_stream. Groq sends the answer as server-sent events (SSE): an event is one or
    // more lines "data: {...}" and then a blank line; "data: [DONE]" ends the stream. The rules fit in one
    // method, so we follow them by hand, on our own thread (OkHttp's okhttp-sse would be a third library,
    // on another thread). It hands each piece of the answer to eachPiece; true once "data: [DONE]" came.
    static boolean parseGroqStream(InputStream stream, Consumer<String> eachPiece) throws IOException {
        // A BufferedReader ends lines at LF, CR or CR LF, as SSE does, and its UTF-8 decoder
        // keeps a character whole even when the network cuts its bytes in two.
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream, UTF_8));
        lines.mark(1);
        if (lines.read() != '\uFEFF') lines.reset(); // a byte order mark may start the stream
        List<String> data = new ArrayList<>(); // the data lines of the event being read
        String event = ""; // its type: "error" reports a failure
        boolean sawData = false; // no "data:" line at all: what came is not a stream
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            int colon = line.indexOf(':'); // "name: value"; a line starting with ':' is a comment
            String name = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(line.startsWith(": ", colon) ? colon + 2 : colon + 1);
            if (name.equals("data")) data.add(value);
            if (name.equals("event")) event = value; // "id" and "retry" matter to browsers only
            sawData |= name.equals("data");
            if (!line.isEmpty()) continue;
            String text = data.isEmpty() ? null : String.join("\n", data); // a blank line ends the event
            boolean isError = event.equals("error");
            data.clear();
            event = "";
            if (text == null) continue;
            if (text.equals("[DONE]")) return true;
            JsonNode chunk = readJson(text);
            if (chunk == null && isError) chunk = JSON.getNodeFactory().textNode(text); // not JSON: the message
            if (chunk == null) throw new ChatFailure("The server sent a chunk that is not JSON: " + fromServer(text));
            JsonNode error = isError && !chunk.has("error") ? chunk : chunk.path("error");
            if (isError || !error.isMissingNode() && !error.isNull()) {
                String message = error.isTextual() ? error.asText() : error.path("message").asText("unknown error");
                throw new ChatFailure("The server stopped the answer with an error: " + fromServer(message));
            }
            JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
            String piece = content.isValueNode() && !content.isNull() ? content.asText() : ""; // null: nothing
            if (!piece.isEmpty()) eachPiece.accept(piece);
        }
        if (!sawData) throw new ChatFailure("The server answered, but not with a stream: check GROQ_BASE_URL.");
        return false; // the stream ended before [DONE]; an event without its blank line is dropped
    }

    /** Why the server refused a request, in one sentence. */
    static ChatFailure refusal(Response response) throws IOException {
        String body = response.peekBody(10_000).string(); // an HTML page, say, when it is not JSON
        JsonNode error = Objects.requireNonNullElse(readJson(body), JSON.missingNode()).path("error");
        String code = error.path("code").asText(""), message = error.path("message").asText(body);
        String listModels = " (./jbang chat --list-models lists those you can use).";
        if (response.code() == 401) quit("The server rejected your API key (401): check GROQ_API_KEY, or "
                + "create a new key at https://console.groq.com/keys.");
        if (code.equals("model_decommissioned")) quit("The model " + MODEL_NAME + " has been retired by "
                + "Groq: set GROQ_MODEL to another one" + listModels);
        if (code.equals("model_not_found")) quit("There is no model " + MODEL_NAME + " at " + BASE_URL
                + ", or your key may not use it: set GROQ_MODEL to another one" + listModels);
        if (response.code() == 429) return new ChatFailure("Groq's rate limit was reached (429): wait "
                + fromServer(response.header("retry-after", "60")) + " s, then send it again.");
        if (body.stripLeading().startsWith("<")) return new ChatFailure("The server answered " + response.code()
                + " with a web page, not with Groq's API: check GROQ_BASE_URL, or log in to the network first.");
        return new ChatFailure("The server answered " + response.code() + ": " + fromServer(message));
    }

    // Step 4: the page title. A terminal has no page: it is the first line you see.
    static final String TITLE = "bnaGPT - Simple Chatbot";

    // Step 5: the session's messages, as the article's st.session_state.messages: each one
    // a role ("user" or "assistant") and its content. They last until the program ends.
    static final List<Map<String, String>> messages = new ArrayList<>();

    // Step 6: print the messages we already have (none when the chat starts).
    static void printMessages() {
        for (var message : messages) err.println(shown(message.get("role") + ": " + message.get("content")));
    }

    // Step 7: what happens when the user sends a message.
    static void answer(String prompt) throws IOException {
        // Step 7.1: add it to the messages.
        messages.add(Map.of("role", "user", "content", prompt));
        // Step 7.2: print it. In a terminal you see what you typed: nothing to do.
        // Step 7.3: ask Groq, and print the answer piece by piece as it arrives.
        // Like the article, we send the last prompt only: the model never sees what came
        // before. Part 1 (chatbot_with_memory.java) sends the whole list: that is memory.
        String body = JSON.writeValueAsString(Map.of("model", MODEL_NAME, "stream", true,
                "messages", List.of(Map.of("role", "user", "content", prompt))));
        Request.Builder request = new Request.Builder().url(BASE_URL + "/chat/completions")
                .post(RequestBody.create(body, MediaType.get("application/json")));
        if (GROQ_API_KEY != null) request.header("Authorization", "Bearer " + GROQ_API_KEY);
        StringBuilder reply = new StringBuilder();
        boolean whole = false, reached = false;
        try (Response response = client.newCall(request.build()).execute()) {
            reached = true;
            if (!response.isSuccessful()) throw refusal(response);
            whole = parseGroqStream(response.body().byteStream(), piece -> {
                reply.append(piece);
                out.print(onTerminal ? shown(piece) : piece); // a pipe gets the bytes as they came
            });
        } catch (IOException e) {
            if (!reached) throw new ChatFailure("Could not reach " + BASE_URL + " (" + e.getMessage() + "): "
                    + "check your network connection and GROQ_BASE_URL.");
        } finally {
            if (reply.length() > 0) { // what arrived stays printed, and in the messages
                out.println();
                messages.add(Map.of("role", "assistant", "content", reply.toString()));
            } else {
                messages.remove(messages.size() - 1); // no answer: forget the question, to send it again
            }
        }
        if (!whole) throw new ChatFailure("The answer was cut off: the connection ended before it was complete.");
    }

    // The chat, as Streamlit runs it: the title, then a message per line until the input ends or /exit.
    public static void main(String[] args) throws IOException {
        if (GROQ_API_KEY == null && BASE_URL.startsWith("https://api.groq.com")) quit("No Groq API key: get "
                + "a free one at https://console.groq.com/keys, then export GROQ_API_KEY=... and run this again.");
        if (onTerminal) err.println(TITLE);
        printMessages();
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        int status = 0;
        while (true) {
            if (onTerminal) err.print("What is up? ");
            String prompt = input.readLine();
            if (prompt == null || prompt.strip().equals("/exit")) break;
            if (prompt.isBlank()) continue;
            try {
                answer(prompt);
            } catch (ChatFailure failure) { // the chat goes on; the exit status will say it failed
                err.println(failure.getMessage());
                status = 1;
            }
        }
        System.exit(status);
    }
}

// Step 8: run it, from the repository's root: ./jbang simple-chatbot
