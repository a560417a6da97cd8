package bnagpt.devs.controller;

import bnagpt.devs.llm.Image;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.StreamingMessage;
import java.util.List;
import java.util.Map;

/**
 * The article's Simple Chatbot: the page shows the whole chat, but the model sees only the
 * last question. Nothing is saved. Ask it "what did I just say?" and it cannot know: that
 * is what ChatbotWithMemoryEngine adds.
 *
 * <p>The last question may carry images and switch tools on, under the same rules as the
 * memory engine's (Features): only its own images are sent, since it is all the model sees.
 */
public final class SimpleChatEngine implements ChatEngine {
    private final Llm llm;
    private final Pictures pictures;
    private final Features features;
    private final long answerLimitBytes;

    /** Attached files are looked for nowhere: for a question of words alone. */
    public SimpleChatEngine(Llm llm, long answerLimitBytes) {
        this(llm, null, Features.defaults(), answerLimitBytes);
    }

    public SimpleChatEngine(Llm llm, AttachmentStore attachments, Features features, long answerLimitBytes) {
        this.llm = llm;
        this.pictures = attachments == null ? null : new Pictures(attachments);
        this.features = features;
        this.answerLimitBytes = answerLimitBytes;
    }

    @Override
    public Turn answer(Conversation conversation, Question question, Llm.Listener listener, Stop stop) {
        features.check(question);
        if (!question.images().isEmpty() && pictures == null) {
            throw new IllegalStateException("this engine was built without an attachment store");
        }
        if (conversation.model() == null) {
            conversation.model(llm.defaultModel());
        }
        List<Message> window = List.of(Message.user(question.text(), question.attachments()));
        Features.Plan plan = features.plan(conversation.model(), question, !question.images().isEmpty());
        Map<Integer, List<Image>> images = plan.images() ? pictures.toSend(window) : Map.of();
        conversation.model(plan.model());
        conversation.add(window.get(0));
        Llm.Request request = new Llm.Request(conversation.model(), conversation.system(), window, conversation.json(),
                question.tools(), images);
        StreamingMessage answer = new StreamingMessage(answerLimitBytes);
        Llm.Reply reply = llm.stream(request, Answers.collecting(answer, listener, stop), stop);
        Answers.end(answer, reply);
        conversation.add(answer.toMessage());
        return new Turn(answer.toMessage(), reply, Answers.notice(plan.notice(), answer.cutReason()));
    }
}
