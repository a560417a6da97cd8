package bnagpt.devs.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.HttpException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/**
 * Failures in plain words, as chat.java says them: what happened and what to do, one
 * sentence, never a stack trace, never the key. The server's own message is quoted only
 * shortened, as data.
 */
final class Failures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Failures() {}

    static LlmFailure of(Throwable error, String baseUrl, String model) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof LlmFailure failure) {
                return failure;
            }
            if (t instanceof HttpException http) {
                return ofStatus(http.statusCode(), http.getMessage(), baseUrl, model);
            }
            if (t instanceof UnknownHostException || t instanceof ConnectException) {
                return new LlmFailure("Could not reach " + shown(baseUrl) + " (" + t.getClass().getSimpleName()
                        + "). Check your connection, or GROQ_BASE_URL.");
            }
        }
        String what = error instanceof IOException || error.getCause() instanceof IOException ? "the connection failed"
                : error.getClass().getSimpleName();
        return new LlmFailure("Could not reach " + shown(baseUrl) + " (" + what + "). Check your connection, or GROQ_BASE_URL.");
    }

    static LlmFailure ofStatus(int status, String body, String baseUrl, String model) {
        String code = "";
        String message = "";
        try {
            JsonNode error = JSON.readTree(body == null ? "" : body).path("error");
            code = error.path("code").asText("");
            message = error.path("message").asText("");
        } catch (IOException | RuntimeException e) {
            // not Groq's JSON: the status says enough
        }
        String said = message.isEmpty() ? "" : " The server said: " + shorten(message);
        return switch (status) {
            case 401 -> new LlmFailure("The server refused the API key (401). Check GROQ_API_KEY; keys are at "
                    + "https://console.groq.com/keys.", "invalid_api_key");
            case 429 -> new LlmFailure("Too many requests for now (429): wait a little, then send again." + said,
                    "rate_limit_exceeded");
            case 404 -> new LlmFailure("The server does not know the model \"" + model + "\" or the address "
                    + shown(baseUrl) + " (404). Choose a model from the list." + said, code);
            default -> code.equals("model_decommissioned")
                    ? new LlmFailure("The model \"" + model + "\" has been retired. Choose a current one from the "
                            + "list, or set GROQ_MODEL.", code)
                    : new LlmFailure("The server answered with an error (" + status + ")." + said, code);
        };
    }

    static String shown(String url) {
        return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*:/+)?[^/?#]*@", "$1");
    }

    private static String shorten(String text) {
        String oneLine = text.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 299) + "…";
    }
}
