package bnagpt.devs.view.cli;

import bnagpt.devs.controller.ChatEngine;
import bnagpt.devs.controller.Documents;
import bnagpt.devs.controller.Pictures;
import bnagpt.devs.controller.Question;
import bnagpt.devs.controller.Voice;
import bnagpt.devs.llm.BuiltInTool;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.model.Assistant;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.AssistantShelf;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Passage;
import bnagpt.devs.model.StoreException;
import bnagpt.devs.model.ToolRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command-line view: one question, one answer, for scripts. The prompt comes as an
 * argument or on stdin; the answer goes to stdout and nothing else does; notes, the model's
 * thinking (dim, on a terminal only) and failures go to stderr, each failure one sentence.
 * With --search, --code and --image the question carries tools and images (ToolLines says
 * where what the tools did is printed). Everything printed that came from outside is made
 * printable first (Printable): no control character reaches the terminal raw.
 */
public final class Ask {
    /** The longest question read from stdin. */
    static final int MAX_PROMPT_BYTES = 1 << 20;

    private final ChatEngine memory;
    private final ChatEngine simple;
    private final ConversationStore store;
    private final AssistantShelf assistants;
    private final Pictures pictures;
    private final Llm llm;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final Documents documents;
    private final VoiceCommand voice;

    /** TERMINAL: a person watches (stderr may then carry the thinking and a usage line, in colour). */
    public Ask(ChatEngine memory, ChatEngine simple, ConversationStore store, AssistantShelf assistants,
            Pictures pictures, Llm llm, PrintStream out, PrintStream err, boolean terminal) {
        this(memory, simple, store, assistants, pictures, llm, out, err, terminal, null);
    }

    /** DOCUMENTS attaches the files of --doc (null: no --doc here). */
    public Ask(ChatEngine memory, ChatEngine simple, ConversationStore store, AssistantShelf assistants,
            Pictures pictures, Llm llm, PrintStream out, PrintStream err, boolean terminal, Documents documents) {
        this(memory, simple, store, assistants, pictures, llm, out, err, terminal, documents, null);
    }

