package bnagpt.devs.llm;

import bnagpt.devs.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Groq, or any OpenAI-compatible server, through LangChain4j's OpenAI module: Groq has no
 * module of its own, its API is OpenAI's at https://api.groq.com/openai/v1. LangChain4j
 * streams the answer; this class turns its callbacks into our Listener, and its failures
 * into sentences (see Failures).
 */
public final class OpenAiCompatibleLlm implements Llm {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;
    private final String defaultModel;
    private final OpenAiStreamingChatModel model;
    private final HttpClient http;

    public OpenAiCompatibleLlm(String baseUrl, String apiKey, String defaultModel) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey;
        this.defaultModel = defaultModel;
        this.model = OpenAiStreamingChatModel.builder()
                .baseUrl(this.baseUrl)
                .apiKey(apiKey == null ? "" : apiKey)
                .modelName(defaultModel)
                .returnThinking(true) // gpt-oss's reasoning, apart from the answer
                .timeout(Duration.ofSeconds(60))
                .build();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public String defaultModel() {
        return defaultModel;
    }

    @Override
    public Reply stream(Request request, Listener listener, Stop stop) {
        CompletableFuture<Reply> done = new CompletableFuture<>();
        long start = System.nanoTime();
        long[] firstToken = {0};
        stop.onStop(() -> done.complete(new Reply("stop", null, since(start, firstToken[0]), stop.reason())));
        model.chat(chatRequest(request), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                stop.onStop(() -> {
                    context.streamingHandle().cancel();
                    done.complete(new Reply("stop", null, since(start, firstToken[0]), stop.reason()));
                });
                if (!done.isDone()) {
                    if (firstToken[0] == 0) {
                        firstToken[0] = System.nanoTime();
                    }
                    listener.onContent(partial.text());
                }
            }

            @Override
            public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
                stop.onStop(() -> {
                    context.streamingHandle().cancel();
                    done.complete(new Reply("stop", null, since(start, firstToken[0]), stop.reason()));
                });
                if (!done.isDone()) {
                    if (firstToken[0] == 0) {
                        firstToken[0] = System.nanoTime();
                    }
                    listener.onReasoning(thinking.text());
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                TokenUsage usage = response.tokenUsage();
                String finish = response.finishReason() == null ? null : response.finishReason().name().toLowerCase();
                Usage counted = usage == null ? null : new Usage(orZero(usage.inputTokenCount()),
                        orZero(usage.outputTokenCount()), Duration.ofNanos(System.nanoTime() - start));
                done.complete(new Reply(finish, counted, since(start, firstToken[0]), null));
            }

            @Override
            public void onError(Throwable error) {
                if (firstToken[0] == 0) {
                    done.completeExceptionally(Failures.of(error, baseUrl, request.model()));
                } else {
                    done.complete(new Reply(null, null, since(start, firstToken[0]),
                            Failures.of(error, baseUrl, request.model()).getMessage()));
                }
            }
        });
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof LlmFailure failure ? failure : Failures.of(e.getCause(), baseUrl, request.model());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmFailure("The answer was interrupted.");
        }
    }

    private static ChatRequest chatRequest(Request request) {
        List<ChatMessage> messages = new ArrayList<>();
        if (request.system() != null) {
            messages.add(SystemMessage.from(request.system()));
        }
        for (Message message : request.messages()) {
            messages.add(message.fromUser() ? UserMessage.from(message.content()) : AiMessage.from(message.content()));
        }
        ChatRequest.Builder builder = ChatRequest.builder().messages(messages).modelName(request.model());
        if (request.json()) {
            builder.responseFormat(ResponseFormat.JSON);
        }
        return builder.build();
    }

    @Override
    public List<ModelInfo> models() {
        HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(baseUrl + "/models")).timeout(Duration.ofSeconds(10));
        if (apiKey != null) {
            get.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<byte[]> response = http.send(get.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw Failures.ofStatus(response.statusCode(), new String(response.body(), java.nio.charset.StandardCharsets.UTF_8),
                        baseUrl, null);
            }
            List<ModelInfo> models = new ArrayList<>();
            for (JsonNode node : JSON.readTree(response.body()).path("data")) {
                models.add(new ModelInfo(node.path("id").asText(), node.path("context_window").asLong(0)));
            }
            return models;
        } catch (IOException e) {
            throw Failures.of(e, baseUrl, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmFailure("Asking for the models was interrupted.");
        }
    }

    private static Duration since(long start, long then) {
        return then == 0 ? null : Duration.ofNanos(then - start);
    }

    private static long orZero(Integer n) {
        return n == null ? 0 : n;
    }
}
