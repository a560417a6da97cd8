package bnagpt.devs.view.web;

import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.controller.Question;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Assistant;
import bnagpt.devs.model.AssistantShelf;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.StoreException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * POST /api/chat and POST /api/stop: one turn of a conversation, and the stop button. The
 * page names its engine ("simple" or "memory", one per page, as in the article); this
 * route hands the user's question (words, attached images, tools switched on: a Question) to
 * that engine and streams the answer back (AnswerStream).
 * A conversation answers one message at a time: a second one while it answers (another
 * tab, say) is refused, not lost.
 */
final class ChatRoute {
    static final int MAX_MESSAGE = 100_000;

    private final ObjectMapper json;
    private final Map<String, ChatEngine> engines;
    private final ConversationStore store;
    private final AssistantShelf assistants;
    private final QuestionParts questions;
    private final MessageParts parts;
    private final ScheduledExecutorService clock;
    private final PrintStream log;
    /** The stop buttons of the answers under way, by conversation. */
    private final Map<String, Stop> answering = new ConcurrentHashMap<>();
    /** When the engine last had a whole answer (System.nanoTime()): for measuring the page's speed. */
    private volatile long lastAnswerEnded;

    ChatRoute(ObjectMapper json, Map<String, ChatEngine> engines, ConversationStore store, AssistantShelf assistants,
            QuestionParts questions, ScheduledExecutorService clock, PrintStream log) {
        this.json = json;
        this.engines = Map.copyOf(engines);
        this.store = store;
        this.assistants = assistants;
        this.questions = questions;
        this.parts = new MessageParts(json);
        this.clock = clock;
        this.log = log;
    }

    long lastAnswerEnded() {
        return lastAnswerEnded;
    }

    boolean answering(String conversation) {
        return answering.containsKey(conversation);
    }

    /**
     * POST /api/chat {page, conversation, message, attachments, tools, model, system, assistant, json}:
     * the answer, one event a line.
     */
    void chat(Context ctx, JsonNode body) throws IOException {
        String text = body.path("message").asText("");
        List<Attachment> attachments = questions.attachments(body.path("attachments"));
        if ((text.isBlank() && attachments.isEmpty()) || text.length() > MAX_MESSAGE) {
            throw new Refusal(400, text.length() <= MAX_MESSAGE ? "The message is empty." : "The message is longer than "
                    + MAX_MESSAGE + " characters.");
        }
        // The picker's model counts as chosen only when the user changed it for this conversation:
        // otherwise the engine may switch to the model a feature needs, and says so.
        Question question = new Question(text, attachments, questions.tools(body.path("tools")),
                body.path("modelPinned").asBoolean(false));
        String page = body.path("page").asText("memory");
        ChatEngine engine = engines.get(page);
        if (engine == null) {
            throw new Refusal(400, "There is no page \"" + page + "\": choose Simple Chatbot or Chatbot With Memory.");
        }
        Assistant assistant = assistant(body.path("assistant").asText(""));
        String id = body.path("conversation").asText("");
        if (answering.containsKey(id)) { // before loading it: its first question may not be saved yet
            throw busy();
        }
        // The simple page keeps nothing: each question is a conversation of its own, never saved.
        Conversation conversation = id.isEmpty() || !page.equals("memory") ? new Conversation() : store.load(id);
        String busyId = conversation.id(); // a save may move the conversation to a new id
        Stop stop = new Stop();
        if (answering.putIfAbsent(busyId, stop) != null) {
            throw busy();
        }
        try {
            applySettings(conversation, assistant, body);
            ctx.contentType("application/x-ndjson; charset=utf-8");
            ctx.res().flushBuffer(); // the headers now: the page shows the answer's bubble at once
            try (AnswerStream stream = new AnswerStream(json, parts, ctx.res().getOutputStream(), stop,
                    conversation.json(), clock)) {
                stream.send(stream.event("start").put("conversation", busyId));
                turn(engine, conversation, question, stop, stream, page.equals("memory"));
            }
        } finally {
            answering.remove(busyId);
        }
    }

