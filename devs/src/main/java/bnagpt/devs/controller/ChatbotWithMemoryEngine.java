package bnagpt.devs.controller;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.StreamingMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The article's Chatbot With Memory: the model sees the conversation so far (that is all
 * "memory" is), and the conversation is saved, so it can be reopened, here or in chat.java.
 *
 * <p>Nothing the user wrote is lost: the question is saved before it is sent, and a long
 * answer is saved as it grows, every {@code saveEvery}, so a crash loses at most that.
 */
public final class ChatbotWithMemoryEngine implements ChatEngine {
    private final Llm llm;
    private final ConversationStore store;
    private final long answerLimitBytes;
    private final Duration saveEvery;

    public ChatbotWithMemoryEngine(Llm llm, ConversationStore store, long answerLimitBytes, Duration saveEvery) {
        this.llm = llm;
        this.store = store;
        this.answerLimitBytes = answerLimitBytes;
        this.saveEvery = saveEvery;
    }

    @Override
    public Turn answer(Conversation conversation, String prompt, Llm.Listener listener, Stop stop) {
        conversation.add(Message.user(prompt));
        String model = conversation.model() != null ? conversation.model() : llm.defaultModel();
        conversation.model(model);
        List<Message> window = new ArrayList<>(conversation.messages());
        store.save(conversation); // the question is kept before anything can go wrong
        StreamingMessage answer = new StreamingMessage(answerLimitBytes);
        Llm.Listener collecting = Answers.collecting(answer, listener, stop);
        GrowingSave growing = new GrowingSave(conversation, answer);
        Llm.Reply reply = llm.stream(new Llm.Request(model, conversation.system(), window, conversation.json()),
                new Llm.Listener() {
                    @Override
                    public void onContent(String text) {
                        collecting.onContent(text);
                        growing.maybeSave();
                    }

                    @Override
                    public void onReasoning(String text) {
                        collecting.onReasoning(text);
                        growing.maybeSave();
                    }

                    @Override
                    public void onRetry(String sentence) {
                        collecting.onRetry(sentence);
                    }
                }, stop);
        Answers.end(answer, reply, stop);
        growing.finish();
        String notice = store.save(conversation);
        return new Turn(answer.toMessage(), reply, notice != null ? notice : answer.cutReason());
    }

    /** Saves the answer so far every saveEvery while it streams; the last save is the caller's. */
    private final class GrowingSave {
        private final Conversation conversation;
        private final StreamingMessage answer;
        private long lastSave = System.nanoTime();
        private boolean added;

        GrowingSave(Conversation conversation, StreamingMessage answer) {
            this.conversation = conversation;
            this.answer = answer;
        }

        void maybeSave() {
            if (System.nanoTime() - lastSave >= saveEvery.toNanos()) {
                put(new Message("assistant", answer.content(), answer.reasoning().isEmpty() ? null : answer.reasoning(), true));
                store.save(conversation);
                lastSave = System.nanoTime();
            }
        }

        void finish() {
            put(answer.toMessage());
        }

        private void put(Message message) {
            if (added) {
                conversation.replaceLast(message);
            } else {
                conversation.add(message);
                added = true;
            }
        }
    }
}
