package bnagpt.devs.controller;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.StreamingMessage;
import java.util.List;

/**
 * The article's Simple Chatbot: the page shows the whole chat, but the model sees only the
 * last question. Nothing is saved. Ask it "what did I just say?" and it cannot know: that
 * is what ChatbotWithMemoryEngine adds.
 */
public final class SimpleChatEngine implements ChatEngine {
    private final Llm llm;
    private final long answerLimitBytes;

    public SimpleChatEngine(Llm llm, long answerLimitBytes) {
        this.llm = llm;
        this.answerLimitBytes = answerLimitBytes;
    }

    @Override
    public Turn answer(Conversation conversation, Question question, Llm.Listener listener, Stop stop) {
        String prompt = question.text(); // attachments and tools: not yet (issue 15)
        conversation.add(Message.user(prompt));
        if (conversation.model() == null) {
            conversation.model(llm.defaultModel());
        }
        Llm.Request request = new Llm.Request(conversation.model(), conversation.system(), List.of(Message.user(prompt)),
                conversation.json());
        StreamingMessage answer = new StreamingMessage(answerLimitBytes);
        Llm.Reply reply = llm.stream(request, Answers.collecting(answer, listener, stop), stop);
        Answers.end(answer, reply);
        conversation.add(answer.toMessage());
        return new Turn(answer.toMessage(), reply, answer.cutReason());
    }
}
