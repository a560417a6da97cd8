package bnagpt.devs.controller;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Read Documents, as an engine around another one (Simple Chatbot or Chatbot With Memory),
 * which stays as it is: for a conversation with documents, it reads them for the question
 * (Documents) and hands the inner engine an LLM that puts that reading before the question in
 * the text sent. The user's message is saved as they wrote it; the passages are kept on the
 * answer, for the views to list as its sources. A conversation without documents goes
 * straight to the inner engine: nothing of this is loaded or asked for.
 */
public final class DocumentsEngine implements ChatEngine {
    private final Llm llm;
    private final Function<Llm, ChatEngine> inner;
    private final Documents documents;
    private final ConversationStore store;

    /**
     * INNER builds the wrapped engine around an LLM (one per turn: each carries its own reading).
     * STORE saves the answer again with its passages; null for an engine that saves nothing.
     */
    public DocumentsEngine(Llm llm, Function<Llm, ChatEngine> inner, Documents documents, ConversationStore store) {
        this.llm = llm;
        this.inner = inner;
        this.documents = documents;
        this.store = store;
    }

    @Override
    public Turn answer(Conversation conversation, Question question, Llm.Listener listener, Stop stop) {
        List<Attachment> attached = attached(conversation, question);
        if (attached.isEmpty()) {
            return inner.apply(llm).answer(conversation, question, listener, stop);
        }
        Documents.Reading reading;
        try {
            reading = documents.read(attached, question.text());
        } catch (Documents.Refused e) { // before anything was sent or kept: the view hands the question back
            throw new LlmFailure(e.getMessage());
        }
        Turn turn = inner.apply(new Reading(llm, reading.context())).answer(conversation, question, listener, stop);
        Message answer = turn.answer().withPassages(reading.passages());
        if (conversation.last() != null && !conversation.last().fromUser()) {
            conversation.replaceLast(answer);
            if (store != null) {
                store.save(conversation);
            }
        }
        return new Turn(answer, turn.reply(), turn.notice());
    }

    /** The documents of the conversation so far and of this question, each once, in the order attached. */
    static List<Attachment> attached(Conversation conversation, Question question) {
        Map<String, Attachment> byFile = new LinkedHashMap<>();
        List<Attachment> all = new ArrayList<>();
        conversation.messages().forEach(message -> all.addAll(message.attachments()));
        all.addAll(question.attachments());
        for (Attachment attachment : all) {
            if (!attachment.image()) {
                byFile.putIfAbsent(attachment.file(), attachment);
            }
        }
        return List.copyOf(byFile.values());
    }

    /** The LLM the inner engine talks to for one turn: the question it sends goes with the reading before it. */
    private record Reading(Llm llm, String context) implements Llm {
        @Override
        public Reply stream(Request request, Listener listener, Stop stop) {
            List<Message> messages = new ArrayList<>(request.messages());
            int last = messages.size() - 1;
            Message question = messages.get(last);
            messages.set(last, new Message(question.role(), context + question.content(), question.reasoning(),
                    question.cut(), question.attachments(), question.tools(), question.passages()));
            return llm.stream(new Request(request.model(), request.system(), messages, request.json(), request.tools(),
                    request.images()), listener, stop);
        }

        @Override
        public List<ModelInfo> models() {
            return llm.models();
        }

        @Override
        public String defaultModel() {
            return llm.defaultModel();
        }
    }
}
