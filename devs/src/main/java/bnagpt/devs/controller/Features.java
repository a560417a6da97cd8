package bnagpt.devs.controller;

import bnagpt.devs.llm.BuiltInTool;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.model.Conversation;
import java.util.Set;

/**
 * The article's roadmap features that need a model of their own, in one place per feature:
 * "Read images" needs the vision model (qwen/qwen3.8-27b, the one Groq has), "Search the web"
 * and "Run code" need a gpt-oss model (Groq runs them as its built-in tools). Both engines ask
 * this class before they send, so a page and the command line get the same rules:
 *
 * <ul>
 *   <li>a question that cannot be asked at all is refused with one sentence, before anything
 *       is kept (a fourth image; images together with a search or a run of code: no model does both);
 *   <li>otherwise the conversation is switched to the model the feature needs, and the turn
 *       says so, unless the user chose the model for this turn (then it is sent as it is, and
 *       the server's refusal is the sentence the user sees).
 * </ul>
 *
 * Features are rules here rather than engines wrapping engines: the rules meet (images
 * against tools), and one short class shows all of them at once.
 */
public final class Features {
    /** Groq's one model that sees images. */
    public static final String VISION_MODEL = "qwen/qwen3.8-27b";
    /** The model for Groq's built-in tools when the default model is not a gpt-oss one. */
    public static final String TOOL_MODEL = "openai/gpt-oss-120b";

    private final String visionModel;
    private final String toolModel;

    /** VISION_MODEL sees images (GROQ_VISION_MODEL); TOOL_MODEL runs the built-in tools (a gpt-oss model). */
    public Features(String visionModel, String toolModel) {
        this.visionModel = visionModel;
        this.toolModel = toolModel;
    }

    public static Features defaults() {
        return new Features(VISION_MODEL, TOOL_MODEL);
    }

    /** What to send in one turn: which model, whether the window's images go, and the sentence saying what changed. */
    record Plan(String model, boolean images, String notice) {}

    /** Refuses a question no model can answer as it is; throws LlmFailure with the sentence, before anything is kept. */
    void check(Question question) {
        int images = question.images().size();
        if (images > Pictures.MOST) {
            throw new LlmFailure("A question takes at most " + Pictures.MOST + " images, and this one has " + images
                    + ": send fewer.");
        }
        if (images > 0 && !question.tools().isEmpty()) {
            throw new LlmFailure("No model reads images and " + (question.tools().size() > 1 ? "searches the web and "
                    + "runs code" : question.tools().contains(BuiltInTool.SEARCH) ? "searches the web" : "runs code")
                    + " at once: send the images in one question and switch the tools on for another.");
        }
    }

    /**
     * The model for this turn. MODEL is the conversation's; WINDOW_IMAGES whether the messages
     * to send hold images (this question's or earlier ones).
     */
    Plan plan(String model, Question question, boolean windowImages) {
        if (!question.tools().isEmpty()) {
            // Search the web, Run code: a gpt-oss model. Earlier images stay out: it cannot see them.
            String chosen = question.modelChosen() || model.startsWith("openai/gpt-oss-") ? model : toolModel;
            String switched = chosen.equals(model) ? null : "Switched to " + chosen + ", the model that can "
                    + tools(question.tools()) + ".";
            String left = windowImages ? "The images earlier in this conversation were not sent: " + chosen
                    + " cannot see images." : null;
            return new Plan(chosen, false, Answers.notice(switched, left));
        }
        if (windowImages && !question.modelChosen() && !model.equals(visionModel)) {
            // Read images: the vision model, for this question's images and the earlier ones in the window.
            return new Plan(visionModel, true, "Switched to " + visionModel + ", the model that can see images.");
        }
        return new Plan(model, windowImages, null);
    }

    /** "search the web", "run code", "search the web and run code". */
    private static String tools(Set<BuiltInTool> tools) {
        if (tools.size() > 1) {
            return "search the web and run code";
        }
        return tools.contains(BuiltInTool.SEARCH) ? "search the web" : "run code";
    }
}
