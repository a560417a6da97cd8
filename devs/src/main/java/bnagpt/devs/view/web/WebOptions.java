package bnagpt.devs.view.web;

/** The page's command line: ./jbang devs [--port N] [--host ADDRESS] [--no-browser]. */
record WebOptions(String host, int port, boolean openBrowser, boolean help) {
    static final int DEFAULT_PORT = 8501; // Streamlit's, as in the article

    static final String HELP = """
            bnaGPT in your browser, the devs track: the article's two pages (Simple Chatbot,
            Chatbot With Memory), served on this machine.

            Usage:
              ./jbang web [--port N] [--no-browser] [--host ADDRESS]
              ./jbang devs ask "question"    one answer on stdout, for scripts

            Options:
                  --port N        listen on port N (default %d; if it is taken, the next free one)
                  --no-browser    print the address, do not open a browser
                  --host ADDRESS  listen on another address than 127.0.0.1 (0.0.0.0: every address
                                  of this machine; other machines can then reach the page: only on
                                  a network you trust)
              -h, --help          this text

            The address it prints works once: it gives that browser this run's secret, and a new
            address is printed for the next browser. The page uses the chat's settings:
            GROQ_API_KEY (or the key file), GROQ_BASE_URL, GROQ_MODEL, BNAGPT_HOME. Its saved
            conversations are the chat's: continue one in the terminal with ./jbang chat -c.
            """.formatted(DEFAULT_PORT);

    /** Reads the arguments; a mistake is an OptionsException with the sentence to print. */
    static WebOptions parse(String[] args) {
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        boolean openBrowser = true;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> help = true;
                case "--no-browser" -> openBrowser = false;
                case "--port" -> port = portNumber(valueAfter(args, i++));
                case "--host" -> host = valueAfter(args, i++).strip();
                default -> throw new OptionsException("Unknown option " + args[i] + ". See --help.");
            }
        }
        return new WebOptions(host, port, openBrowser, help);
    }

    private static String valueAfter(String[] args, int i) {
        if (i + 1 >= args.length || args[i + 1].isBlank()) {
            throw new OptionsException(args[i] + " needs a value. See --help.");
        }
        return args[i + 1];
    }

    private static int portNumber(String text) {
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) > 65535) {
            throw new OptionsException("--port needs a number from 0 to 65535, not \"" + text + "\".");
        }
        return Integer.parseInt(text);
    }

    /** The command line cannot be used as it is; the message says why. */
    static final class OptionsException extends RuntimeException {
        OptionsException(String sentence) {
            super(sentence, null, false, false);
        }
    }
}
