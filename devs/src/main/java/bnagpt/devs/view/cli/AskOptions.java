package bnagpt.devs.view.cli;

import bnagpt.devs.controller.Pictures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code ./jbang devs ask}, in the style of Simon Willison's llm and of
 * chat.java: the prompt as words (or on stdin), and a few options.
 */
public record AskOptions(String prompt, String model, String system, String assistant, boolean json,
        boolean simple, boolean continueLatest, String conversationId, boolean listModels, boolean help, Duration timeout,
        String maxAnswerMb, boolean search, boolean code, List<String> images, List<String> documents,
        VoiceOptions voice) {

    public AskOptions {
        images = images == null ? List.of() : List.copyOf(images);
        documents = documents == null ? List.of() : List.copyOf(documents);
        voice = voice == null ? VoiceOptions.NONE : voice;
    }

    public static final String USAGE = """
            Usage: ./jbang devs ask [options] [PROMPT]

            Asks one question and prints the answer on stdout, nothing else: for scripts.
            Without PROMPT, the question is read from stdin. Notes and errors go to stderr.
            The conversation is saved (as ./jbang chat saves it), so -c goes on with it here,
            and ./jbang chat -c there.

            Options:
              -m, --model NAME        the model (default: GROQ_MODEL, or openai/gpt-oss-120b)
              -s, --system TEXT       instructions for the model (a system prompt)
              -a, --assistant NAME    an assistant: NAME.md or NAME.json in $BNAGPT_HOME/assistants
                                      or ./assistants gives the instructions (and maybe the model)
              --search                let the model search the web (a gpt-oss model); its sources
                                      follow the answer on stdout
              --code                  let the model run Python code (a gpt-oss model); the code and
                                      its output go to stderr after the answer
              --image FILE            attach an image (JPEG, PNG, GIF, WebP; at most 20 MB; up to 3
                                      times): the vision model (qwen/qwen3.8-27b) describes it
              --json                  JSON mode: the answer is one JSON object (say "JSON" in the prompt)
              -c, --continue          go on with the latest saved conversation
              --cid ID                go on with the saved conversation ID
              --simple                the Simple Chatbot: send this prompt alone, save nothing
              --models                list the models the server offers, one per line
              --timeout SECONDS       the longest wait for the first token, and for each next one (default 60)
              --max-answer-mb N       the most one answer may hold, 1 to 12 MiB (default 8,
                                      or BNAGPT_MAX_ANSWER_MB)
              --doc FILE              attach a document (.pdf, .txt, .md; repeat for more): the answer
                                      cites its pages, listed under it as "Sources:"
            """ + VoiceOptions.USAGE + """
              -h, --help              this text

            Settings come from the environment: GROQ_API_KEY (keys are free at
            https://console.groq.com/keys), GROQ_BASE_URL (any OpenAI-compatible server),
            GROQ_MODEL, GROQ_VISION_MODEL, BNAGPT_HOME (default ~/.bnagpt), HTTPS_PROXY and NO_PROXY.
            With --search, --code or --image the model is switched to one that can do it (and
            the switch is said on stderr), unless -m names one.
            Exit status: 0 answered, 1 failed or cut, 2 a mistake on the command line.
            """;

    /** Reads the arguments after "ask"; a mistake throws Mistake with a sentence to show. */
    public static AskOptions parse(List<String> args) {
        List<String> words = new ArrayList<>();
        String model = null;
        String system = null;
        String assistant = null;
        String id = null;
        String maxAnswerMb = null;
        Duration timeout = null;
        boolean json = false;
        boolean simple = false;
        boolean latest = false;
        boolean models = false;
        boolean help = false;
        VoiceOptions voice = VoiceOptions.NONE;
        boolean search = false;
        boolean code = false;
        List<String> images = new ArrayList<>();
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-m", "--model" -> model = value(args, ++i, arg);
                case "-s", "--system" -> system = value(args, ++i, arg);
                case "-a", "--assistant" -> assistant = value(args, ++i, arg);
                case "--cid" -> id = value(args, ++i, arg);
                case "--max-answer-mb" -> maxAnswerMb = value(args, ++i, arg);
                case "--timeout" -> timeout = seconds(value(args, ++i, arg));
                case "--image" -> images.add(value(args, ++i, arg));
                case "--search" -> search = true;
                case "--code" -> code = true;
                case "--json" -> json = true;
                case "--simple" -> simple = true;
                case "-c", "--continue" -> latest = true;
                case "--models" -> models = true;
                case "-h", "--help" -> help = true;
                case "--doc" -> documents.add(value(args, ++i, arg));
                case "--audio", "--speak", "--voice" -> voice = voice.with(arg, value(args, ++i, arg));
                case "--" -> {
                    words.addAll(args.subList(i + 1, args.size()));
                    i = args.size();
                }
                default -> {
                    if (arg.startsWith("-") && arg.length() > 1) {
                        throw new Mistake("Unknown option " + arg + ". See ./jbang devs ask --help.");
                    }
                    words.add(arg);
                }
            }
        }
        if (simple && (latest || id != null)) {
            throw new Mistake("--simple sends one question and saves nothing, so it cannot go on with a saved "
                    + "conversation (-c, --cid).");
        }
        if (latest && id != null) {
            throw new Mistake("-c goes on with the latest conversation and --cid with a given one: choose one.");
        }
        if (images.size() > Pictures.MOST) {
            throw new Mistake("A question takes at most " + Pictures.MOST + " images, and --image was given "
                    + images.size() + " times: attach fewer.");
        }
        if (!images.isEmpty() && (search || code)) {
            throw new Mistake("No model reads images and searches the web or runs code at once: ask with --image in "
                    + "one question and with --search or --code in another.");
        }
        voice.check(!words.isEmpty());
        String prompt = words.isEmpty() ? null : String.join(" ", words);
        return new AskOptions(prompt, model, system, assistant, json, simple, latest, id, models, help, timeout,
                maxAnswerMb, search, code, images, documents, voice);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new Mistake(option + " needs a value. See ./jbang devs ask --help.");
        }
        return args.get(i);
    }

    private static Duration seconds(String value) {
        try {
            double seconds = Double.parseDouble(value);
            if (seconds > 0 && seconds <= 86_400) {
                return Duration.ofMillis((long) (seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new Mistake("--timeout takes a number of seconds from 0 to 86400, not \"" + value + "\".");
    }

    /** A mistake on the command line: exit status 2, and this sentence. */
    public static final class Mistake extends RuntimeException {
        public Mistake(String sentence) {
            super(sentence, null, false, false);
        }
    }
}
