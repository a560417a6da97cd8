package bnagpt.devs.controller;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.Message;

/**
 * One feature's engine: the article's controller. A view hands it the user's words and a
 * listener; the engine decides what the model sees, asks the LLM layer, and keeps what
 * must be kept. A new feature is a new engine (and a view piece), not an edit of this one.
 */
public interface ChatEngine {

    /**
     * Answers QUESTION in CONVERSATION: the question and the answer are added to it, and the
     * answer streams to LISTENER as it arrives. Blocks until the answer has ended. A failure
     * before the first piece throws {@link bnagpt.devs.llm.LlmFailure} (the question stays
     * in the conversation, marked unanswered by the missing answer); a stop or a cut keeps
     * the part that arrived, marked cut.
     */
    Turn answer(Conversation conversation, Question question, Llm.Listener listener, Stop stop);

    /** A question of words alone. */
    default Turn answer(Conversation conversation, String prompt, Llm.Listener listener, Stop stop) {
        return answer(conversation, Question.of(prompt), listener, stop);
    }

    /** The end of one turn: the answer as kept, how the stream ended, and a sentence to show (or null). */
    record Turn(Message answer, Llm.Reply reply, String notice) {}
}
