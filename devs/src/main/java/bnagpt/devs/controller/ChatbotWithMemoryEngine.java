package bnagpt.devs.controller;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.StoreException;
import bnagpt.devs.model.StreamingMessage;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The article's Chatbot With Memory: the model sees the conversation so far (that is all
 * "memory" is), and the conversation is saved, so it can be reopened, here or in chat.java.
 *
 * <p>What the model sees is LangChain4j's MessageWindowChatMemory: the last
 * {@code windowMessages} messages. The saved transcript stays whole in our own store: the
 * memory rewrites what it holds as it evicts, so it is the model's window, not the record.
 *
 * <p>Nothing the user wrote is lost: the question is saved before it is sent, and a long
 * answer is saved as it grows, every {@code saveEvery}, so a crash loses at most that. A
 * question that could not be answered at all is taken out again and handed back by the view.
 */
public final class ChatbotWithMemoryEngine implements ChatEngine {
    /** Enough for a long chat with any model today; older messages stay saved, only unsent. */
    public static final int WINDOW_MESSAGES = 40;

    private final Llm llm;
    private final ConversationStore store;
    private final long answerLimitBytes;
    private final Duration saveEvery;
    private final int windowMessages;

    public ChatbotWithMemoryEngine(Llm llm, ConversationStore store, long answerLimitBytes, Duration saveEvery) {
        this(llm, store, answerLimitBytes, saveEvery, WINDOW_MESSAGES);
    }

    public ChatbotWithMemoryEngine(Llm llm, ConversationStore store, long answerLimitBytes, Duration saveEvery,
            int windowMessages) {
        this.llm = llm;
        this.store = store;
        this.answerLimitBytes = answerLimitBytes;
        this.saveEvery = saveEvery;
        this.windowMessages = windowMessages;
    }

    @Override
    public Turn answer(Conversation conversation, Question question, Llm.Listener listener, Stop stop) {
        String prompt = question.text(); // attachments and tools: not yet (issue 15)
        conversation.add(Message.user(prompt));
        if (conversation.model() == null) {
            conversation.model(llm.defaultModel());
        }
        List<Message> window = window(conversation.messages());
        String moved = store.save(conversation); // the question is kept before anything can go wrong
        StreamingMessage answer = new StreamingMessage(answerLimitBytes);
        GrowingSave growing = new GrowingSave(conversation, answer);
        Llm.Reply reply;
        try {
            reply = llm.stream(new Llm.Request(conversation.model(), conversation.system(), window,
                    conversation.json()), growing.listening(Answers.collecting(answer, listener, stop)), stop);
        } catch (LlmFailure e) {
            unask(conversation);
            throw e;
        }
        Answers.end(answer, reply);
        growing.finish();
        String notice = store.save(conversation);
        return new Turn(answer.toMessage(), reply, Answers.notice(moved, notice, answer.cutReason()));
    }

    /**
     * Nothing was answered (a retired model, a refused key, no network): the question goes
     * out of the saved conversation again, as chat.java does, so that asking it once more
     * (the view hands it back) does not send it twice. A conversation left empty is removed.
     */
    private void unask(Conversation conversation) {
        conversation.removeLast();
        try {
            if (conversation.messages().isEmpty()) {
                store.delete(conversation.id());
            } else {
                store.save(conversation);
            }
        } catch (StoreException e) {
            // the failure being thrown says what matters; the file keeps the question at worst
        }
    }

    /** The messages the model sees: what LangChain4j's window memory keeps of the conversation. */
    List<Message> window(List<Message> messages) {
        ChatMemory memory = MessageWindowChatMemory.withMaxMessages(windowMessages);
        for (Message message : messages) {
            memory.add(message.fromUser() ? UserMessage.from(message.content()) : AiMessage.from(message.content()));
        }
        List<Message> window = new ArrayList<>();
        for (ChatMessage message : memory.messages()) {
            window.add(message instanceof UserMessage user ? Message.user(user.singleText())
                    : Message.assistant(((AiMessage) message).text()));
        }
        return window;
    }

    /**
     * Saves the answer so far every saveEvery while it streams, at the end of a batch, once the
     * view has flushed it (so a kill never leaves a file with text the user did not see); the
     * last save is the caller's.
     */
    private final class GrowingSave {
        private final Conversation conversation;
        private final StreamingMessage answer;
        private long lastSave = System.nanoTime();
        private boolean added;
        private boolean failed;

        GrowingSave(Conversation conversation, StreamingMessage answer) {
            this.conversation = conversation;
            this.answer = answer;
        }

        /** The listener that also saves as the answer grows. */
        Llm.Listener listening(Llm.Listener collecting) {
            return new Llm.Listener() {
                @Override
                public void onContent(String text) {
                    collecting.onContent(text);
                }

                @Override
                public void onReasoning(String text) {
                    collecting.onReasoning(text);
                }

                @Override
                public void onRetry(String sentence) {
                    collecting.onRetry(sentence);
                }

                @Override
                public void onBatchEnd() {
                    collecting.onBatchEnd();
                    maybeSave(); // after the view flushed: what is saved has been shown
                }
            };
        }

        /** Saved so far, marked cut: should the program die now, the file says the answer did not end. */
        private void maybeSave() {
            if (!failed && System.nanoTime() - lastSave >= saveEvery.toNanos()) {
                Message soFar = answer.toMessage();
                put(new Message(soFar.role(), soFar.content(), soFar.reasoning(), true));
                try {
                    store.save(conversation);
                } catch (StoreException e) {
                    failed = true; // the answer goes on; the save at its end says what is wrong
                }
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
