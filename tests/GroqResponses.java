package bnagpt;

import mockwebserver3.MockResponse;

/** Responses the way Groq sends them, for MockWebServer to replay. */
final class GroqResponses {
    private GroqResponses() {}

    /** A 200 streaming the given server-sent events. */
    static MockResponse stream(String events) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(events)
                .build();
    }

    /** A short complete answer: "Hello!". */
    static MockResponse hello() {
        return stream("""
                data: {"choices":[{"index":0,"delta":{"content":"Hello!"},"finish_reason":null}]}

                data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                data: [DONE]

                """);
    }

    /** An error response with Groq's body: {"error":{"message":...,"type":...,"code":...}}. */
    static MockResponse error(int status, String code, String message) {
        return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"code\":\""
                        + code + "\"}}")
                .build();
    }
}
