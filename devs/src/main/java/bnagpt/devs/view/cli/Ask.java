package bnagpt.devs.view.cli;

import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Conversation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The command-line view: one question, one answer, for scripts. The prompt comes as an
 * argument or on stdin; the answer goes to stdout and nothing else does; notes and
 * failures go to stderr, as one sentence.
 */
public final class Ask {
    private final ChatEngine engine;
    private final PrintStream out;
    private final PrintStream err;

    public Ask(ChatEngine engine, PrintStream out, PrintStream err) {
        this.engine = engine;
        this.out = out;
        this.err = err;
    }

    /** Asks PROMPT (or, when it is null, what stdin holds) and returns the exit status. */
    public int run(String prompt, InputStream stdin, Conversation conversation) {
        if (prompt == null) {
            try {
                prompt = new String(stdin.readNBytes(1 << 20), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                err.println("Could not read the question from stdin (" + e.getMessage() + ").");
                return 1;
            }
        }
        if (prompt.isBlank()) {
            err.println("Nothing to ask: give a question as an argument, or on stdin.");
            return 2;
        }
        Stop stop = new Stop();
        try {
            ChatEngine.Turn turn = engine.answer(conversation, prompt, text -> {
                out.print(text);
                out.flush();
            }, stop);
            out.println();
            out.flush();
            if (turn.notice() != null) {
                err.println(turn.notice());
            }
            return turn.reply().complete() ? 0 : 1;
        } catch (LlmFailure e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}
