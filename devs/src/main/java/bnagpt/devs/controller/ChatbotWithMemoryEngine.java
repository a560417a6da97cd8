package bnagpt.devs.controller;

import bnagpt.devs.llm.Image;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.StoreException;
import bnagpt.devs.model.StreamingMessage;
import bnagpt.devs.model.ToolRun;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 *
 * <p>The roadmap's features go through here too, each in one place: a question's attachments
 * are saved with it and its images read back from the AttachmentStore for every turn that
 * has them in its window (Pictures.toSend); the tools switched on go with the request; what
 * the tools did is kept with the answer (Answers); and which model a feature needs, or what
 * cannot be asked, is decided by Features before anything is sent.
 */
public final class ChatbotWithMemoryEngine implements ChatEngine {
    /** Enough for a long chat with any model today; older messages stay saved, only unsent. */
    public static final int WINDOW_MESSAGES = 40;

    private final Llm llm;
    private final ConversationStore store;
    private final Pictures pictures;
    private final Features features;
    private final long answerLimitBytes;
    private final Duration saveEvery;
    private final int windowMessages;

    /** Attached files are looked for beside the store's conversations, and the features' models are the defaults. */
    public ChatbotWithMemoryEngine(Llm llm, ConversationStore store, long answerLimitBytes, Duration saveEvery) {
        this(llm, store, answerLimitBytes, saveEvery, WINDOW_MESSAGES);
    }

    public ChatbotWithMemoryEngine(Llm llm, ConversationStore store, long answerLimitBytes, Duration saveEvery,
            int windowMessages) {
        this(llm, store, new AttachmentStore(store.folder().getParent()), Features.defaults(), answerLimitBytes,
                saveEvery, windowMessages);
    }

    public ChatbotWithMemoryEngine(Llm llm, ConversationStore store, AttachmentStore attachments, Features features,
            long answerLimitBytes, Duration saveEvery, int windowMessages) {
        this.llm = llm;
        this.store = store;
        this.pictures = new Pictures(attachments);
        this.features = features;
        this.answerLimitBytes = answerLimitBytes;
        this.saveEvery = saveEvery;
        this.windowMessages = windowMessages;
    }

    @Override
    public Turn answer(Conversation conversation, Question question, Llm.Listener listener, Stop stop) {
        features.check(question); // refused before anything is kept
        conversation.add(Message.user(question.text(), question.attachments()));
        if (conversation.model() == null) {
            conversation.model(llm.defaultModel());
        }
        List<Message> window = window(conversation.messages());
        Features.Plan plan = features.plan(conversation.model(), question, hasImages(window));
        Map<Integer, List<Image>> images;
        try {
            images = plan.images() ? pictures.toSend(window) : Map.of();
        } catch (StoreException e) { // an attached file went missing: nothing is sent, the question is not kept
            conversation.removeLast();
            throw e;
        }
        conversation.model(plan.model());
        String moved = store.save(conversation); // the question is kept before anything can go wrong
        StreamingMessage answer = new StreamingMessage(answerLimitBytes);
        GrowingSave growing = new GrowingSave(conversation, answer);
        Llm.Reply reply;
        try {
            reply = llm.stream(new Llm.Request(conversation.model(), conversation.system(), window, conversation.json(),
                    question.tools(), images), growing.listening(Answers.collecting(answer, listener, stop)), stop);
        } catch (LlmFailure e) {
            unask(conversation);
            throw e;
        }
        Answers.end(answer, reply);
        growing.finish();
        String notice = store.save(conversation);
        return new Turn(answer.toMessage(), reply, Answers.notice(plan.notice(), moved, notice, answer.cutReason()));
    }

    private static boolean hasImages(List<Message> window) {
        return window.stream().anyMatch(message -> !message.images().isEmpty());
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

    /**
     * The messages the model sees: as many of the last ones as LangChain4j's window memory
     * keeps, each with its words and its attachments (Pictures reads the images among them);
     * the thinking and the tool runs of earlier answers are not sent again.
     */
    List<Message> window(List<Message> messages) {
        ChatMemory memory = MessageWindowChatMemory.withMaxMessages(windowMessages);
        for (Message message : messages) {
            memory.add(message.fromUser() ? UserMessage.from(message.content()) : AiMessage.from(message.content()));
        }
        int kept = memory.messages().size(); // the window memory keeps the newest messages, in order
        List<Message> window = new ArrayList<>();
        for (Message message : messages.subList(messages.size() - kept, messages.size())) {
            window.add(message.fromUser() ? Message.user(message.content(), message.attachments())
                    : Message.assistant(message.content()));
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
                public void onTool(int index, ToolRun run) {
                    collecting.onTool(index, run);
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
                put(new Message(soFar.role(), soFar.content(), soFar.reasoning(), true, soFar.attachments(),
                        soFar.tools(), soFar.passages()));
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