    private static Refusal busy() {
        return new Refusal(409, "This conversation is still answering (maybe in another tab): wait for the "
                + "answer, or stop it, then send your message again.");
    }

    private void turn(ChatEngine engine, Conversation conversation, Question question, Stop stop, AnswerStream stream,
            boolean saved) {
        ChatEngine.Turn turn;
        try {
            turn = engine.answer(conversation, question, stream, stop);
            lastAnswerEnded = System.nanoTime();
        } catch (LlmFailure | StoreException e) {
            // A question nothing answered is out of the conversation again (the engine took it
            // out), and a conversation that holds nothing is not kept: the page gets it back.
            stream.end(stream.event("error").put("message", e.getMessage()).put("unanswered", e instanceof LlmFailure)
                    .put("conversation", saved && !conversation.messages().isEmpty() ? conversation.id() : null));
            return;
        } catch (RuntimeException e) { // a bug: the answer has begun, so it is said in it, and logged
            log.println("Unexpected failure while answering: " + e);
            stream.end(stream.event("error").put("message", "Something went wrong in the page's server: "
                    + e.getClass().getSimpleName() + ". See its terminal."));
            return;
        }
        ObjectNode done = stream.event("done")
                .put("html", Markdown.render(turn.answer().content(), conversation.json())).put("cut", turn.answer().cut())
                .put("conversation", saved ? conversation.id() : null).put("model", conversation.model());
        parts.putAll(done, turn.answer()); // what the tools did, as kept: it replaces what streamed
        Llm.Reply reply = turn.reply();
        if (turn.answer().cut()) {
            // Stop's own sentence when it was pressed: cancelling the stream may also break the
            // connection, and "could not reach" would then tell the user what they did not do.
            done.put("interruption", stop.stopped() ? stop.reason()
                    : reply.interruption() != null ? reply.interruption() : turn.notice());
        }
        if (turn.notice() != null && !turn.notice().equals(reply.interruption())
                && !turn.notice().equals(done.path("interruption").asText(null))) {
            done.put("notice", turn.notice()); // another program saved this conversation meanwhile, say
        }
        if (reply.usage() != null && reply.usage().completionTokens() > 0) {
            done.put("tokens", reply.usage().completionTokens()).put("tokensPerSecond", reply.usage().tokensPerSecond());
        }
        if (reply.timeToFirstToken() != null) {
            done.put("firstToken", reply.timeToFirstToken().toMillis() / 1000.0);
        }
        stream.end(done);
    }

    /** The assistant the page names by its id, null for none; the page can name only one on the shelf. */
    private Assistant assistant(String id) {
        if (id.isEmpty()) {
            return null;
        }
        return assistants.find(id).orElseThrow(() -> new Refusal(400, "There is no assistant \""
                + (id.length() > 64 ? id.substring(0, 64) + "..." : id) + "\" (any more): choose another, or none."));
    }

    /**
     * The sidebar's choices: an assistant's instructions (and its model), or the page's own
     * instructions; the picker's model, which the page sets to the assistant's when it names one; JSON mode.
     */
    private static void applySettings(Conversation conversation, Assistant assistant, JsonNode body) {
        if (assistant != null) {
            assistant.applyTo(conversation);
        } else if (body.has("system")) {
            conversation.system(body.path("system").asText(""));
        }
        String model = body.path("model").asText("").strip();
        if (!model.isEmpty()) {
            if (model.length() > 200) {
                throw new Refusal(400, "That model name is longer than any model's.");
            }
            conversation.model(model);
        }
        conversation.json(body.path("json").asBoolean(false));
    }

    /** POST /api/stop {conversation}: what arrived is kept, marked cut. */
    boolean stop(String conversation) {
        Stop stop = answering.get(conversation);
        if (stop != null) {
            stop.stop("You stopped the answer.");
        }
        return stop != null;
    }

    /** The server stops: every answer is stopped and given a moment to save what arrived. */
    void stopAll() {
        answering.values().forEach(stop -> stop.stop("The page's server was stopped."));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!answering.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