    /** VOICE: --audio and --speak (null: the command has neither). */
    public Ask(ChatEngine memory, ChatEngine simple, ConversationStore store, AssistantShelf assistants,
            Pictures pictures, Llm llm, PrintStream out, PrintStream err, boolean terminal, Documents documents,
            Voice voice) {
        this.documents = documents;
        this.voice = voice == null ? null : new VoiceCommand(voice, err);
        this.memory = memory;
        this.simple = simple;
        this.store = store;
        this.assistants = assistants;
        this.pictures = pictures;
        this.llm = llm;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /** Runs the command and returns its exit status: 0 answered, 1 failed or cut, 2 a mistake in the command. */
    public int run(AskOptions options, InputStream stdin, Stop stop) {
        if (options.listModels()) {
            return listModels();
        }
        Assistant assistant = null;
        if (options.assistant() != null) {
            assistant = assistants.find(options.assistant()).orElse(null);
            if (assistant == null) {
                err.println("There is no assistant \"" + options.assistant() + "\". Put NAME.md or NAME.json in "
                        + "$BNAGPT_HOME/assistants or ./assistants; these are on offer: " + offered() + ".");
                return 2;
            }
        }
        String prompt = options.voice().audio() != null ? voice.question(options.voice().audio())
                : options.prompt() != null ? options.prompt() : read(stdin);
        if (prompt == null) {
            return 1;
        }
        if (prompt.isBlank()) {
            err.println("Nothing to ask: give a question as an argument, or on stdin. See ./jbang devs ask --help.");
            return 2;
        }
        List<Attachment> images;
        try {
            images = ImageFiles.keep(options.images(), pictures);
        } catch (ImageFiles.Refused e) {
            err.println(e.getMessage());
            return 2;
        }
        Set<BuiltInTool> tools = EnumSet.noneOf(BuiltInTool.class);
        if (options.search()) {
            tools.add(BuiltInTool.SEARCH);
        }
        if (options.code()) {
            tools.add(BuiltInTool.CODE);
        }
        // -m is the user's choice for this turn: sent as it is, even when a feature needs another model.
        List<Attachment> attached = attach(images, options.documents());
        if (attached == null) {
            return 2;
        }
        Question question = new Question(prompt, attached, tools, options.model() != null);
        try {
            Conversation conversation = conversation(options, assistant);
            if (conversation == null) {
                return 1;
            }
            ToolLines toolLines = new ToolLines(out, err);
            ChatEngine.Turn turn = (options.simple() ? simple : memory).answer(conversation, question,
                    listener(toolLines), stop);
            out.println();
            out.flush(); // the answer whole on the terminal before the code that ran is shown on stderr
            toolLines.after(turn.answer().tools());
            printSources(turn.answer().passages(), options.json() ? err : out);
            if (turn.notice() != null) {
                err.println(Printable.of(turn.notice()));
            }
            if (options.voice().speak() != null && !voice.speak(turn.answer().content(), options.voice())) {
                return 1;
            }
            if (terminal) {
                err.println(dim(usageLine(turn.reply(), conversation, options.simple())));
            }
            return turn.reply().complete() && !turn.answer().cut() ? 0 : 1;
        } catch (LlmFailure | StoreException e) {
            out.flush();
            err.println(Printable.of(e.getMessage()));
            return 1;
        }
    }

    /** IMAGES, then the documents of --doc, read and kept; null (said on stderr) when one cannot be attached. */
    private List<Attachment> attach(List<Attachment> images, List<String> files) {
        List<Attachment> attached = new ArrayList<>(images);
        for (String file : files) {
            try {
                attached.add(documents.attach(Path.of(file)));
            } catch (Documents.Refused e) {
                err.println(Printable.of(e.getMessage()));
                return null;
            }
        }
        return attached;
    }

    /** "Sources: report.pdf p. 3, report.pdf p. 7", after the answer (on stderr in JSON mode: stdout is one object). */
    private static void printSources(List<Passage> passages, PrintStream to) {
        Set<String> sources = new LinkedHashSet<>();
        for (Passage passage : passages) {
            sources.add(Printable.of(passage.page() > 0 ? passage.file() + " p. " + passage.page() : passage.file()));
        }
        if (!sources.isEmpty()) {
            to.println();
            to.println("Sources: " + String.join(", ", sources));
            to.flush();
        }
    }

    private String offered() {
        List<String> ids = assistants.list().stream().map(Assistant::id).toList();
        return ids.isEmpty() ? "none" : String.join(", ", ids);
    }

    /** The conversation to answer in: an assistant's instructions and model, then -s and -m over them. */
    private Conversation conversation(AskOptions options, Assistant assistant) {
        Conversation conversation;
        if (options.continueLatest()) {
            conversation = store.latest();
            if (conversation == null) {
                err.println("There is no saved conversation to go on with yet: ask without -c first.");
                return null;
            }
        } else if (options.conversationId() != null) {
            conversation = store.load(options.conversationId());
        } else {
            conversation = new Conversation();
        }
        if (assistant != null) {
            assistant.applyTo(conversation);
        }
        if (options.system() != null) {
            conversation.system(options.system());
        }
        if (options.model() != null) {
            conversation.model(options.model());
        }
        if (options.json()) {
            conversation.json(true);
        }
        return conversation;
    }

    private Llm.Listener listener(ToolLines toolLines) {
        return new Llm.Listener() {
            private boolean thinking;

            @Override
            public void onContent(String text) {
                endThinking();
                out.print(Printable.of(text)); // flushed once per batch from the network, not once per token
            }

            @Override
            public void onTool(int index, ToolRun run) {
                endThinking();
                toolLines.running(index, run);
            }

            private void endThinking() {
                if (thinking) {
                    err.println();
                    thinking = false;
                }
            }

            @Override
            public void onBatchEnd() {
                out.flush();
                if (thinking) {
                    err.flush();
                }
            }

            @Override
            public void onReasoning(String text) {
                if (terminal) { // the thinking is not the answer: never on stdout, and only for a person
                    err.print(dim(Printable.of(text)));
                    thinking = true;
                }
            }

            @Override
            public void onRetry(String sentence) {
                err.println(Printable.of(sentence));
            }
        };
    }

    private int listModels() {
        try {
            for (Llm.ModelInfo model : llm.models()) {
                out.println(Printable.line(model.id(), 200));
            }
            out.flush();
            return 0;
        } catch (LlmFailure e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    /** The question from stdin, at most MAX_PROMPT_BYTES; null (said on stderr) when it cannot be read. */
    private String read(InputStream stdin) {
        try {
            byte[] bytes = stdin.readNBytes(MAX_PROMPT_BYTES + 1);
            if (bytes.length > MAX_PROMPT_BYTES) {
                err.println("The question on stdin is longer than 1 MiB: too long to send. Send a shorter one.");
                return null;
            }
            return new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            err.println("Could not read the question from stdin (" + e.getClass().getSimpleName() + ").");
            return null;
        }
    }

    /** "openai/gpt-oss-120b · 38 + 412 tokens · 1,234 tokens/s · saved as 20261203-221417-3fa9". */
    static String usageLine(Llm.Reply reply, Conversation conversation, boolean simple) {
        StringBuilder line = new StringBuilder(conversation.model() != null ? conversation.model() : "");
        if (reply.usage() != null) {
            line.append(String.format(Locale.ROOT, " · %d + %d tokens · %,.0f tokens/s", reply.usage().promptTokens(),
                    reply.usage().completionTokens(), reply.usage().tokensPerSecond()));
        }
        line.append(simple ? " · not saved" : " · saved as " + conversation.id());
        return line.toString();
    }

    private String dim(String text) {
        return terminal && System.getenv("NO_COLOR") == null ? "\u001b[2m" + text + "\u001b[0m" : text;
    }
}
