///usr/bin/env jbang "$0" "$@" ; exit $?
//
// bnaGPT in one Java file: a chat that streams Groq's answer token by token.
//
// This is the Java edition of "From Zero to bnaGPT, Part 0". The headings below
// ("Step 3.2", "Step 7.3", ...) follow the article's beginner steps, so you can
// read both side by side.
//
//   ./jbang chat "why is the sky blue?"    one question, one answer (chat: 101s/chat.java's alias)
//   ./jbang chat                            a chat: type, Enter, /exit
//   ./jbang chat --help                     every option
//
// Needs GROQ_API_KEY in the environment (free at https://console.groq.com/keys),
// or GROQ_BASE_URL pointing at any OpenAI-compatible server (see README.md).
//
// New here? Start with the beginner track beside this file: simple_chatbot.java (Part 0,
// the article's steps in 200 lines), then chatbot_with_memory.java (Part 1: memory and
// saved conversations), then this file: the complete edition, which adds what a chat used
// every day needs (retries, the stop button, assistants, JSON mode, speed). The article's
// page, in your browser, is the devs track's (../devs/, ./jbang web): it keeps its
// conversations beside this chat's, so either goes on with what the other saved.
//
// On a first read, follow the steps: 3 (configuration), 3.2 (the stream parser),
// 3.3 (the client), 5 (the conversation) and 4, 6, 7 (the chat loop) are Part 0, a
// streaming chat with memory. The sections marked "beyond Part 0" (saved conversations,
// assistants, the key file) add what ChatGPT has on top; each can be skipped.

// Step 1: install the libraries. JBang reads these lines and fetches the jars.
//JAVA 17+
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
// Line editing in a chat on a terminal (arrows, history, Ctrl-R); loaded only there.
//DEPS org.jline:jline-reader:4.5.0
// Start fast: remember loaded classes between runs (class-data sharing), and
// skip the optimising compiler that a short chat never waits long enough for.
//CDS
// Sources are UTF-8 whatever the machine's locale. sun.misc.Signal (Ctrl-C) makes javac
// warn that it is unsupported; it is what we need, so the warning is turned off.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k
// The JVM's own warnings go to stderr (stdout is for the answer), without CDS chatter.
//JAVA_OPTIONS -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds*=off:stderr

// JShell and notebooks can only see classes in a named package.
package bnagpt;

// Step 2: import the libraries.
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.Credentials;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.TerminalBuilder;
import sun.misc.Signal;

/** The whole chat. Nested classes are public so JShell and notebooks can use them. */
public class chat {

    public static void main(String[] args) {
        StartupArchive.trainIfRecording();
        System.exit(run(args, System.getenv()));
    }

    /** Runs the command line and returns the exit status; failures become one sentence on stderr. */
    public static int run(String[] args, Map<String, String> env) {
        Terminal terminal = Terminal.system(env);
        try {
            Options options = Options.parse(args, env);
            if (options.help()) {
                terminal.out.print(Options.HELP);
                terminal.out.flush();
                return 0;
            }
            if (options.list() || options.delete() != null || options.rename() != null) {
                return manageSaved(options, terminal);
            }
            Config config = options.config();
            if (config.apiKey() == null && config.isGroq() && terminal.interactive) {
                config = config.withApiKey(KeyFile.askAndRemember(options.home(), terminal));
            }
            GroqClient client = new GroqClient(config, options.limits(), ProxyVariables.from(env));
            if (options.listModels()) {
                for (Model model : client.models()) {
                    terminal.printAnswer(String.format("%-40s %,9d tokens%n", model.id(), model.contextWindow()));
                }
                terminal.out.flush();
                return 0;
            }
            String prompt = options.prompt();
            if (!terminal.inIsTerminal && !options.repl()) {
                prompt = Chat.withPipedInput(prompt, System.in);
            }
            Chat chat = Chat.open(options, client, terminal);
            return prompt != null ? chat.oneShot(prompt) : chat.loop();
        } catch (ChatException e) {
            terminal.error(e.getMessage());
            return e.exitCode;
        }
    }

    /** --list, --delete ID and --rename ID TITLE: the saved conversations, with no server and no key. */
    static int manageSaved(Options options, Terminal terminal) {
        ConversationStore store = new ConversationStore(options.home());
        if (options.list()) {
            for (String line : store.list()) {
                terminal.printAnswer(line + "\n");
            }
            terminal.out.flush();
        } else if (options.delete() != null) {
            String title = store.delete(options.delete());
            terminal.note("Deleted conversation " + options.delete() + " (" + title + ").");
        } else {
            String title = store.rename(options.rename(), options.prompt());
            terminal.note("Renamed conversation " + options.rename() + ": " + title + ".");
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------
    // Step 3: the main configurations and methods for Groq.
    // ---------------------------------------------------------------------------------

    static final String GROQ_URL = "https://api.groq.com/openai/v1";
    /** A model Groq serves today. The article's llama3-70b-8192 was retired in 2025. */
    static final String DEFAULT_MODEL = "openai/gpt-oss-120b";

    /**
     * Step 3.1: where to send requests, with which key and model.
     * The key comes from the environment, or from the key file you chose to keep
     * (see KeyFile). Never from a flag: that would show it in the process list.
     * {@code keyFile} is set when the key is (or would be) the key file's: that key is for
     * Groq's URL only, and is never sent to another server.
     */
    public record Config(String apiKey, String baseUrl, String model, Path keyFile) {

        public Config(String apiKey, String baseUrl, String model) {
            this(apiKey, baseUrl, model, null);
        }

        public static Config fromEnvironment() {
            return fromEnvironment(System.getenv());
        }

        public static Config fromEnvironment(Map<String, String> env) {
            return fromEnvironment(env, orDefault(env.get("GROQ_BASE_URL"), GROQ_URL));
        }

        /**
         * The configuration for the server at BASE_URL (GROQ_BASE_URL, or --base-url). The
         * key file's key goes with Groq's URL only: for any other server it is not even read.
         */
        static Config fromEnvironment(Map<String, String> env, String baseUrl) {
            String key = blankToNull(env.get("GROQ_API_KEY"));
            String model = orDefault(env.get("GROQ_MODEL"), DEFAULT_MODEL);
            if (key != null) {
                return new Config(key, baseUrl, model);
            }
            Path keyFile = KeyFile.path(home(env));
            return new Config(isGroq(baseUrl) ? KeyFile.read(keyFile) : null, baseUrl, model, keyFile);
        }

        public Config withModel(String newModel) {
            return new Config(apiKey, baseUrl, newModel, keyFile);
        }

        public Config withApiKey(String newKey) {
            return new Config(newKey, baseUrl, model, keyFile);
        }

        boolean isGroq() {
            return isGroq(baseUrl);
        }

        /** Groq's own server: https and the host api.groq.com, not a look-alike such as api.groq.com.example. */
        static boolean isGroq(String url) {
            HttpUrl parsed = HttpUrl.parse(url);
            return parsed != null && parsed.isHttps() && parsed.host().equals("api.groq.com");
        }

        /** Where the key came from, for sentences: "GROQ_API_KEY" or "the key file /home/you/.bnagpt/key". */
        String keySource() {
            return keyFile == null ? "GROQ_API_KEY" : "the key file " + keyFile;
        }

        /** The server's address as sentences show it: without a user name and password written into it. */
        public String shownBaseUrl() {
            return withoutPassword(baseUrl);
        }

        /**
         * A key travels in an HTTP header, which holds printable ASCII only. A line break or a
         * letter like "é" is a copy-and-paste accident; say so rather than fail in OkHttp.
         */
        void checkKeyCharacters() {
            if (apiKey != null && !apiKey.chars().allMatch(c -> c > ' ' && c < 127)) {
                throw new ChatException("The API key in " + keySource() + " has a character no key has (a line "
                        + "break, a space, or a letter outside plain ASCII). Copy it again from "
                        + "https://console.groq.com/keys.", 2);
            }
        }

        /** Never print the key, not even by accident in a log of this record. */
        @Override
        public String toString() {
            return "Config[baseUrl=" + shownBaseUrl() + ", model=" + model
                    + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
        }
    }

    /** A web address without the "user:password@" that may be written into it: what sentences show. */
    static String withoutPassword(String url) {
        return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*:/+)?[^/?#]*@", "$1");
    }

    /** Where bnaGPT keeps your conversations (and your key, if you let it): $BNAGPT_HOME or ~/.bnagpt. */
    static Path home(Map<String, String> env) {
        String home = blankToNull(env.get("BNAGPT_HOME"));
        return home != null ? Path.of(home) : Path.of(System.getProperty("user.home"), ".bnagpt");
    }

    /**
     * The proxy variables (beyond Part 0: for a chat behind a company proxy), read as curl
     * reads them, so that where curl gets through, the chat does too:
     * <ul>
     * <li>{@code https_proxy} for https addresses, {@code http_proxy} for plain-http ones, and
     *     {@code all_proxy} for both when those are not set; each also in capitals
     *     ({@code HTTPS_PROXY}), the lowercase name winning when both are set. (curl reads only
     *     the lowercase http_proxy; HTTP_PROXY is read too, as most tools do.)</li>
     * <li>A proxy is {@code http://host:port} (or just {@code host:port}), with
     *     {@code user:password@} before the host when it wants them, or
     *     {@code socks5://host:port}.</li>
     * <li>{@code no_proxy}: hosts reached directly, separated by commas: {@code *} for all of
     *     them, a domain with its subdomains ({@code example.com} and {@code .example.com} both
     *     match api.example.com), or an IP address.</li>
     * <li>This machine's own addresses (localhost, 127.x.x.x, ::1) are always reached directly:
     *     a proxy cannot reach a server on your machine, such as the local Groq server.</li>
     * </ul>
     * Public, and with no other part of the chat in it, so that another client (the page's
     * server, say) can follow the same rules: {@link #select} is a java.net.ProxySelector.
     */
    public static final class ProxyVariables extends ProxySelector {
        private final Proxy https;
        private final Proxy http;
        private final List<String> direct;
        private final String user;
        private final String password;

        private ProxyVariables(Proxy https, Proxy http, List<String> direct, String user, String password) {
            this.https = https;
            this.http = http;
            this.direct = direct;
            this.user = user;
            this.password = password;
        }

        /** The proxies the environment asks for; null when it sets none, so that Java's own settings apply. */
        public static ProxyVariables from(Map<String, String> env) {
            String all = variable(env, "all_proxy");
            String httpsUrl = orDefault(variable(env, "https_proxy"), all);
            String httpUrl = orDefault(variable(env, "http_proxy"), all);
            if (httpsUrl == null && httpUrl == null) {
                return null;
            }
            List<String> direct = new ArrayList<>();
            String noProxy = variable(env, "no_proxy");
            for (String entry : (noProxy == null ? "" : noProxy).split(",")) {
                String host = entry.strip().toLowerCase();
                if (host.startsWith("[") && host.endsWith("]")) { // an IPv6 address, as in a URL
                    host = host.substring(1, host.length() - 1);
                }
                host = host.startsWith(".") ? host.substring(1) : host;
                if (!host.isEmpty()) {
                    direct.add(host);
                }
            }
            HttpUrl credentials = parse(httpsUrl != null ? httpsUrl : httpUrl);
            return new ProxyVariables(proxy(httpsUrl), proxy(httpUrl), List.copyOf(direct),
                    blankToNull(credentials.username()), credentials.password());
        }

        /** NAME in lowercase, else in capitals; an empty value counts as not set. */
        private static String variable(Map<String, String> env, String name) {
            return orDefault(blankToNull(env.get(name)), blankToNull(env.get(name.toUpperCase())));
        }

        /** The proxy at URL ("http://host:port", "host:port", "socks5://host:port"); NO_PROXY for none. */
        private static Proxy proxy(String url) {
            if (url == null) {
                return Proxy.NO_PROXY;
            }
            HttpUrl parsed = parse(url);
            Proxy.Type type = url.matches("(?i)socks5h?://.*") ? Proxy.Type.SOCKS : Proxy.Type.HTTP;
            return new Proxy(type, InetSocketAddress.createUnresolved(parsed.host(), parsed.port()));
        }

        /** A proxy's address read as a web address (http:// when it has no scheme; port 1080 for socks5). */
        private static HttpUrl parse(String url) {
            String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase() : "http";
            String rest = url.contains("://") ? url.substring(url.indexOf("://") + 3) : url;
            HttpUrl parsed = switch (scheme) {
                case "http" -> HttpUrl.parse("http://" + rest);
                case "socks5", "socks5h" -> HttpUrl.parse("http://" + (rest.matches("[^/]*:\\d+(/.*)?") ? rest
                        : rest.replaceFirst("^([^/]*)", "$1:1080")));
                default -> null;
            };
            if (parsed == null) {
                throw new ChatException("The proxy \"" + withoutPassword(url) + "\" (from https_proxy, http_proxy or "
                        + "all_proxy) is not one the chat can use: write it as http://host:port or "
                        + "socks5://host:port.", 2);
            }
            return parsed;
        }

        /** The proxy for a request to this address, by the rules above. */
        public Proxy proxyFor(String scheme, String host) {
            String name = host.toLowerCase();
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
            }
            if (isThisMachine(name)) {
                return Proxy.NO_PROXY;
            }
            for (String entry : direct) {
                if (entry.equals("*") || name.equals(entry) || name.endsWith("." + entry)) {
                    return Proxy.NO_PROXY;
                }
            }
            return scheme.equalsIgnoreCase("https") ? https : http;
        }

        private static boolean isThisMachine(String host) {
            return host.equals("localhost") || host.endsWith(".localhost") || host.startsWith("127.")
                    || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
        }

        @Override
        public List<Proxy> select(URI uri) {
            return List.of(uri.getHost() == null ? Proxy.NO_PROXY : proxyFor(uri.getScheme(), uri.getHost()));
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException e) {
            // OkHttp says why itself; there is no other proxy to try
        }

        /** Answers a proxy that asks who we are (407) with the user and password of its address. */
        public okhttp3.Authenticator authenticator() {
            return (route, response) -> {
                if (user == null || response.request().header("Proxy-Authorization") != null) {
                    return null; // nothing to say, or it was said and refused: give up
                }
                return response.request().newBuilder()
                        .header("Proxy-Authorization", Credentials.basic(user, password)).build();
            };
        }

        /** Never the password. */
        @Override
        public String toString() {
            return "ProxyVariables[https=" + https + ", http=" + http + ", no_proxy=" + direct
                    + (user == null ? "" : ", user=" + user) + "]";
        }
    }

    /** The command line: a prompt, or nothing for a chat, plus options. */
    record Options(Config config, Path home, String prompt, String modelFlag, String system, String assistant,
                   boolean json, boolean continueLast, String conversationId, boolean save, boolean quiet,
                   boolean help, boolean listModels, Duration timeout, boolean repl, Integer maxAnswerBytes,
                   boolean list, String delete, String rename) {

        static final String HELP = """
                bnaGPT: chat with Groq's fast LLMs from your terminal.

                Usage:
                  ./jbang chat "your question"  ask once: the answer streams to stdout
                  git diff | ./jbang chat "review this"
                                                piped input is one prompt, after the question and a blank line
                  ./jbang chat                  chat: one message per line; /help lists the commands
                  ./jbang chat -c "and then?"   continue your most recent conversation
                  ./jbang chat --list           your saved conversations (--delete ID, --rename ID TITLE)
                  ./jbang chat --list-models    the models your key can use

                Options:
                  -m, --model NAME        model to use (env GROQ_MODEL, default %s)
                  -s, --system TEXT       system prompt: instructions sent first in every request
                      --assistant FILE    an assistant: a .md or .json file with a name, instructions
                                          and optionally a model (also looked up in $BNAGPT_HOME/assistants)
                      --json              JSON mode: the answer is one JSON object
                  -c, --continue          continue the most recent conversation
                      --conversation ID   continue the conversation ID (see /list)
                      --no-save           do not save this conversation
                      --list              list the saved conversations: ID and title, newest first
                      --delete ID         delete the saved conversation ID
                      --rename ID TITLE   give the saved conversation ID a title of your own
                      --repl              read stdin as a chat, one message (or /command) a line, as a
                                          script would type it; without it, piped input is one prompt
                  -q, --quiet             no speed line after the answer
                      --base-url URL      any OpenAI-compatible server (env GROQ_BASE_URL,
                                          default %s)
                      --timeout SECONDS   how long to wait for the answer to begin, and at most
                                          between two pieces of it (default 60)
                      --max-answer-bytes N  the most one answer may bring, answer and reasoning
                                          together; past it the answer is cut (default %s)
                      --list-models       print the available models and their context windows
                  -h, --help              this text

                In a chat: /new  /list  /load ID  /rename TITLE  /delete [ID]  /history  /system TEXT
                  /model NAME  /json on|off  /exit. A line of three quotes (\"\"\") starts a message of several lines; another
                  ends it. Ctrl-C stops an answer; at the prompt it ends the chat, like Ctrl-D.

                Environment:
                  GROQ_API_KEY            your key for Groq (https://console.groq.com/keys). Never a flag.
                                          Without it, on a terminal, you are offered to paste it once and
                                          keep it in $BNAGPT_HOME/key (readable only by you).
                  GROQ_MODEL              default model
                  GROQ_BASE_URL           default server, e.g. http://localhost:11434/v1 for Ollama
                  BNAGPT_HOME             where conversations are saved (default ~/.bnagpt)
                  NO_COLOR                no colours

                The answer goes to stdout; everything else goes to stderr.
                """.formatted(DEFAULT_MODEL, GROQ_URL, MAX_ANSWER_BYTES);

        /** Flags followed by a value: "-m NAME", "--model NAME" or "--model=NAME". */
        static final List<String> VALUE_FLAGS = List.of("-m", "--model", "-s", "--system", "--assistant",
                "--conversation", "--base-url", "--timeout", "--max-answer-bytes", "--delete", "--rename");
        /** Flags that are on when given, and take no value: "--json=false" is a mistake, not "off". */
        static final List<String> SWITCHES = List.of("-h", "--help", "--list-models", "--json", "-c", "--continue",
                "--no-save", "-q", "--quiet", "--repl", "--list");

        static Options parse(String[] args, Map<String, String> env) {
            List<String> words = new ArrayList<>();
            String baseUrl = orDefault(env.get("GROQ_BASE_URL"), GROQ_URL);
            String modelFlag = null;
            String system = null;
            String assistant = null;
            String conversationId = null;
            boolean json = false;
            boolean continueLast = false;
            boolean save = true;
            boolean quiet = false;
            boolean help = false;
            boolean listModels = false;
            Duration timeout = null;
            boolean repl = false;
            Integer maxAnswerBytes = null;
            boolean list = false;
            String delete = null;
            String rename = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String inlineValue = null;
                if (arg.startsWith("--") && arg.contains("=")) {
                    inlineValue = arg.substring(arg.indexOf('=') + 1);
                    arg = arg.substring(0, arg.indexOf('='));
                }
                String value = null;
                if (VALUE_FLAGS.contains(arg)) {
                    value = inlineValue != null ? inlineValue : i + 1 < args.length ? args[++i] : "";
                    if (value.isBlank()) { // "--model=" or -m "" would send no model at all
                        throw new ChatException(arg + " needs a value, and was given none. See --help.", 2);
                    }
                } else if (inlineValue != null && SWITCHES.contains(arg)) {
                    throw new ChatException(arg + " takes no value: write " + arg
                            + " alone to turn it on, or leave it out. See --help.", 2);
                }
                switch (arg) {
                    case "-h", "--help" -> help = true;
                    case "--list-models" -> listModels = true;
                    case "-m", "--model" -> modelFlag = value;
                    case "-s", "--system" -> system = value;
                    case "--assistant" -> assistant = value;
                    case "--json" -> json = true;
                    case "-c", "--continue" -> continueLast = true;
                    case "--conversation" -> conversationId = value;
                    case "--no-save" -> save = false;
                    case "-q", "--quiet" -> quiet = true;
                    case "--repl" -> repl = true;
                    case "--base-url" -> baseUrl = value;
                    case "--timeout" -> timeout = secondsFlag(arg, value);
                    case "--max-answer-bytes" -> maxAnswerBytes = bytesFlag(arg, value);
                    case "--list" -> list = true;
                    case "--delete" -> delete = value;
                    case "--rename" -> rename = value;
                    case "--api-key", "--key" -> throw new ChatException(
                            "The key is never passed as a flag (it would show in the process list): "
                                    + "set GROQ_API_KEY in the environment instead.", 2);
                    case "--" -> {
                        words.addAll(List.of(args).subList(i + 1, args.length));
                        i = args.length;
                    }
                    default -> {
                        if (arg.startsWith("-") && arg.length() > 1) {
                            throw new ChatException("Unknown option " + arg + ". See --help.", 2);
                        }
                        words.add(args[i]);
                    }
                }
            }
            // Only now is the server known: the key file is read for Groq's URL alone (and
            // not at all for --help, which must work whatever state the key file is in, nor
            // for --list, --delete and --rename, which need no server).
            boolean offline = help || list || delete != null || rename != null;
            Config config = offline ? new Config(null, baseUrl, orDefault(env.get("GROQ_MODEL"), DEFAULT_MODEL))
                    : Config.fromEnvironment(env, baseUrl);
            if (modelFlag != null) {
                config = config.withModel(modelFlag);
            }
            String prompt = words.isEmpty() ? null : String.join(" ", words);
            if (rename != null && prompt == null) {
                throw new ChatException("--rename ID needs the new title after the ID, as in --rename " + rename
                        + " \"Trip to Rome\".", 2);
            }
            if ((list || delete != null) && prompt != null) {
                throw new ChatException((list ? "--list" : "--delete ID") + " takes no question: ask it on its own.",
                        2);
            }
            if (repl && prompt != null) {
                throw new ChatException("--repl reads every message from stdin, one a line: give no question "
                        + "as an argument with it.", 2);
            }
            return new Options(config, chat.home(env), prompt, modelFlag, system, assistant, json, continueLast,
                    conversationId, save, quiet, help, listModels, timeout, repl, maxAnswerBytes, list, delete, rename);
        }

        /** The limits for the client: the defaults, or what --timeout and --max-answer-bytes ask for. */
        Limits limits() {
            Limits limits = timeout == null ? Limits.DEFAULT : Limits.DEFAULT.withTimeout(timeout);
            return maxAnswerBytes == null ? limits : limits.withMaxAnswerBytes(maxAnswerBytes);
        }

        /** A number of bytes for an answer: at least 1 KiB, at most what a saved conversation may hold. */
        private static int bytesFlag(String flag, String value) {
            try {
                long bytes = Long.parseLong(value.strip());
                if (bytes >= 1024 && bytes <= ConversationStore.LARGEST) {
                    return (int) bytes;
                }
            } catch (NumberFormatException e) {
                // the sentence below says what is expected
            }
            throw new ChatException(flag + " needs a number of bytes from 1024 to " + ConversationStore.LARGEST + " ("
                    + mebibytes(ConversationStore.LARGEST) + "), like " + flag + " 1000000.", 2);
        }

        private static Duration secondsFlag(String flag, String value) {
            try {
                double seconds = Double.parseDouble(value);
                if (seconds > 0 && seconds <= 86_400) {
                    return Duration.ofMillis((long) (seconds * 1000));
                }
            } catch (NumberFormatException e) {
                // the sentence below says what is expected
            }
            throw new ChatException(flag + " needs a number of seconds from 0 to 86400, like " + flag + " 120.", 2);
        }
    }

    // ---------------------------------------------------------------------------------
    // Step 3.2: the stream parser, our parse_groq_stream.
    //
    // Groq streams its answer as server-sent events: lines of text, where
    //     data: {"choices":[{"delta":{"content":"Hel"}}]}
    // followed by a blank line is one event, and `data: [DONE]` ends the stream.
    // The parser is a pure function of the bytes it is fed: no network, no printing.
    //
    // The story is in feed (bytes to lines), processLine (lines to events),
    // dispatchEvent and readChunk (an event's JSON to pieces). Bytes and
    // readWaitingChunks are there for speed: a long answer is 50 MB of events.
    // fits and TooLarge are there for safety: no line or event may pass 8 MiB, or one
    // endless line from a server would fill our memory.
    // ---------------------------------------------------------------------------------

    /** What the stream parser finds: pieces of the answer and facts about it. */
    public sealed interface Piece permits Content, Reasoning, Finish, Usage, StreamError, Done, TooLarge {}

    /** A piece of the answer: print it. */
    public record Content(String text) implements Piece {}

    /** A piece of the model's thinking before it answers (gpt-oss, qwen3). Not the answer. */
    public record Reasoning(String text) implements Piece {}

    /** Why the model stopped: "stop", "length" (hit max tokens), "content_filter", ... */
    public record Finish(String reason) implements Piece {}

    /** Token counts and timings Groq measured; tokens per second come from these. */
    public record Usage(long promptTokens, long completionTokens, double completionTime, double totalTime)
            implements Piece {
        public double tokensPerSecond() {
            return completionTime > 0 ? completionTokens / completionTime : 0;
        }
    }

    /** The server reported a failure in the middle of the stream. */
    public record StreamError(String message, String type, String code) implements Piece {}

    /** The stream's `data: [DONE]`: the answer is complete. */
    public record Done() implements Piece {}

    /**
     * A line or an event longer than the parser's limit: no answer needs one, and reading
     * on would let a server fill our memory. The parser reads nothing after it.
     */
    public record TooLarge(int limitBytes) implements Piece {}

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The longest line or event the stream parser takes (8 MiB), counted after OkHttp
     * has unzipped the body: a chunk of a real answer is a few hundred bytes, and a
     * server must not be able to fill our memory with one endless line.
     */
    public static final int MAX_EVENT_BYTES = 8 << 20;

    /**
     * The most text one answer may bring, answer and reasoning together (4 MiB). For safety:
     * every chunk may be valid and the answer never end, and it is all kept in memory, and
     * then saved. A long real answer is some 65,000 tokens, a quarter of a MiB; and a
     * conversation must stay under the 16 MiB a saved one may be (ConversationStore.LARGEST).
     */
    public static final int MAX_ANSWER_BYTES = 4 << 20;

    /**
     * Turns the bytes of a streamed response into pieces, following the
     * server-sent events rules (WHATWG HTML): lines end in LF, CRLF or CR; a line
     * starting with ':' is a comment; `data:` lines of one event are joined with
     * '\n'; a blank line ends the event. Bytes can arrive cut anywhere, even in the
     * middle of a UTF-8 character, so we work on bytes and never decode half a line.
     *
     * A long answer is hundreds of thousands of events, so the parser avoids work it
     * can: a line is read where it lies in the network buffer, and the chunks that one
     * network read completes are read by one JSON parser (see readWaitingChunks).
     */
    public static final class StreamParser {
        private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.UTF_8);
        /**
         * Chunks are read with Jackson's string limit (20 million characters) lifted: our own
         * limit on an event bounds every string in it, and a chunk within it must parse.
         */
        private static final JsonFactory CHUNK_JSON = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                .build();

        private final int maxEventBytes;
        /** Set once a line or event went past maxEventBytes: from then on, nothing is read. */
        private boolean tooLarge;

        private final Bytes partialLine = new Bytes();
        private final Bytes data = new Bytes();
        /** Chunks read off the network but not yet parsed: their JSON, each followed by '\n'. */
        private final Bytes waiting = new Bytes();
        /** Where each waiting chunk's '\n' is. */
        private int[] waitingEnds = new int[64];
        private int waitingCount;
        private String eventType = "";
        private boolean dataSeen;
        private boolean afterCR;
        private boolean atStart = true;

        public StreamParser() {
            this(MAX_EVENT_BYTES);
        }

        /** A parser that takes lines and events of at most maxEventBytes. */
        public StreamParser(int maxEventBytes) {
            this.maxEventBytes = maxEventBytes;
        }

        /** Parses a whole response at once (handy in tests and notebooks). */
        public static List<Piece> parse(byte[] body) {
            StreamParser parser = new StreamParser();
            List<Piece> pieces = new ArrayList<>(parser.feed(body, 0, body.length));
            pieces.addAll(parser.end());
            return pieces;
        }

        /** Feeds the next bytes off the network; returns the pieces they complete. */
        public List<Piece> feed(byte[] bytes, int offset, int length) {
            List<Piece> pieces = new ArrayList<>();
            int lineStart = offset;
            int end = offset + length;
            for (int i = lineEnd(bytes, offset, end); i < end && !tooLarge; i = lineEnd(bytes, i + 1, end)) {
                byte b = bytes[i];
                if (b == '\n' && afterCR && i == lineStart) { // the LF of a CRLF whose CR ended the last line
                    afterCR = false;
                    lineStart = i + 1;
                    continue;
                }
                if (partialLine.size() == 0) {
                    processLine(bytes, lineStart, i, pieces); // the whole line is in this buffer
                } else if (fits(partialLine.size(), i - lineStart, pieces)) {
                    partialLine.write(bytes, lineStart, i - lineStart); // the line began in an earlier one
                    processLine(partialLine.array(), 0, partialLine.size(), pieces);
                    partialLine.reset();
                }
                afterCR = b == '\r';
                lineStart = i + 1;
            }
            if (lineStart < end && fits(partialLine.size(), end - lineStart, pieces)) {
                afterCR = false;
                partialLine.write(bytes, lineStart, end - lineStart);
            }
            readWaitingChunks(pieces);
            return pieces;
        }

        /**
         * Whether {@code more} bytes may join the {@code size} we hold for one line or event.
         * If not, what came before goes first, then TooLarge, and the parser stops reading:
         * once tooLarge is set, nothing fits.
         */
        private boolean fits(int size, int more, List<Piece> pieces) {
            if (!tooLarge && (long) size + more <= maxEventBytes) {
                return true;
            }
            if (!tooLarge) {
                tooLarge = true;
                readWaitingChunks(pieces);
                pieces.add(new TooLarge(maxEventBytes));
            }
            return false;
        }

        /** Where the first LF or CR in bytes[from, to) is; {@code to} when there is none. */
        private static int lineEnd(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                if (bytes[i] == '\n' || bytes[i] == '\r') {
                    return i;
                }
            }
            return to;
        }

        /**
         * Call when the connection closes. An event not yet ended by a blank line
         * is dropped, as the SSE rules say: it may be half a message.
         */
        public List<Piece> end() {
            partialLine.reset();
            data.reset();
            dataSeen = false;
            waiting.reset();
            waitingCount = 0;
            return List.of();
        }

        /** One line, bytes[from, to) without its line end. */
        private void processLine(byte[] bytes, int from, int to, List<Piece> pieces) {
            if (!fits(0, to - from, pieces)) {
                return;
            }
            if (atStart) { // a byte order mark may start the stream; its 3 bytes can arrive apart
                atStart = false;
                if (to - from >= 3 && (bytes[from] & 0xFF) == 0xEF && (bytes[from + 1] & 0xFF) == 0xBB
                        && (bytes[from + 2] & 0xFF) == 0xBF) {
                    from += 3;
                }
            }
            if (from == to) {
                dispatchEvent(pieces);
                return;
            }
            if (bytes[from] == ':') {
                return; // a comment, often a keep-alive
            }
            int colon = from;
            while (colon < to && bytes[colon] != ':') {
                colon++;
            }
            int value = Math.min(colon + 1, to);
            if (value < to && bytes[value] == ' ') {
                value++;
            }
            String field = new String(bytes, from, colon - from, StandardCharsets.UTF_8);
            switch (field) {
                case "data" -> {
                    if (!fits(data.size(), to - value + 1, pieces)) {
                        return;
                    }
                    if (dataSeen) {
                        data.write('\n');
                    }
                    data.write(bytes, value, to - value);
                    dataSeen = true;
                }
                case "event" -> eventType = new String(bytes, value, to - value, StandardCharsets.UTF_8);
                default -> { } // "id" and "retry" only matter to browsers reconnecting
            }
        }

        private void dispatchEvent(List<Piece> pieces) {
            String type = eventType;
            eventType = "";
            if (!dataSeen) {
                return;
            }
            dataSeen = false;
            if (type.equals("error") || Arrays.equals(data.array(), 0, data.size(), DONE, 0, DONE.length)) {
                readWaitingChunks(pieces); // what came before goes first
                pieces.add(type.equals("error") ? errorFrom(data.toByteArray()) : new Done());
            } else { // a chunk: it waits for the others of this network read
                waiting.write(data.array(), 0, data.size());
                if (waitingCount == waitingEnds.length) {
                    waitingEnds = Arrays.copyOf(waitingEnds, waitingCount * 2);
                }
                waitingEnds[waitingCount++] = waiting.size();
                waiting.write('\n');
            }
            data.reset();
        }

        /**
         * Reads the waiting chunks, one JSON value after the other, with one parser:
         * starting a parser for every chunk took a third of the JSON time of a long answer.
         * Each value must lie within its own chunk. If one does not (an empty chunk, two
         * values in one, broken JSON), we read the chunks again one by one, so an odd chunk
         * spoils nothing but itself.
         */
        private void readWaitingChunks(List<Piece> pieces) {
            if (waitingCount == 0) {
                return;
            }
            List<Piece> found = new ArrayList<>();
            boolean eachInPlace = true;
            try (JsonParser json = CHUNK_JSON.createParser(waiting.array(), 0, waiting.size())) {
                int start = 0;
                for (int i = 0; i < waitingCount && eachInPlace; i++) {
                    json.nextToken();
                    long valueStart = json.currentTokenLocation().getByteOffset();
                    readChunk(json, found);
                    eachInPlace = valueStart >= start && json.currentLocation().getByteOffset() <= waitingEnds[i];
                    start = waitingEnds[i] + 1;
                }
                eachInPlace = eachInPlace && json.nextToken() == null;
            } catch (IOException e) {
                eachInPlace = false;
            }
            if (eachInPlace) {
                pieces.addAll(found);
            } else {
                for (int i = 0, start = 0; i < waitingCount; start = waitingEnds[i++] + 1) {
                    readChunkAlone(waiting.array(), start, waitingEnds[i], pieces);
                }
            }
            waiting.reset();
            waitingCount = 0;
        }

        /** One chunk, bytes[from, to), read by a parser of its own. */
        private static void readChunkAlone(byte[] bytes, int from, int to, List<Piece> pieces) {
            List<Piece> found = new ArrayList<>();
            try (JsonParser json = CHUNK_JSON.createParser(bytes, from, to - from)) {
                json.nextToken();
                readChunk(json, found);
                pieces.addAll(found);
            } catch (IOException e) {
                pieces.add(new StreamError("The server sent a chunk that is not JSON: "
                        + shorten(new String(bytes, from, to - from, StandardCharsets.UTF_8)), "invalid_chunk", null));
            }
        }

        /**
         * One chat.completion.chunk: the delta's content, reasoning, finish reason, usage.
         * A chunk is mostly fields we do not need (id, model, created, ...) and a long answer
         * is hundreds of thousands of chunks, so we read it with Jackson's streaming parser,
         * field by field, and skip the rest unread. JSON.readTree(payload) would build a tree
         * of every field and take twice as long; we only do that for the rare small parts
         * (usage, error). The parser stands on the chunk's first token, and is left on its last.
         */
        private static void readChunk(JsonParser json, List<Piece> pieces) throws IOException {
            if (json.currentToken() != JsonToken.START_OBJECT) {
                json.skipChildren();
                return; // valid JSON, but not a chunk: nothing in it for us
            }
            Delta delta = new Delta();
            JsonNode usageJson = null;
            JsonNode groqUsageJson = null;
            JsonNode errorJson = null;
            for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
                json.nextToken();
                switch (field) {
                    case "choices" -> readFirstChoice(json, delta);
                    case "x_groq" -> {
                        JsonNode xGroq = JSON.readTree(json);
                        groqUsageJson = xGroq.get("usage");
                    }
                    case "usage" -> usageJson = JSON.readTree(json);
                    case "error" -> errorJson = JSON.readTree(json);
                    default -> json.skipChildren();
                }
            }
            if (errorJson != null && !errorJson.isNull()) {
                pieces.add(errorFrom(errorJson));
                return;
            }
            if (!delta.reasoning.isEmpty()) {
                pieces.add(new Reasoning(delta.reasoning));
            }
            if (!delta.content.isEmpty()) {
                pieces.add(new Content(delta.content));
            }
            if (delta.finishReason != null) {
                pieces.add(new Finish(delta.finishReason));
            }
            Usage usage = usageFrom(groqUsageJson != null && !groqUsageJson.isNull() ? groqUsageJson : usageJson);
            if (usage != null) {
                pieces.add(usage);
            }
        }

        /**
         * Bytes that grow as they are written, read where they lie: a ByteArrayOutputStream
         * without its copies and locks, which a long answer would pay for on every line.
         */
        private static final class Bytes {
            private byte[] array = new byte[1024];
            private int size;

            void write(byte[] bytes, int from, int length) {
                if (size + length > array.length) {
                    grow(length);
                }
                System.arraycopy(bytes, from, array, size, length);
                size += length;
            }

            void write(int b) {
                if (size == array.length) {
                    grow(1);
                }
                array[size++] = (byte) b;
            }

            /** Room for {@code more} bytes, doubling; counted in long, so that doubling 1 GiB cannot overflow. */
            private void grow(int more) {
                long largest = Integer.MAX_VALUE - 8; // the largest array a JVM makes
                long needed = (long) size + more;
                if (needed > largest) {
                    throw new IllegalStateException("More bytes than an array holds: the limit must stop this");
                }
                array = Arrays.copyOf(array, (int) Math.min(largest, Math.max(needed, 2L * array.length)));
            }

            byte[] array() {
                return array;
            }

            int size() {
                return size;
            }

            byte[] toByteArray() {
                return Arrays.copyOf(array, size);
            }

            void reset() {
                size = 0;
            }
        }

        /** What the first choice of a chunk says. Text fields that are null or absent stay "". */
        private static final class Delta {
            String content = "";
            String reasoning = "";
            String finishReason;
        }

        /** "choices": [{"delta": {"content": ..., "reasoning": ...}, "finish_reason": ...}, ...] */
        private static void readFirstChoice(JsonParser json, Delta delta) throws IOException {
            if (json.currentToken() != JsonToken.START_ARRAY) {
                json.skipChildren();
                return;
            }
            boolean first = true;
            for (JsonToken element = json.nextToken(); element != JsonToken.END_ARRAY; element = json.nextToken()) {
                if (!first || element != JsonToken.START_OBJECT) {
                    json.skipChildren(); // a chat answer has one choice; only n > 1 asks for more
                    first = false;
                    continue;
                }
                first = false;
                for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
                    json.nextToken();
                    if (field.equals("delta") && json.currentToken() == JsonToken.START_OBJECT) {
                        for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
                            json.nextToken();
                            switch (name) {
                                case "content" -> delta.content = text(json, "");
                                case "reasoning" -> delta.reasoning = text(json, "");
                                default -> json.skipChildren();
                            }
                        }
                    } else if (field.equals("finish_reason")) {
                        delta.finishReason = text(json, null);
                    } else {
                        json.skipChildren();
                    }
                }
            }
        }

        /** The current value as text; a null, an object or an array gives {@code absent}. */
        private static String text(JsonParser json, String absent) throws IOException {
            if (json.currentToken().isScalarValue() && json.currentToken() != JsonToken.VALUE_NULL) {
                return json.getText();
            }
            json.skipChildren();
            return absent;
        }

        private static Usage usageFrom(JsonNode usage) {
            if (usage == null || !usage.isObject()) {
                return null;
            }
            return new Usage(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                    usage.path("completion_time").asDouble(), usage.path("total_time").asDouble());
        }

        private static StreamError errorFrom(byte[] payload) {
            try {
                JsonNode node = JSON.readTree(payload);
                return errorFrom(node.has("error") ? node.get("error") : node);
            } catch (IOException e) {
                return new StreamError(new String(payload, StandardCharsets.UTF_8), null, null);
            }
        }

        private static StreamError errorFrom(JsonNode error) {
            if (error.isTextual()) {
                return new StreamError(error.asText(), null, null);
            }
            return new StreamError(error.path("message").asText("unknown error"),
                    error.path("type").asText(null), error.path("code").asText(null));
        }
    }

    // ---------------------------------------------------------------------------------
    // Step 3.3: the client: one request to Groq, the answer streamed back.
    // ---------------------------------------------------------------------------------

    /**
     * A chat message: role is "system", "user" or "assistant". {@code reasoning} is what a
     * reasoning model thought before this answer (null when none): it is saved and shown
     * apart, and never sent back to the model (see Chat.requestMessages). {@code cut} marks
     * an answer that was stopped or broken off before the model finished it. {@code extra}
     * holds a saved message's fields this file does not know (the devs app's images, web
     * searches, code runs), as JSON, so that a save writes them back as they were (null: none).
     */
    public record Message(String role, String content, String reasoning, boolean cut, ObjectNode extra) {
        public Message(String role, String content, String reasoning, boolean cut) {
            this(role, content, reasoning, cut, null);
        }

        public Message(String role, String content) {
            this(role, content, null, false);
        }

        public Message(String role, String content, boolean cut) {
            this(role, content, null, cut);
        }

        public static Message system(String text) { return new Message("system", text); }
        public static Message user(String text) { return new Message("user", text); }
        public static Message assistant(String text) { return new Message("assistant", text); }
    }

    /** A model the server offers. */
    public record Model(String id, long contextWindow) {}

    /** Everything the stream gave us. {@code interruption} is null when the answer arrived whole. */
    public record Reply(String content, String reasoning, String finishReason, Usage usage,
                        Duration timeToFirstToken, String interruption) {
        public boolean complete() {
            return interruption == null;
        }
    }

    /** Receives the answer while it streams. */
    public interface StreamListener {
        /** A piece of the answer arrived. */
        void onContent(String text);

        /** A piece of the model's thinking arrived. */
        default void onReasoning(String text) { }

        /** Everything that arrived in one network read has been handed over: a good time to flush. */
        default void onBatchEnd() { }

        /** The request failed and will be tried again; say so. */
        default void onRetry(String notice) { }
    }

    /** How often and how long to retry. Groq's own SDKs: 2 retries, 0.5 s doubling, at most 8 s. */
    public record RetryPolicy(int maxRetries, Duration firstDelay, Duration maxDelay, Duration longestWait) {
        public static final RetryPolicy DEFAULT =
                new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));

        /** 0.5 s, 1 s, 2 s, ... with up to 25% jitter, so many clients do not retry in step. */
        Duration backoff(int retry) {
            long millis = Math.min(maxDelay.toMillis(), firstDelay.toMillis() << Math.min(retry, 20));
            return Duration.ofMillis((long) (millis * (1 - 0.25 * ThreadLocalRandom.current().nextDouble())));
        }
    }

    /**
     * How long we wait for a server, and how much we take from it: without limits, a broken
     * or hostile server could keep a chat waiting forever or fill its memory.
     * {@code firstByte}: from asking until the response begins, retries and their pauses
     * included. {@code stall}: the longest silence in the middle of an answer (keep-alive
     * comments are not news). {@code maxEventBytes}: the longest line or event of a stream,
     * and the largest whole answer or model list. {@code maxAnswerBytes}: the most text one
     * answer may bring, answer and reasoning together, counted in UTF-8 (--max-answer-bytes).
     */
    public record Limits(Duration firstByte, Duration stall, int maxEventBytes, int maxAnswerBytes) {
        public static final Limits DEFAULT =
                new Limits(Duration.ofSeconds(60), Duration.ofSeconds(60), MAX_EVENT_BYTES, MAX_ANSWER_BYTES);

        public Limits(Duration firstByte, Duration stall, int maxEventBytes) {
            this(firstByte, stall, maxEventBytes, MAX_ANSWER_BYTES);
        }

        /** --timeout SECONDS: both waits at once. */
        public Limits withTimeout(Duration timeout) {
            return new Limits(timeout, timeout, maxEventBytes, maxAnswerBytes);
        }

        /** --max-answer-bytes N. */
        public Limits withMaxAnswerBytes(int bytes) {
            return new Limits(firstByte, stall, maxEventBytes, bytes);
        }
    }

    /**
     * A failure the user can act on, already worded for them. The sentence is all there is
     * to show, so it keeps no stack trace: a notebook cell that fails with one shows one line.
     */
    public static final class ChatException extends RuntimeException {
        public final int exitCode;
        /** The server's error code when there is one, e.g. "context_length_exceeded". */
        public final String code;

        public ChatException(String sentence, int exitCode, String code) {
            super(sentence, null, false, false);
            this.exitCode = exitCode;
            this.code = code;
        }

        public ChatException(String sentence, int exitCode) {
            this(sentence, exitCode, null);
        }

        public ChatException(String sentence) {
            this(sentence, 1, null);
        }
    }

    /** Plain text, or JSON mode: the answer is one JSON object. */
    public enum ResponseFormat { TEXT, JSON }

    public static final class GroqClient {
        private static final MediaType JSON_TYPE = MediaType.get("application/json");

        /** Groq's error bodies are a few hundred bytes; we read at most this much of one. */
        static final int MAX_ERROR_BODY_BYTES = 64 << 10;
        /** The start of the message in an error body that is not whole JSON: {"error":{"message":"... */
        private static final Pattern MESSAGE_START =
                Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){1,301})");

        private final Config config;
        private final OkHttpClient http;
        private final RetryPolicy retryPolicy;
        private final Limits limits;
        private volatile Call inFlight;
        private volatile boolean cancelled;

        public GroqClient(Config config) {
            this(config, Limits.DEFAULT);
        }

        /** A client that reaches the server through the proxies the environment names, if any (ProxyVariables). */
        public GroqClient(Config config, Limits limits) {
            this(config, limits, ProxyVariables.from(System.getenv()));
        }

        /** PROXIES: the proxy variables to follow; null for none (Java's own proxy settings then apply). */
        public GroqClient(Config config, Limits limits, ProxyVariables proxies) {
            this(config, httpClient(config, limits, proxies), RetryPolicy.DEFAULT, limits);
        }

        private static OkHttpClient httpClient(Config config, Limits limits, ProxyVariables proxies) {
            ConnectionPool pool = new ConnectionPool();
            FreshConnectionRetry freshConnectionRetry = new FreshConnectionRetry(pool);
            OkHttpClient.Builder builder = new OkHttpClient.Builder()
                    .connectTimeout(Duration.ofSeconds(10))
                    // OkHttp's read timeout restarts at every byte, keep-alives too: the Watchdog
                    // keeps our limits, and this is only a backstop behind it.
                    .readTimeout(limits.firstByte().plus(limits.stall()))
                    .retryOnConnectionFailure(false)   // we retry ourselves, and say so
                    .connectionPool(pool)
                    .addInterceptor(freshConnectionRetry)
                    .eventListener(freshConnectionRetry);
            if (config.baseUrl().startsWith("http://")) {
                // A plain-http server (local, Ollama) needs no TLS. Saying so spares
                // OkHttp from loading the system's certificates: a tenth of a second.
                builder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
            }
            if (proxies != null) {
                builder.proxySelector(proxies).proxyAuthenticator(proxies.authenticator());
            }
            return builder.build();
        }

        public GroqClient(Config config, OkHttpClient http, RetryPolicy retryPolicy) {
            this(config, http, retryPolicy, Limits.DEFAULT);
        }

        public GroqClient(Config config, OkHttpClient http, RetryPolicy retryPolicy, Limits limits) {
            if (config.apiKey() == null && config.isGroq()) {
                throw new ChatException("""
                        No Groq API key found. Get a free one at https://console.groq.com/keys, then:
                          export GROQ_API_KEY=...    (in your shell, or your shell's profile)
                        No key? Run the local server instead: see "Offline" in README.md.""");
            }
            config.checkKeyCharacters();
            this.config = config;
            this.http = http;
            this.retryPolicy = retryPolicy;
            this.limits = limits;
        }

        public Config config() {
            return config;
        }

        /** The same client (and connections) talking to another model. */
        public GroqClient withModel(String model) {
            return new GroqClient(config.withModel(model), http, retryPolicy, limits);
        }

        /** Step 7.3: sends the conversation and streams the answer to the listener. */
        public Reply stream(List<Message> messages, StreamListener listener) {
            return stream(messages, ResponseFormat.TEXT, listener);
        }

        public Reply stream(List<Message> messages, ResponseFormat format, StreamListener listener) {
            ObjectNode body = JSON.createObjectNode();
            body.put("model", config.model());
            ArrayNode list = body.putArray("messages");
            for (Message message : messages) {
                list.addObject().put("role", message.role()).put("content", message.content());
            }
            if (format == ResponseFormat.JSON) {
                body.putObject("response_format").put("type", "json_object");
            }
            body.put("stream", true);
            Request request = authorized(endpoint("chat/completions"))
                    .header("Accept", "text/event-stream")
                    .post(RequestBody.create(body.toString(), JSON_TYPE))
                    .build();
            cancelled = false;
            try (Watchdog watchdog = new Watchdog(limits, config.shownBaseUrl())) {
                return send(request, listener, watchdog);
            }
        }

        /** Sends the request, and tries again when that may help and the watchdog leaves time. */
        private Reply send(Request request, StreamListener listener, Watchdog watchdog) {
            for (int attempt = 0; ; attempt++) {
                if (cancelled) { // stopped while we waited to try again
                    return stoppedBeforeAnswer();
                }
                long start = System.nanoTime();
                Response response;
                try {
                    inFlight = http.newCall(request);
                    watchdog.watch(inFlight);
                    response = inFlight.execute();
                } catch (IOException e) {
                    if (cancelled) {
                        return stoppedBeforeAnswer();
                    }
                    if (watchdog.verdict() != null) {
                        throw new ChatException(watchdog.verdict());
                    }
                    Duration wait = retryPolicy.backoff(attempt);
                    // A protocol error (a redirect loop, a server not speaking HTTP) would only happen again.
                    if (attempt < retryPolicy.maxRetries() && !(e instanceof ProtocolException)
                            && watchdog.leavesTimeFor(wait)) {
                        pauseBeforeRetry(listener, "Could not reach " + config.shownBaseUrl() + " (" + describe(e) + ").",
                                wait);
                        continue;
                    }
                    throw unreachable(e);
                }
                watchdog.responseBegan();
                try (response) {
                    if (!response.isSuccessful()) {
                        Duration wait = retryWait(response, attempt);
                        if (wait != null && watchdog.leavesTimeFor(wait)) {
                            pauseBeforeRetry(listener, retryNotice(response.code()), wait);
                            continue;
                        }
                        throw failure(response.code(), bodyText(response));
                    }
                    if (isWebPage(response)) {
                        throw webPage();
                    }
                    if (isWholeAnswer(response)) {
                        return wholeAnswer(response, listener, start, watchdog);
                    }
                    StreamResult result = readStream(response.body().byteStream(), listener, start, watchdog);
                    if (!result.failedBeforeFirstToken()) {
                        return result.reply();
                    }
                    if (cancelled) {
                        return stoppedBeforeAnswer();
                    }
                    Duration wait = retryPolicy.backoff(attempt);
                    if (attempt >= retryPolicy.maxRetries() || !watchdog.leavesTimeFor(wait)) {
                        throw new ChatException("The connection to " + config.shownBaseUrl() + " broke before the "
                                + "answer started, " + (attempt + 1) + (attempt == 0 ? " time" : " times")
                                + ". Try again in a minute.");
                    }
                    pauseBeforeRetry(listener, "The connection broke before the answer started.", wait);
                } finally {
                    inFlight = null;
                }
            }
        }

        /**
         * Keeps the time while we wait for the server, and cancels the request when the wait
         * is too long: no response within limits.firstByte() of asking, retries and their
         * pauses included; or, once the response has begun, no piece of the answer for
         * limits.stall() (keep-alive comments are not pieces). OkHttp's read timeout cannot
         * do either: it restarts at every byte, keep-alives included, and at every retry.
         */
        private static final class Watchdog implements AutoCloseable {
            private final Limits limits;
            private final String baseUrl;
            private final long firstByteBy;
            private volatile Call call;
            private volatile boolean responding;
            private volatile long lastNews;
            private volatile String verdict;
            private volatile boolean closed;

            Watchdog(Limits limits, String baseUrl) {
                this.limits = limits;
                this.baseUrl = baseUrl;
                this.firstByteBy = System.nanoTime() + limits.firstByte().toNanos();
                Thread thread = new Thread(this::keepTime, "bnagpt-watchdog");
                thread.setDaemon(true);
                thread.start();
            }

            /** A new attempt: we wait for its response (by the first deadline, which does not move). */
            void watch(Call attempt) {
                responding = false;
                call = attempt;
                if (verdict != null) {
                    attempt.cancel();
                }
            }

            void responseBegan() {
                lastNews = System.nanoTime();
                responding = true;
            }

            /** A piece of the answer arrived: the stall limit starts again. */
            void news() {
                lastNews = System.nanoTime();
            }

            /** Whether a pause of this long still ends before the response is due. */
            boolean leavesTimeFor(Duration pause) {
                return System.nanoTime() + pause.toNanos() - firstByteBy < 0;
            }

            /** Why the request was cancelled, as a sentence; null while all is well. */
            String verdict() {
                return verdict;
            }

            private synchronized void keepTime() {
                while (!closed) {
                    long now = System.nanoTime();
                    long due = responding ? lastNews + limits.stall().toNanos() : firstByteBy;
                    if (now - due >= 0) {
                        verdict = responding
                                ? "The answer stalled: nothing new from " + baseUrl + " for " + seconds(limits.stall())
                                        + " (keep-alive messages aside), so it was given up. Try again, or allow "
                                        + "longer with --timeout SECONDS."
                                : "No answer from " + baseUrl + " within " + seconds(limits.firstByte()) + ". The "
                                        + "server may be overloaded or unreachable: try again, or allow longer with "
                                        + "--timeout SECONDS.";
                        Call waiting = call;
                        if (waiting != null) {
                            waiting.cancel();
                        }
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, due - now);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }

            @Override
            public synchronized void close() {
                closed = true;
                notifyAll();
            }
        }

        /**
         * For safety: a kept-alive connection that the server has closed since (servers close
         * idle ones after a minute or so) fails the next request before a byte of the answer
         * arrives, with "unexpected end of stream". Such a request, GET or POST, is sent once
         * more, at once and without a word, on a new connection: the idle ones are closed first,
         * as stale as the one that failed. A request that fails on a new connection is not sent
         * again here; the retries in send(...) decide, and say so. (OkHttp's own
         * retryOnConnectionFailure would retry far more, silently: it stays off.)
         *
         * OkHttp tells an EventListener whether a call made a connection (connectStart) or took
         * one from the pool (connectionAcquired alone); the call's tag carries that to intercept.
         */
        static final class FreshConnectionRetry extends EventListener implements Interceptor {
            private final ConnectionPool pool;

            FreshConnectionRetry(ConnectionPool pool) {
                this.pool = pool;
            }

            /** What the current attempt of one call did. */
            private static final class Attempt {
                volatile boolean connecting;
                volatile boolean pooled;
            }

            @Override
            public Response intercept(Chain chain) throws IOException {
                Attempt attempt = chain.call().tag(Attempt.class, Attempt::new);
                attempt.connecting = false;
                attempt.pooled = false;
                try {
                    return chain.proceed(chain.request());
                } catch (IOException e) {
                    if (!attempt.pooled || chain.call().isCanceled() || e instanceof InterruptedIOException) {
                        throw e;
                    }
                    pool.evictAll();
                    return chain.proceed(chain.request());
                }
            }

            @Override
            public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
                call.tag(Attempt.class, Attempt::new).connecting = true;
            }

            @Override
            public void connectionAcquired(Call call, Connection connection) {
                Attempt attempt = call.tag(Attempt.class, Attempt::new);
                attempt.pooled = !attempt.connecting;
            }
        }

        /** Whether a response is labelled as a web page (text/html, application/xhtml+xml). */
        private static boolean isWebPage(Response response) {
            MediaType type = response.body().contentType();
            return type != null && type.subtype().contains("html");
        }

        /** A 200 with a web page: a captive portal (hotel or café Wi-Fi), or a base URL that is not an API. */
        private ChatException webPage() {
            return new ChatException("The server at " + config.shownBaseUrl() + " answered with a web page, not with "
                    + "Groq's API. On a hotel, train or café network, open a browser and log in first; otherwise "
                    + "check GROQ_BASE_URL (for Groq it is " + GROQ_URL + ").");
        }

        /**
         * Whether the response is one JSON object rather than a stream: labelled JSON, and its
         * first byte, peeked at without taking it, is '{' (some servers label a stream JSON too).
         */
        private static boolean isWholeAnswer(Response response) {
            MediaType type = response.body().contentType();
            if (type == null || !(type.subtype().equals("json") || type.subtype().endsWith("+json"))) {
                return false;
            }
            try {
                BufferedSource ahead = response.body().source().peek();
                for (int i = 0; i < 64 && ahead.request(1); i++) {
                    byte b = ahead.readByte();
                    if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                        return b == '{';
                    }
                }
            } catch (IOException e) {
                // the stream reader meets the same failure, and says so
            }
            return false;
        }

        /**
         * A server that answers with one chat.completion object although we asked for a stream
         * (some OpenAI-compatible servers do): the answer is in it, so we show it.
         */
        private Reply wholeAnswer(Response response, StreamListener listener, long start, Watchdog watchdog) {
            JsonNode answer;
            try {
                byte[] body = readAtMost(response, limits.maxEventBytes());
                if (body.length > limits.maxEventBytes()) {
                    throw new ChatException("The server at " + config.shownBaseUrl() + " sent an answer of more than "
                            + mebibytes(limits.maxEventBytes()) + ", more than any chat answer needs; it was not "
                            + "read.");
                }
                answer = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new ChatException("The server at " + config.shownBaseUrl() + " answered with JSON that could not be "
                        + "read. Check GROQ_BASE_URL: it must point at an OpenAI-compatible API.");
            } catch (IOException e) { // cut as a stream can be: by the stop button, the watchdog or the network
                if (cancelled) {
                    return stoppedBeforeAnswer();
                }
                throw watchdog.verdict() != null ? new ChatException(watchdog.verdict()) : unreachable(e);
            }
            if (answer.has("error")) {
                throw failure(response.code(), answer.toString());
            }
            JsonNode choice = answer.path("choices").path(0);
            if (!choice.isObject()) {
                throw new ChatException("The server at " + config.shownBaseUrl() + " answered with JSON that is not a "
                        + "chat answer: " + shorten(redact(answer.toString())) + " Check GROQ_BASE_URL.");
            }
            JsonNode message = choice.path("message");
            String content = message.path("content").isTextual() ? message.path("content").asText() : "";
            String reasoning = message.path("reasoning").isTextual() ? message.path("reasoning").asText() : "";
            // The same total limit as a stream's: what fits is kept, reasoning first as it would have come.
            String interruption = null;
            long room = limits.maxAnswerBytes();
            if (utf8Length(new Reasoning(reasoning)) + utf8Length(new Content(content)) > room) {
                interruption = tooLongAnswer();
                reasoning = prefixWithin(reasoning, room);
                content = prefixWithin(content, room - utf8Length(new Reasoning(reasoning)));
            }
            Duration firstToken = Duration.ofNanos(System.nanoTime() - start);
            if (!reasoning.isEmpty()) {
                listener.onReasoning(reasoning);
            }
            if (!content.isEmpty()) {
                listener.onContent(content);
            }
            listener.onBatchEnd();
            String finishReason = choice.path("finish_reason").isTextual() ? choice.path("finish_reason").asText()
                    : "stop"; // a whole answer is a finished one
            JsonNode groqUsage = answer.path("x_groq").path("usage");
            Usage usage = StreamParser.usageFrom(groqUsage.isObject() ? groqUsage : answer.path("usage"));
            return new Reply(content, reasoning, interruption == null ? finishReason : null, usage, firstToken,
                    interruption);
        }

        /** The longest start of TEXT that is at most BYTES long in UTF-8, never half a character. */
        private static String prefixWithin(String text, long bytes) {
            long used = 0;
            int end = 0;
            while (end < text.length()) {
                int next = text.offsetByCodePoints(end, 1);
                used += utf8Length(new Content(text.substring(end, next)));
                if (used > bytes) {
                    break;
                }
                end = next;
            }
            return text.substring(0, end);
        }

        /** At most {@code limit} bytes of a body, plus one to tell a longer one; the rest is left unread. */
        private static byte[] readAtMost(Response response, int limit) throws IOException {
            try (InputStream in = response.body().byteStream()) {
                return in.readNBytes(limit + 1);
            }
        }

        /**
         * The stop button: abandons the answer being streamed (from any thread, e.g.
         * a Ctrl-C handler). stream(...) then returns what arrived so far.
         */
        public void cancel() {
            cancelled = true;
            synchronized (this) {
                notifyAll(); // ends a wait before a retry
            }
            Call call = inFlight;
            if (call != null) {
                call.cancel();
            }
        }

        /** Says why and how long, then waits; the stop button ends the wait early. */
        private synchronized void pauseBeforeRetry(StreamListener listener, String why, Duration wait) {
            listener.onRetry(why + " Trying again in " + seconds(wait) + ".");
            long end = System.nanoTime() + wait.toNanos();
            try {
                for (long left = wait.toNanos(); left > 0 && !cancelled; left = end - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChatException("Interrupted while waiting to retry.", 130);
            }
        }

        private static Reply stoppedBeforeAnswer() {
            return new Reply("", "", null, null, null, STOPPED);
        }

        /** The whole reply at once, nothing printed along the way: for quick experiments in JShell. */
        public Reply complete(List<Message> messages) {
            return stream(messages, text -> { });
        }

        /** GET /models: the models this key may use, active ones only, sorted by name. */
        public List<Model> models() {
            Request request = authorized(endpoint("models")).get().build();
            Call call = http.newCall(request);
            call.timeout().timeout(limits.firstByte().plus(limits.stall()).toMillis(), TimeUnit.MILLISECONDS);
            try (Response response = call.execute()) {
                if (!response.isSuccessful()) {
                    throw failure(response.code(), bodyText(response), false);
                }
                if (isWebPage(response)) {
                    throw webPage();
                }
                byte[] body = readAtMost(response, limits.maxEventBytes());
                if (body.length > limits.maxEventBytes()) {
                    throw new ChatException("The server at " + config.shownBaseUrl() + " sent a list of models of more "
                            + "than " + mebibytes(limits.maxEventBytes()) + "; it was not read. Check GROQ_BASE_URL.");
                }
                JsonNode list;
                try {
                    list = JSON.readTree(body);
                } catch (JsonProcessingException e) {
                    throw notAModelList(body);
                }
                if (!list.path("data").isArray()) {
                    throw notAModelList(body);
                }
                List<Model> models = new ArrayList<>();
                for (JsonNode node : list.path("data")) {
                    if (node.path("active").asBoolean(true)) {
                        models.add(new Model(node.path("id").asText(), node.path("context_window").asLong()));
                    }
                }
                models.sort((a, b) -> a.id().compareTo(b.id()));
                return models;
            } catch (IOException e) {
                throw unreachable(e);
            }
        }

        /** What a server sent for GET /models when it is not a list of models. */
        private ChatException notAModelList(byte[] body) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            if (text.startsWith("<")) {
                return webPage();
            }
            return new ChatException("The server at " + config.shownBaseUrl() + " answered GET /models with something "
                    + "that is not a list of models: " + shorten(redact(text)) + " Check GROQ_BASE_URL.");
        }

        /**
         * An error response's body, at most MAX_ERROR_BODY_BYTES of it: a server must not be
         * able to fill our memory through an error. An unreadable one gives a vaguer message.
         */
        private static String bodyText(Response response) {
            try {
                return new String(readAtMost(response, MAX_ERROR_BODY_BYTES), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        /** The interruption of an answer you stopped yourself. */
        static final String STOPPED = "You stopped the answer.";

        private record StreamResult(Reply reply, boolean failedBeforeFirstToken) {}

        /** Reads the event stream, handing each piece on the moment it arrives. */
        private StreamResult readStream(InputStream in, StreamListener listener, long start, Watchdog watchdog) {
            StreamParser parser = new StreamParser(limits.maxEventBytes());
            StringBuilder content = new StringBuilder();
            StringBuilder reasoning = new StringBuilder();
            String finishReason = null;
            Usage usage = null;
            Duration firstToken = null;
            String interruption = null;
            boolean done = false;
            long answerBytes = 0; // content and reasoning, in UTF-8: at most limits.maxAnswerBytes()
            byte[] buffer = new byte[16 * 1024];
            try {
                int n;
                reading:
                while ((n = in.read(buffer)) != -1) {
                    List<Piece> pieces = parser.feed(buffer, 0, n);
                    if (!pieces.isEmpty()) {
                        watchdog.news();
                    }
                    for (Piece piece : pieces) {
                        if (firstToken == null && (piece instanceof Content || piece instanceof Reasoning)) {
                            firstToken = Duration.ofNanos(System.nanoTime() - start);
                        }
                        if ((piece instanceof Content || piece instanceof Reasoning)
                                && (answerBytes += utf8Length(piece)) > limits.maxAnswerBytes()) {
                            interruption = tooLongAnswer();
                            break reading;
                        }
                        if (piece instanceof Content c) {
                            content.append(c.text());
                            listener.onContent(c.text());
                        } else if (piece instanceof Reasoning r) {
                            reasoning.append(r.text());
                            listener.onReasoning(r.text());
                        } else if (piece instanceof Finish f) {
                            finishReason = f.reason();
                        } else if (piece instanceof Usage u) {
                            usage = u;
                        } else if (piece instanceof StreamError e) {
                            String said = e.message() + (e.code() != null ? " (" + e.code() + ")" : "");
                            // the server's words, bounded as in failure(...): an event may be 8 MiB
                            interruption = "The server stopped the answer with an error: " + shorten(redact(said), 300);
                            break reading;
                        } else if (piece instanceof Done) {
                            done = true;
                            break reading;
                        } else if (piece instanceof TooLarge t) {
                            interruption = "The server sent more than " + mebibytes(t.limitBytes()) + " in one "
                                    + "line of its stream, more than any answer needs, so reading stopped there.";
                            break reading;
                        }
                    }
                    listener.onBatchEnd();
                }
                parser.end();
            } catch (IOException e) {
                if (cancelled) {
                    interruption = STOPPED;
                } else if (watchdog.verdict() != null) {
                    interruption = watchdog.verdict();
                } else if (firstToken == null && content.length() == 0) {
                    return new StreamResult(null, true);
                } else {
                    interruption = "The connection was cut in the middle of the answer (" + describe(e) + ").";
                }
            }
            listener.onBatchEnd();
            if (interruption == null && !done && finishReason == null) {
                interruption = "The stream ended before the answer was finished.";
            }
            Reply reply = new Reply(content.toString(), reasoning.toString(), finishReason, usage, firstToken,
                    interruption);
            return new StreamResult(reply, false);
        }

        /** The interruption of an answer that passed limits.maxAnswerBytes(). */
        private String tooLongAnswer() {
            return "The answer passed " + mebibytes(limits.maxAnswerBytes()) + " (answer and reasoning together), "
                    + "more than any model writes in one answer, so reading stopped there.";
        }

        /** The size of a piece's text in UTF-8, counted without encoding it. */
        private static long utf8Length(Piece piece) {
            String text = piece instanceof Content c ? c.text() : ((Reasoning) piece).text();
            long bytes = text.length(); // one a character, plus what the longer characters take
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c >= 0x80) {
                    bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // a surrogate pair is 4 bytes in all
                }
            }
            return bytes;
        }

        private Request.Builder authorized(HttpUrl url) {
            Request.Builder builder = new Request.Builder().url(url).header("User-Agent", "bnagpt-java/1.0");
            if (config.apiKey() != null) {
                builder.header("Authorization", "Bearer " + config.apiKey());
            }
            return builder;
        }

        private HttpUrl endpoint(String path) {
            String base = config.baseUrl().endsWith("/") ? config.baseUrl() : config.baseUrl() + "/";
            HttpUrl url = HttpUrl.parse(base + path);
            if (url == null) {
                throw new ChatException("\"" + config.shownBaseUrl() + "\" is not a web address. "
                        + "Set GROQ_BASE_URL (or --base-url) to something like " + GROQ_URL + ".", 2);
            }
            return url;
        }

        /** How long to wait before retrying, or null when this failure is final. */
        private Duration retryWait(Response response, int attempt) {
            int code = response.code();
            boolean retryable = code == 408 || code == 409 || code == 429 || code >= 500;
            if (!retryable || attempt >= retryPolicy.maxRetries()) {
                return null;
            }
            Duration asked = retryAfter(response);
            if (asked == null) {
                return retryPolicy.backoff(attempt);
            }
            return asked.compareTo(retryPolicy.longestWait()) <= 0 ? asked : null;
        }

        /**
         * The server's own word on when to come back: retry-after-ms, or retry-after in seconds.
         * Null when it says nothing we can wait for (an HTTP date, a negative number, NaN, or more
         * than a clock can count): then our own backoff decides.
         */
        static Duration retryAfter(Response response) {
            String millis = response.header("retry-after-ms");
            String seconds = response.header("retry-after");
            double wait;
            try {
                wait = millis != null ? Double.parseDouble(millis)
                        : seconds != null ? Double.parseDouble(seconds) * 1000
                        : -1;
            } catch (NumberFormatException e) {
                return null;
            }
            boolean sensible = wait >= 0 && wait <= Long.MAX_VALUE / 1_000_000; // NaN fails both tests
            return sensible ? Duration.ofMillis((long) wait) : null;
        }

        private static String retryNotice(int code) {
            if (code == 429) {
                return "Groq's rate limit was reached (429).";
            }
            return "The server had a problem (" + code + ").";
        }

        /** Turns an HTTP error into a sentence that says what happened and what to do. */
        ChatException failure(int status, String body) {
            return failure(status, body, true);
        }

        /** {@code offerModels}: when the model is the problem, list the ones the server has now. */
        private ChatException failure(int status, String body, boolean offerModels) {
            String message = "";
            String code = "";
            try {
                JsonNode error = JSON.readTree(body).path("error");
                message = error.path("message").asText("");
                code = error.path("code").asText("");
            } catch (IOException | RuntimeException e) {
                Matcher cut = MESSAGE_START.matcher(body); // a body cut at MAX_ERROR_BODY_BYTES
                message = cut.find() ? cut.group(1) : body;
            }
            message = shorten(redact(message), 300); // the server's words, bounded like all text from outside
            String model = config.model();
            if (status == 401) {
                return new ChatException("The server rejected the API key (401), which came from "
                        + config.keySource() + ". Check it, or create a new key at https://console.groq.com/keys"
                        + (config.keyFile() == null ? " and export it again." : " and delete " + config.keyFile()
                                + " to be asked for it."), 1, "invalid_api_key");
            }
            if (code.equals("model_decommissioned")) {
                return new ChatException("The model \"" + model + "\" has been retired by Groq."
                        + modelsToPick(offerModels) + " Pick one with -m NAME, or set GROQ_MODEL to change your "
                        + "default (without it: " + DEFAULT_MODEL + ").", 1, "model_decommissioned");
            }
            if (code.equals("model_not_found") || (status == 404 && message.contains(model))) {
                return new ChatException("The model \"" + model + "\" does not exist at " + config.shownBaseUrl()
                        + ", or your key may not use it." + modelsToPick(offerModels)
                        + " Pick one with -m NAME, or set GROQ_MODEL to change your default.", 1, "model_not_found");
            }
            if (status == 404) {
                return new ChatException("Nothing answers at " + config.shownBaseUrl() + " (404). Check GROQ_BASE_URL: "
                        + "for Groq it is " + GROQ_URL + "; most other servers end in /v1.");
            }
            if (code.equals("context_length_exceeded") || status == 413) {
                return new ChatException("The conversation is too long for " + model + ". Start a new "
                        + "conversation, or choose a model with a larger context window. See the models and "
                        + "their context windows with: ./jbang chat --list-models", 1,
                        "context_length_exceeded");
            }
            if (status == 429) {
                return new ChatException("Groq's rate limit was reached (429) and has not passed yet. "
                        + "Wait a minute and try again. The server said: " + message);
            }
            if (status == 403) {
                return new ChatException("The server refused the request (403): " + message
                        + " Your key or organisation may not be allowed to use " + model + ".");
            }
            if (status >= 500) {
                return new ChatException("The server had a problem (" + status + ") and still failed after "
                        + (retryPolicy.maxRetries() + 1) + " tries. Try again in a minute. " + message);
            }
            return new ChatException("The server answered " + status + (code.isEmpty() ? "" : " " + code)
                    + ": " + message);
        }

        /**
         * Groq retires models often. Rather than send you off to look, ask the server which
         * models it has now (GET /models); if that fails too, say how to list them.
         */
        private String modelsToPick(boolean offerModels) {
            if (offerModels) {
                try {
                    List<String> ids = models().stream().map(Model::id).toList();
                    if (!ids.isEmpty()) {
                        int shown = Math.min(ids.size(), 8);
                        return " Models you can use now: " + String.join(", ", ids.subList(0, shown))
                                + (ids.size() > shown ? " and " + (ids.size() - shown) + " more (--list-models)" : "")
                                + ".";
                    }
                } catch (ChatException e) {
                    // no list then: the hint below still helps
                }
            }
            return " See the models you can use with: ./jbang chat --list-models.";
        }

        private ChatException unreachable(IOException e) {
            if (e instanceof ProtocolException && String.valueOf(e.getMessage()).startsWith("Too many follow-up")) {
                return new ChatException("The server at " + config.shownBaseUrl() + " sends the request round in a circle "
                        + "of redirects (more than 20). Check GROQ_BASE_URL: for Groq it is " + GROQ_URL + ".");
            }
            if (e instanceof InterruptedIOException) { // a timeout (SocketTimeoutException is one)
                return new ChatException("No answer from " + config.shownBaseUrl() + " in time. The server may be "
                        + "overloaded; try again.");
            }
            return new ChatException("Could not reach " + config.shownBaseUrl() + " (" + describe(e) + "). Check your "
                    + "network connection and GROQ_BASE_URL.");
        }

        /** Keys must never reach a terminal or a log, even inside a server's message. */
        private String redact(String text) {
            String key = config.apiKey();
            return key == null || key.isEmpty() ? text : text.replace(key, "[your key]");
        }
    }

    // ---------------------------------------------------------------------------------
    // Step 5: the session's messages. ChatGPT sends the whole conversation each time:
    // that is all "memory" is. (The article's beginner code sends only the last prompt.)
    // ---------------------------------------------------------------------------------

    /** A conversation: its messages, plus the instructions and settings that go with it. */
    public static final class Conversation {
        /** The longest title a user may give: the devs app's limit too, so each keeps the other's titles whole. */
        static final int LONGEST_TITLE = 200;

        private String id;
        private final Instant created;
        /** The SHA-256 of its file as this conversation last read or wrote it; null before. See ConversationStore. */
        private String savedFingerprint;
        /** The messages that file held: to tell another program's rename (same turns) from its new turn. */
        private List<Message> savedMessages = List.of();
        private final List<Message> messages = new ArrayList<>();
        private String system;
        private String model;
        private boolean json;
        /**
         * The user's title: given with /rename or --rename, or in the page (saved with
         * "title_by_user": true). Null: the first question is the title.
         */
        private String title;

        public Conversation() {
            this(newId(), Instant.now());
        }

        Conversation(String id, Instant created) {
            this.id = id;
            this.created = created;
        }

        /** Sortable and unique enough: 20261129-091417-3fa9. */
        static String newId() {
            String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now());
            return time + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
        }

        public String id() { return id; }
        public List<Message> messages() { return messages; }
        public String system() { return system; }
        public void system(String instructions) { system = blankToNull(instructions); }
        public String model() { return model; }
        public void model(String name) { model = name; }
        public boolean json() { return json; }
        public void json(boolean on) { json = on; }

        public void add(Message message) {
            messages.add(message);
        }

        /** Goes on under a new id: what a save does when another chat changed this one's file. */
        void branch() {
            id = newId();
            savedFingerprint = null;
            savedMessages = List.of();
        }

        /** Called by the store once the file holds exactly these BYTES and this conversation's messages. */
        void saved(byte[] bytes) {
            savedFingerprint = ConversationStore.sha256(bytes);
            savedMessages = List.copyOf(messages);
        }

        /** Forgets the last message: used when a question could not be sent at all. */
        void removeLast() {
            messages.remove(messages.size() - 1);
        }

        /** What /list shows: the title given with /rename, or else the first question, shortened. */
        public String title() {
            return title != null ? title : firstQuestion();
        }

        private String firstQuestion() {
            return messages.stream().filter(m -> m.role().equals("user")).findFirst()
                    .map(m -> shorten(m.content().replace('\n', ' '), 60)).orElse("(empty)");
        }

        /** Whether the user gave the title (saved as such, so that it stays as the conversation goes on). */
        public boolean titledByUser() {
            return title != null;
        }

        /** A title of your own, one line of 1 to 200 characters; a blank one goes back to the first question. */
        public void rename(String newTitle) {
            String line = blankToNull(newTitle == null ? null : newTitle.replace('\n', ' ').strip());
            if (line != null && line.length() > LONGEST_TITLE) {
                throw new ChatException("A title is 1 to " + LONGEST_TITLE + " characters long; this one has "
                        + line.length() + ".", 2);
            }
            title = line;
        }
    }

    // ---------------------------------------------------------------------------------
    // Saved conversations (beyond Part 0): one readable JSON file per conversation in
    // $BNAGPT_HOME/conversations, rewritten after every answer.
    //
    // The files are the user's, but anything may end up in that folder, so a file is read
    // with care: links are not followed, files over 16 MiB are not loaded, /list reads only
    // as far as the title, and a loaded file must have the shape we write (roles "user" and
    // "assistant" only). Sentences about a damaged file never quote it.
    //
    // Two chats may continue one conversation. Each remembers the file as it read it (a
    // SHA-256); a save that finds the file changed since keeps the other chat's file as it
    // is, and goes on under a new id. When only the title or settings changed (the page
    // renamed it: the same turns), the save takes the user's title and writes in place.
    // ---------------------------------------------------------------------------------

    public static final class ConversationStore {
        /** Larger files are "too large" and never loaded: 16 MiB is some 4 million tokens, past any model. */
        static final long LARGEST = 16L << 20;
        private static final String DAMAGED = "(damaged file, left as it is)";

        private final Path folder;

        public ConversationStore(Path home) {
            this.folder = home.resolve("conversations");
        }

        Path file(String id) {
            return folder.resolve(id + ".json");
        }

        /**
         * Writes the conversation (never the API key). Returns a line to show when it went on
         * under a new id because another chat had saved it meanwhile; otherwise null.
         */
        public String save(Conversation conversation) {
            try {
                return locked(() -> saveLocked(conversation));
            } catch (IOException e) {
                throw new ChatException("Could not save the conversation in " + folder + " (" + describe(e)
                        + "), so it is not saved.");
            }
        }

        /** What is done to the folder while the lock is held. */
        private interface Change<T> {
            T run() throws IOException;
        }

        /**
         * One change at a time, in this program (a lock) and between programs (a lock file),
         * so that no other save slips in between a check and the write that follows it.
         */
        private <T> T locked(Change<T> change) throws IOException {
            synchronized (ConversationStore.class) {
                createPrivateFolder(folder);
                Path lockPath = folder.resolveSibling("conversations.lock");
                createPrivateFile(lockPath);
                try (FileChannel lockFile = FileChannel.open(lockPath, StandardOpenOption.WRITE)) {
                    lockFile.lock(); // held until the channel closes
                    return change.run();
                }
            }
        }

        /**
         * Removes the file this conversation saved, now that it has no messages left (its only
         * question could not be sent): unless another chat has changed the file since.
         */
        void forget(Conversation conversation) {
            if (conversation.savedFingerprint == null) {
                return;
            }
            try {
                locked(() -> {
                    if (conversation.savedFingerprint.equals(fingerprint(file(conversation.id())))) {
                        Files.delete(file(conversation.id()));
                    }
                    conversation.savedFingerprint = null;
                    return null;
                });
            } catch (IOException e) {
                throw new ChatException("Could not remove the conversation file " + file(conversation.id()) + " ("
                        + describe(e) + "), which holds a question that was not sent.");
            }
        }

        private String saveLocked(Conversation conversation) throws IOException {
            String notice = null;
            String onDisk = fingerprint(file(conversation.id()));
            if (onDisk != null && !onDisk.equals(conversation.savedFingerprint)) {
                Conversation other = conversation.savedFingerprint == null ? null
                        : readIfSound(file(conversation.id()));
                if (other != null && sameTurns(other.messages(), conversation.savedMessages)) {
                    // Only its title or settings changed (a rename in the page, or in another chat): no turn
                    // needs a copy. The user's title wins; this chat's settings are the ones it goes on with.
                    if (other.titledByUser()) {
                        conversation.title = other.title;
                    }
                } else {
                    notice = goOnUnderNewId(conversation);
                }
            }
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(conversation));
            if (bytes.length > LARGEST) { // load(...) would refuse the file: keep the one we have
                throw new ChatException("The conversation " + conversation.id() + " has grown past "
                        + mebibytes(LARGEST) + ", the most a saved conversation may be, so this turn is not saved "
                        + "(the file keeps the turns before it). Start a new conversation with /new.");
            }
            removeLeftovers(conversation.id());
            writePrivately(file(conversation.id()), bytes);
            conversation.saved(bytes);
            return notice;
        }

        /** Another chat added to this conversation's file: leave that file as it is, and go on under a free id. */
        private String goOnUnderNewId(Conversation conversation) {
            String first = conversation.id();
            do {
                conversation.branch();
            } while (Files.exists(file(conversation.id()), LinkOption.NOFOLLOW_LINKS));
            return "Another chat saved conversation " + first + " after this one read it. Both are kept: "
                    + first + " as the other chat left it, and this chat as " + conversation.id() + ".";
        }

        /** The file as a conversation, or null when it is not one we would load (a link, too large, damaged). */
        private static Conversation readIfSound(Path file) throws IOException {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > LARGEST) {
                return null;
            }
            try {
                return fromJson(idOf(file), readAtMost(file, LARGEST));
            } catch (Damaged | IOException e) {
                return null;
            }
        }

        /** The same turns: who said what, and whether it was cut (another program may not keep a reasoning). */
        private static boolean sameTurns(List<Message> a, List<Message> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                Message x = a.get(i);
                Message y = b.get(i);
                if (!x.role().equals(y.role()) || !x.content().equals(y.content()) || x.cut() != y.cut()) {
                    return false;
                }
            }
            return true;
        }

        private static ObjectNode toJson(Conversation conversation) {
            ObjectNode root = JSON.createObjectNode();
            root.put("id", conversation.id());
            root.put("title", conversation.title()); // near the start: /list reads no further
            if (conversation.titledByUser()) { // so that no reader mistakes it for the first question's
                root.put("title_by_user", true);
            }
            root.put("created", conversation.created.toString());
            root.put("updated", Instant.now().toString());
            root.put("model", conversation.model());
            if (conversation.system() != null) {
                root.put("system", conversation.system());
            }
            root.put("json_mode", conversation.json());
            ArrayNode list = root.putArray("messages");
            for (Message message : conversation.messages()) {
                ObjectNode node = list.addObject().put("role", message.role()).put("content", message.content());
                if (message.reasoning() != null) {
                    node.put("reasoning", message.reasoning());
                }
                if (message.cut()) {
                    node.put("cut", true);
                }
                if (message.extra() != null) {
                    node.setAll(message.extra()); // the other program's fields, as they were
                }
            }
            return root;
        }

        /**
         * Removes the temporary files a save of ID left when its program was killed mid-write
         * (".ID.json.PID.tmp"; the devs app's ".ID.json.PID.THREAD.tmp"), so that none pile up.
         * Called holding the lock: every writer of this folder writes holding it, so none of
         * these files is still being written.
         */
        private void removeLeftovers(String id) throws IOException {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            String prefix = "." + id + ".json.";
            try (Stream<Path> entries = Files.list(folder)) {
                for (Path leftover : entries.filter(p -> p.getFileName().toString().startsWith(prefix)
                        && p.getFileName().toString().endsWith(".tmp")).toList()) {
                    Files.deleteIfExists(leftover);
                }
            }
        }

        /** Reads a saved conversation; a damaged file is reported, without quoting it, and left exactly as it is. */
        public Conversation load(String id) {
            Path file = file(id);
            if (!id.matches("[A-Za-z0-9_.-]+") || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw noSuchConversation(id);
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new ChatException("The conversation file " + file + " is a link or not a plain file, so it was "
                        + "not read. Saved conversations are plain files.");
            }
            byte[] bytes;
            try {
                if (Files.size(file) > LARGEST) {
                    throw new ChatException("The conversation file " + file + " is too large to load (" + mebibytes(
                            Files.size(file)) + "; the limit is " + mebibytes(LARGEST) + "). It was left as it is.");
                }
                bytes = readAtMost(file, LARGEST);
            } catch (IOException e) {
                throw new ChatException("Could not read the conversation file " + file + " (" + describe(e) + ").");
            }
            try {
                Conversation conversation = fromJson(id, bytes);
                conversation.saved(bytes);
                return conversation;
            } catch (Damaged e) {
                throw new ChatException("The conversation file " + file + " is damaged (" + e.getMessage()
                        + "). It was left as it is.");
            }
        }

        private static ChatException noSuchConversation(String id) {
            return new ChatException("There is no saved conversation \"" + id + "\". See them with --list (or /list in "
                    + "a chat).");
        }

        /**
         * Removes a saved conversation for good; returns its title, for the sentence that says so.
         * Looked at and removed under the lock, so that what is removed is what was looked at.
         */
        public String delete(String id) {
            Path file = file(id);
            if (!id.matches("[A-Za-z0-9_.-]+")) {
                throw noSuchConversation(id);
            }
            try {
                return locked(() -> {
                    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                        throw noSuchConversation(id);
                    }
                    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) { // a link is not ours to remove
                        throw new ChatException("The conversation file " + file + " is a link or not a plain file, "
                                + "so it was left as it is. Saved conversations are plain files.");
                    }
                    String title = titleOf(file);
                    Set<String> attached = attachedTo(file);
                    Files.delete(file);
                    forgetUnused(attached);
                    return title;
                });
            } catch (IOException e) {
                throw new ChatException("Could not delete the conversation file " + file + " (" + describe(e) + ").");
            }
        }

        /** How the devs app's conversations name the files attached to them (kept in files/): "file": "HASH.EXT". */
        private static final Pattern ATTACHED = Pattern.compile("\"file\"\\s*:\\s*\"([0-9a-f]{64})\\.[a-z0-9]{1,5}\"");

        /** The hashes of the files FILE names, read as text (a damaged file names them too); none when too large. */
        private static Set<String> attachedTo(Path file) throws IOException {
            Set<String> hashes = new java.util.HashSet<>();
            if (Files.size(file) <= LARGEST) {
                Matcher named = ATTACHED.matcher(new String(readAtMost(file, LARGEST), StandardCharsets.ISO_8859_1));
                while (named.find()) {
                    hashes.add(named.group(1));
                }
            }
            return hashes;
        }

        /**
         * After a delete, holding the lock: removes the attached files of HASHES (a picture, a
         * document and its index) that no other saved conversation names, so they do not stay
         * behind their conversation. One too large to read keeps them all (docs/conversations.md).
         */
        private void forgetUnused(Set<String> hashes) throws IOException {
            for (Path other : files()) {
                if (hashes.isEmpty()) {
                    return;
                }
                if (Files.size(other) > LARGEST) {
                    return;
                }
                String text = new String(readAtMost(other, LARGEST), StandardCharsets.ISO_8859_1);
                hashes.removeIf(text::contains);
            }
            Path kept = folder.resolve("files");
            if (hashes.isEmpty() || !Files.isDirectory(kept, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (Stream<Path> entries = Files.list(kept)) {
                for (Path entry : entries.filter(p -> hashes.contains(p.getFileName().toString().split("\\.")[0])).toList()) {
                    Files.deleteIfExists(entry); // a link is removed itself, never what it points to
                }
            }
        }

        /**
         * Gives a saved conversation a title of your own (1 to 200 characters); returns it as it
         * was kept. Loaded and saved in one hold of the lock: a save slipping in between would
         * turn the rename into a copy.
         */
        public String rename(String id, String title) {
            if (title == null || title.isBlank()) {
                throw new ChatException("A title is 1 to " + Conversation.LONGEST_TITLE + " characters long; this one "
                        + "is blank.", 2);
            }
            try {
                return locked(() -> {
                    Conversation conversation = load(id);
                    conversation.rename(title);
                    saveLocked(conversation);
                    return conversation.title();
                });
            } catch (IOException e) {
                throw new ChatException("Could not rename the conversation in " + folder + " (" + describe(e) + ").");
            }
        }

        /** What is wrong with a file, in our words: never its content (it may not be ours to show). */
        private static final class Damaged extends Exception {
            Damaged(String reason) {
                super(reason, null, false, false);
            }
        }

        private static Conversation fromJson(String id, byte[] bytes) throws Damaged {
            JsonNode root;
            try {
                root = JSON.readTree(bytes);
            } catch (IOException e) {
                throw new Damaged("it is not valid JSON, or it is cut short");
            }
            if (root == null || !root.isObject()) {
                throw new Damaged("it is not a JSON object");
            }
            JsonNode messages = root.path("messages");
            if (!messages.isArray()) {
                throw new Damaged("it has no list of messages");
            }
            Instant created;
            try {
                created = Instant.parse(root.path("created").asText());
            } catch (RuntimeException e) {
                throw new Damaged("its creation time is missing or not a time");
            }
            Conversation conversation = new Conversation(id, created);
            conversation.system(textOrNull(root, "system", "its instructions are not text"));
            conversation.model(textOrNull(root, "model", "its model is not text"));
            JsonNode json = root.path("json_mode");
            if (!json.isMissingNode() && !json.isBoolean()) {
                throw new Damaged("its json_mode is not true or false");
            }
            conversation.json(json.asBoolean(false));
            int number = 0;
            for (JsonNode node : messages) {
                number++;
                String role = node.path("role").asText("");
                if (!node.path("role").isTextual() || !(role.equals("user") || role.equals("assistant"))) {
                    // A "system" or any other role planted here would be sent as it is.
                    throw new Damaged("message " + number + " is neither the user's nor the assistant's; "
                            + "instructions belong in the \"system\" field");
                }
                if (!node.path("content").isTextual()) {
                    throw new Damaged("message " + number + " has no text");
                }
                String reasoning = textOrNull(node, "reasoning",
                        "message " + number + " has a reasoning that is not text");
                ObjectNode extra = ((ObjectNode) node).deepCopy();
                extra.remove(List.of("role", "content", "reasoning", "cut"));
                conversation.add(new Message(role, node.get("content").asText(), reasoning,
                        node.path("cut").asBoolean(false), extra.isEmpty() ? null : extra));
            }
            JsonNode byUser = root.path("title_by_user");
            if (byUser.isBoolean() && byUser.booleanValue()) {
                // Taken whole, as the user gave it (in the page, or with /rename): not cut again here.
                conversation.title = blankToNull(textOrNull(root, "title", "its title is not text"));
            } else if (byUser.isMissingNode() && root.path("title").isTextual()
                    && !root.path("title").asText().equals(conversation.firstQuestion())) {
                // A file chat.java renamed before it wrote "title_by_user" (3 December 2026): a title
                // that is not the first question's was given by the user. The next save adds the field.
                conversation.title = blankToNull(root.path("title").asText());
            }
            return conversation;
        }

        private static String textOrNull(JsonNode root, String field, String problem) throws Damaged {
            JsonNode node = root.path(field);
            if (node.isMissingNode() || node.isNull()) {
                return null;
            }
            if (!node.isTextual()) {
                throw new Damaged(problem);
            }
            return node.asText();
        }

        /** The most recently saved conversation, or null when there is none. */
        public Conversation latest() {
            List<Path> files = files();
            return files.isEmpty() ? null : load(idOf(files.get(0)));
        }

        /** "ID  title" lines, newest first. Each file is read only as far as its title. */
        public List<String> list() {
            List<String> lines = new ArrayList<>();
            for (Path file : files()) {
                lines.add(idOf(file) + "  " + titleOf(file));
            }
            return lines;
        }

        /** The "title" field, read with Jackson's streaming parser: the messages after it are never read. */
        private static String titleOf(Path file) {
            try {
                long size = Files.size(file);
                if (size > LARGEST) {
                    return "(too large to load: " + mebibytes(size) + ", left as it is)";
                }
                try (JsonParser parser = JSON.getFactory().createParser(
                        Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
                    if (parser.nextToken() != JsonToken.START_OBJECT) {
                        return DAMAGED;
                    }
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        boolean title = parser.currentName().equals("title");
                        if (parser.nextToken() == JsonToken.VALUE_STRING && title) {
                            return shorten(parser.getText().replace('\n', ' '), 60);
                        }
                        parser.skipChildren();
                    }
                    return "(no title)";
                }
            } catch (IOException e) {
                return DAMAGED;
            }
        }

        /** Saved conversation files, newest first: plain files only (no links), never half-written temporary ones. */
        private List<Path> files() {
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> entries = Files.list(folder)) {
                return entries.filter(p -> p.getFileName().toString().endsWith(".json")
                                && !p.getFileName().toString().startsWith(".")
                                && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                        .sorted(Comparator.comparing(ConversationStore::modified).reversed())
                        .toList();
            } catch (IOException e) {
                throw new ChatException("Could not read " + folder + " (" + describe(e) + ").");
            }
        }

        /** The SHA-256 of a file as it is now, or null when there is no file. A link is never ours: "not a plain file". */
        private static String fingerprint(Path file) throws IOException {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return "not a plain file";
            }
            MessageDigest digest = sha256();
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        static String sha256(byte[] bytes) {
            return HexFormat.of().formatHex(sha256().digest(bytes));
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        /** A file's bytes, at most LIMIT of them (it may have grown since its size was looked at). */
        private static byte[] readAtMost(Path file, long limit) throws IOException {
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] bytes = in.readNBytes((int) limit + 1);
                if (bytes.length > limit) {
                    throw new IOException("it grew past " + mebibytes(limit) + " while being read");
                }
                return bytes;
            }
        }

        private static FileTime modified(Path file) {
            try {
                return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return FileTime.fromMillis(0);
            }
        }

        private static String idOf(Path file) {
            String name = file.getFileName().toString();
            return name.substring(0, name.length() - ".json".length());
        }
    }

    /**
     * Writes a file so that a crash or a full disk never leaves half of it: the text goes
     * to a temporary file in the same folder, every byte of it, is forced to disk, and
     * only then replaces the old file in one atomic rename. A write that fails leaves the
     * old file as it was. Files are readable by their owner only.
     */
    static void writePrivately(Path file, String text) throws IOException {
        writePrivately(file, text.getBytes(StandardCharsets.UTF_8));
    }

    static void writePrivately(Path file, byte[] bytes) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        boolean posix = createPrivateFolder(folder);
        Path temporary = folder.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.deleteIfExists(temporary); // left by a killed program that had our pid
            // Made new (CREATE_NEW): anything that appears under its name meanwhile, a link
            // above all, is refused, never written through.
            Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try (FileChannel channel = posix
                    ? FileChannel.open(temporary, options, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")))
                    : FileChannel.open(temporary, options)) {
                writeAll(channel, ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        syncFolder(folder);
    }

    /**
     * The rename is atomic at once, but lasts through a power cut only once the folder
     * itself reaches the disk. Some systems cannot open a folder (Windows): there the
     * rename is as lasting as it gets, and the file is written all the same.
     */
    static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Written and renamed; only its survival of a power cut is less sure.
        }
    }

    /**
     * Writes every byte. One write may take only some of them (a disk that fills up mid-way
     * does), so we write again until none are left; a channel that takes none is a failure,
     * not a reason to try forever.
     */
    static void writeAll(WritableByteChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                throw new IOException("the disk took none of the last " + bytes.remaining() + " bytes");
            }
        }
    }

    /** Makes FOLDER, open to its owner only, if it is not there; says whether its file system has POSIX modes. */
    static boolean createPrivateFolder(Path folder) throws IOException {
        boolean posix = folder.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(folder)) {
            if (posix) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(folder);
            }
        }
        return posix;
    }

    /** Makes FILE, open to its owner only, if it is not there (another chat may make it at the same moment). */
    static void createPrivateFile(Path file) throws IOException {
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // It is there: that is all we need.
        }
    }

    // ---------------------------------------------------------------------------------
    // Assistants (beyond Part 0; the article's "GPTs"): instructions with a name, in a file.
    //
    //   ---
    //   name: Pirate
    //   model: openai/gpt-oss-20b
    //   ---
    //   You are a friendly pirate. Answer every question like one.
    //
    // A .json file works too: {"name": "...", "instructions": "...", "model": "..."}.
    // ---------------------------------------------------------------------------------

    public record Assistant(String name, String instructions, String model) {

        /** Reads FILE, or looks NAME up in $BNAGPT_HOME/assistants (NAME.md, then NAME.json). */
        public static Assistant find(String fileOrName, Path home) {
            Path file = Path.of(fileOrName);
            for (String extension : List.of("", ".md", ".json")) {
                Path candidate = home.resolve("assistants").resolve(fileOrName + extension);
                if (!Files.isRegularFile(file) && Files.isRegularFile(candidate)) {
                    file = candidate;
                }
            }
            if (!Files.isRegularFile(file)) {
                throw new ChatException("No assistant file " + fileOrName + ". Give a path to a .md or .json "
                        + "file, or put one in " + home.resolve("assistants") + ".", 2);
            }
            try {
                return read(file);
            } catch (IOException | RuntimeException e) {
                throw new ChatException("Could not read the assistant file " + file + ": " + e.getMessage(), 2);
            }
        }

        static Assistant read(Path file) throws IOException {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String fallbackName = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            Assistant assistant;
            if (file.toString().endsWith(".json")) {
                JsonNode node = JSON.readTree(text);
                String instructions = node.hasNonNull("instructions") ? node.get("instructions").asText()
                        : node.path("system").asText("");
                assistant = new Assistant(node.path("name").asText(fallbackName), instructions,
                        node.path("model").asText(null));
            } else {
                assistant = fromMarkdown(text, fallbackName);
            }
            if (assistant.instructions().isBlank()) {
                throw new IOException("it has no instructions");
            }
            return assistant;
        }

        /** Optional front matter between two lines of "---", then the instructions. */
        private static Assistant fromMarkdown(String text, String fallbackName) {
            String name = fallbackName;
            String model = null;
            String body = text;
            List<String> lines = text.lines().toList();
            if (!lines.isEmpty() && lines.get(0).strip().equals("---")) {
                int end = lines.subList(1, lines.size()).indexOf("---") + 1;
                if (end > 0) {
                    for (String line : lines.subList(1, end)) {
                        int colon = line.indexOf(':');
                        String key = colon < 0 ? "" : line.substring(0, colon).strip();
                        String value = colon < 0 ? "" : line.substring(colon + 1).strip();
                        if (key.equals("name")) {
                            name = value;
                        } else if (key.equals("model")) {
                            model = blankToNull(value);
                        }
                    }
                    body = String.join("\n", lines.subList(end + 1, lines.size()));
                }
            }
            return new Assistant(name, body.strip(), model);
        }
    }

    // ---------------------------------------------------------------------------------
    // The key file (beyond Part 0): on a first run without GROQ_API_KEY, on a terminal,
    // we offer to keep the key in $BNAGPT_HOME/key, readable by you only. The
    // environment wins.
    // ---------------------------------------------------------------------------------

    static final class KeyFile {
        /** Groq's keys: "gsk_" and some fifty letters and digits. Anything else pasted is a slip. */
        private static final Pattern SHAPE = Pattern.compile("gsk_[A-Za-z0-9_-]{20,200}");
        /** A key is under a hundred bytes; a bigger file is something else. */
        private static final long LONGEST = 1024;

        static Path path(Path home) {
            return home.resolve("key");
        }

        /**
         * The key kept in FILE, or null when there is none. Like ssh with a private key, a
         * file that other users of the machine can read (or write) is refused: the key in
         * it may be theirs to use already.
         */
        static String read(Path file) {
            if (!Files.exists(file)) {
                return null;
            }
            try {
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                    if (!Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
                            .containsAll(permissions)) {
                        throw new ChatException("Your key file " + file + " is open to other users of this machine ("
                                + PosixFilePermissions.toString(permissions) + "), so it was not used. Make it "
                                + "yours alone with: chmod 600 " + file);
                    }
                }
                if (Files.size(file) > LONGEST) {
                    throw new ChatException("Your key file " + file + " holds more than a key (" + Files.size(file)
                            + " bytes). Put your key alone in it, or delete it to be asked for the key.");
                }
                return blankToNull(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ChatException("Could not read your key file " + file + " (" + describe(e) + ").");
            }
        }

        /** On a terminal, with no key yet: asks for it, checks it with Groq, and keeps it if you agree to. */
        static String askAndRemember(Path home, Terminal terminal) {
            return askAndRemember(home, GROQ_URL, terminal, () -> System.console().readPassword());
        }

        /**
         * Asks for the key (up to three times), without showing what is typed. A key is kept
         * in $BNAGPT_HOME/key only once it has the shape of a Groq key and BASE_URL accepted
         * it for GET /models; a key that could not be checked serves this run only.
         */
        static String askAndRemember(Path home, String baseUrl, Terminal terminal, Supplier<char[]> readPassword) {
            terminal.note("No Groq API key yet. Get a free one at https://console.groq.com/keys");
            for (int tries = 1; ; tries++) {
                terminal.err.print("Paste it here (it will not show), or press Enter to quit: ");
                terminal.err.flush();
                char[] typed = readPassword.get();
                String key = typed == null ? null : blankToNull(new String(typed));
                if (key == null) {
                    throw new ChatException("No key, no chat. Set GROQ_API_KEY, or run the local server: see "
                            + "\"Offline\" in README.md.");
                }
                if (!SHAPE.matcher(key).matches()) {
                    terminal.error("That is not a Groq key: they start with gsk_, then some fifty letters and digits. "
                            + "Nothing was sent or kept.");
                } else {
                    try {
                        new GroqClient(new Config(key, baseUrl, DEFAULT_MODEL)).models();
                        keep(home, key, terminal);
                        return key;
                    } catch (ChatException e) {
                        if (!"invalid_api_key".equals(e.code)) {
                            terminal.error("Could not check the key: " + e.getMessage() + " It serves this run only, "
                                    + "and was not kept.");
                            return key;
                        }
                        terminal.error("Groq did not accept that key (401): it may be mistyped, or revoked. "
                                + "It was not kept.");
                    }
                }
                if (tries == 3) {
                    throw new ChatException("No key was kept after three tries. Copy yours from "
                            + "https://console.groq.com/keys, then run the chat again.");
                }
            }
        }

        private static void keep(Path home, String key, Terminal terminal) {
            try {
                writePrivately(path(home), key + "\n");
                terminal.note("Groq accepted the key. Kept in " + path(home) + ", readable only by you. "
                        + "GROQ_API_KEY, when set, wins.");
            } catch (IOException e) {
                terminal.error("Could not keep the key in " + path(home) + " (" + describe(e)
                        + "); it is used for this session only.");
            }
        }
    }

    // ---------------------------------------------------------------------------------
    // Steps 4, 6 and 7: the chat itself, in the terminal.
    // ---------------------------------------------------------------------------------

    /**
     * Where text goes: the answer to stdout, everything else to stderr.
     *
     * Text from outside (answers, model IDs, error messages from the server, saved
     * conversations, assistant files) is shown, never obeyed: on a terminal its control
     * characters would move the cursor, set the window title, write the clipboard or
     * plant links. So on a terminal they are made visible (see visible()); piped stdout
     * stays byte for byte what the model sent.
     */
    public static final class Terminal {
        final PrintStream out;
        final PrintStream err;
        /** stdin and stdout are a terminal: a person types and reads; prompts, spinner, line editing. */
        final boolean interactive;
        final boolean colour;
        /** stdin is a terminal: what it brings is typed, not piped. */
        final boolean inIsTerminal;
        /** stdout and stderr are each a terminal: their text from outside is made visible. */
        final boolean outIsTerminal;
        final boolean errIsTerminal;

        Terminal(PrintStream out, PrintStream err, boolean interactive, boolean colour) {
            this(out, err, interactive, colour, interactive, interactive, interactive);
        }

        Terminal(PrintStream out, PrintStream err, boolean interactive, boolean colour, boolean inIsTerminal,
                 boolean outIsTerminal, boolean errIsTerminal) {
            this.out = out;
            this.err = err;
            this.interactive = interactive;
            this.colour = colour;
            this.inIsTerminal = inIsTerminal;
            this.outIsTerminal = outIsTerminal;
            this.errIsTerminal = errIsTerminal;
        }

        static Terminal system(Map<String, String> env) {
            boolean interactive = System.console() != null;
            boolean colour = interactive && blankToNull(env.get("NO_COLOR")) == null && !"dumb".equals(env.get("TERM"));
            // Our own buffer, flushed after each network read: piece by piece, without a
            // system call per token.
            OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
            PrintStream out = new PrintStream(stdout, false, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
            return new Terminal(out, err, interactive, colour, interactive || isTerminal(0),
                    interactive || isTerminal(1), interactive || isTerminal(2));
        }

        /**
         * Whether file descriptor 0, 1 or 2 is a terminal. Java 17 only says so for stdin
         * and stdout together (System.console()); a terminal is a character device, and a
         * pipe or a file is not. (/dev/null is one too: what goes there is never seen.)
         */
        static boolean isTerminal(int fd) {
            try {
                int mode = (Integer) Files.getAttribute(Path.of("/dev/fd/" + fd), "unix:mode");
                return (mode & 0170000) == 0020000; // S_IFMT, S_IFCHR
            } catch (IOException | RuntimeException e) {
                return false; // no /dev/fd (Windows): only System.console() tells
            }
        }

        /** A piece of the answer, or anything else from outside that belongs on stdout. */
        void printAnswer(CharSequence text) {
            out.append(outIsTerminal ? visible(text) : text);
        }

        void error(String sentence) {
            err.println(paint("31", shown(sentence)));
        }

        void note(String sentence) {
            err.println(paint("2", shown(sentence)));
        }

        /** Text for stderr that may hold text from outside (our sentences quote the server). */
        String shown(CharSequence text) {
            return errIsTerminal ? visible(text) : text.toString();
        }

        String paint(String ansi, String text) {
            return colour ? "\033[" + ansi + "m" + text + "\033[0m" : text;
        }

        /**
         * The text with every character that a terminal would obey, rather than show,
         * made visible: C0 controls and DEL in caret notation as `cat -v` shows them (ESC
         * is ^[, BEL ^G, CR ^M, DEL ^?), C1 controls (U+0080 to U+009F, which some
         * terminals read as ESC sequences) and the bidi overrides and isolates (which
         * reorder what you read, "Trojan Source") as <U+202E>. Newline and tab stay.
         * Character by character, so an escape sequence split across two pieces of a
         * stream is caught all the same.
         */
        static String visible(CharSequence text) {
            StringBuilder shown = null;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                String replacement = c == '\n' || c == '\t' ? null
                        : c < 0x20 ? "^" + (char) (c + 64)
                        : c == 0x7f ? "^?"
                        : c >= 0x80 && c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069
                                ? String.format("<U+%04X>", (int) c)
                        : null;
                if (replacement != null && shown == null) {
                    shown = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                if (shown != null) {
                    if (replacement != null) {
                        shown.append(replacement);
                    } else {
                        shown.append(c);
                    }
                }
            }
            return shown == null ? text.toString() : shown.toString();
        }
    }

    /** A spinner on stderr while we wait for the first token; on a terminal only. */
    static final class Spinner {
        private final Terminal terminal;
        private volatile Thread thread;

        Spinner(Terminal terminal) {
            this.terminal = terminal;
        }

        void start(String label) {
            if (!terminal.interactive) {
                return;
            }
            thread = new Thread(() -> {
                String frames = "|/-\\";
                for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                    terminal.err.print("\r" + terminal.paint("2", frames.charAt(i % 4) + " " + terminal.shown(label)));
                    terminal.err.flush();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            Thread spinning = thread;
            if (spinning == null) {
                return;
            }
            thread = null;
            spinning.interrupt();
            try {
                spinning.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            terminal.err.print("\r\033[K");
            terminal.err.flush();
        }
    }

    /** Where the chat's messages come from, a line at a time. */
    interface Lines extends AutoCloseable {
        /** The next line, or null when the input ends (Ctrl-D, or Ctrl-C at the prompt). */
        String read(String prompt);

        /** Keeps a message (or a command) for Up and Ctrl-R. */
        default void remember(String message) { }

        @Override
        default void close() { }
    }

    /** Lines from stdin as they come: piped with --repl, or a terminal that JLine could not open. */
    static final class PlainLines implements Lines {
        private final Terminal terminal;
        private final BufferedReader input =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

        PlainLines(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public String read(String prompt) {
            if (terminal.interactive) {
                terminal.err.print(prompt);
                terminal.err.flush();
            }
            try {
                return input.readLine();
            } catch (IOException e) {
                throw new ChatException("Could not read your input: " + describe(e) + ".");
            }
        }
    }

    /**
     * Line editing on a terminal, with JLine (the library behind JShell's prompt): the
     * arrows, Home and End, Up and Down through earlier messages, Ctrl-R to search them,
     * Ctrl-L to clear the screen. Only a chat on a terminal loads JLine: a question given
     * as an argument, or piped, starts as fast as without it.
     */
    static final class LineEditor implements Lines {
        private final org.jline.terminal.Terminal terminal;
        private final LineReader reader;

        private LineEditor(org.jline.terminal.Terminal terminal, LineReader reader) {
            this.terminal = terminal;
            this.reader = reader;
        }

        /** A line editor on this terminal, its history kept in {@code history} (null: in memory only). */
        static Lines open(Path history, Terminal fallback) {
            org.jline.terminal.Terminal terminal;
            try {
                // Its prompt and echo go to stderr, like ours; stdout stays for the answer.
                // Ctrl-C stays with the stop button (see installStopButton): with native
                // signals, JLine would take it over at each prompt and give it back unset.
                // No grapheme-cluster probe: waiting for its answer eats what you typed ahead.
                terminal = TerminalBuilder.builder().system(true).dumb(false)
                        .systemOutput(TerminalBuilder.SystemOutput.SysErrOrSysOut)
                        .nativeSignals(false).graphemeCluster(false).build();
            } catch (IOException | RuntimeException e) {
                return new PlainLines(fallback); // typing still works, without editing
            }
            LineReaderBuilder reader = LineReaderBuilder.builder().terminal(terminal)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // "!" and "\" are text, not commands
                    .option(LineReader.Option.INSERT_TAB, true) // Tab types a tab: there is nothing to complete
                    .variable(LineReader.DISABLE_HISTORY, true); // whole messages are kept by remember()
            if (history != null && keptPrivate(history, fallback)) {
                reader.variable(LineReader.HISTORY_FILE, history);
            }
            return new LineEditor(terminal, reader.build());
        }

        /** The history holds what you typed: readable by you only, like the conversations. */
        private static boolean keptPrivate(Path history, Terminal fallback) {
            try {
                if (createPrivateFolder(history.toAbsolutePath().getParent())) {
                    createPrivateFile(history);
                    // A history file from before this rule is made private too.
                    Files.setPosixFilePermissions(history, PosixFilePermissions.fromString("rw-------"));
                }
                return true;
            } catch (IOException e) {
                fallback.note("Up and Ctrl-R will find this chat's messages only: " + history + " could not be "
                        + "written (" + describe(e) + ").");
                return false;
            }
        }

        @Override
        public String read(String prompt) {
            try {
                return reader.readLine(prompt);
            } catch (UserInterruptException | EndOfFileException e) {
                return null; // Ctrl-D at the prompt (Ctrl-C is a signal: the stop button ends the chat)
            }
        }

        @Override
        public void remember(String message) {
            reader.setVariable(LineReader.DISABLE_HISTORY, false);
            reader.getHistory().add(message); // written to the history file at once
            reader.setVariable(LineReader.DISABLE_HISTORY, true);
        }

        @Override
        public void close() {
            try {
                terminal.close();
            } catch (IOException e) {
                // The chat is over; the terminal is given back to the shell either way.
            }
        }
    }

    /** One chat session: a client, a conversation, where it is saved, and a terminal. */
    public static final class Chat {
        private GroqClient client;
        private Conversation conversation;
        private final ConversationStore store;
        private final Terminal terminal;
        private final boolean quiet;
        private int leftOut;
        private long contextWindow;
        private volatile boolean answering;
        private volatile boolean stopRequested;
        /** Where Up and Ctrl-R find earlier messages, $BNAGPT_HOME/history; null: kept in memory only. */
        private Path history;
        /** The last save failed: the conversation on disk is behind. */
        private volatile boolean unsaved;
        /** In a chat (loop), not a single question: a failed save is followed by more turns. */
        private boolean chatting;

        /**
         * How often a growing answer is saved. For safety: a crash (kill -9, a power cut) in the
         * middle of a long answer loses at most this much of it. The question itself is saved
         * before it is sent.
         */
        static final Duration SAVE_EVERY = Duration.ofSeconds(3);

        Chat(GroqClient client, Conversation conversation, ConversationStore store, Terminal terminal,
             boolean quiet) {
            this.client = client;
            this.conversation = conversation;
            this.store = store;
            this.terminal = terminal;
            this.quiet = quiet;
            conversation.model(client.config().model());
        }

        /** Builds the session the options ask for: new or continued, with an assistant or not. */
        static Chat open(Options options, GroqClient client, Terminal terminal) {
            ConversationStore store = new ConversationStore(options.home());
            Conversation conversation = new Conversation();
            if (options.conversationId() != null) {
                conversation = store.load(options.conversationId());
            } else if (options.continueLast()) {
                conversation = store.latest();
                if (conversation == null) {
                    throw new ChatException("There is no saved conversation to continue yet.");
                }
            }
            if (options.modelFlag() == null && conversation.model() != null) {
                client = client.withModel(conversation.model());
            }
            if (options.assistant() != null) {
                Assistant assistant = Assistant.find(options.assistant(), options.home());
                conversation.system(assistant.instructions());
                if (options.modelFlag() == null && assistant.model() != null) {
                    client = client.withModel(assistant.model());
                }
                if (terminal.interactive) {
                    terminal.note("Assistant: " + assistant.name());
                }
            }
            if (options.system() != null) {
                conversation.system(options.system());
            }
            if (options.json()) {
                conversation.json(true);
            }
            Chat chat = new Chat(client, conversation, options.save() ? store : null, terminal, options.quiet());
            chat.history = options.save() ? options.home().resolve("history") : null; // --no-save: nothing written
            return chat;
        }

        /** Piped input is read up to this size: more than any model can read in one request. */
        static final int MAX_PIPED_INPUT = 4 << 20;

        /**
         * Piped input is one prompt, as in `git diff | chat "review this"`: the question
         * given as an argument, a blank line, then the input. Either alone is the prompt;
         * null when there is neither.
         */
        static String withPipedInput(String question, InputStream piped) {
            byte[] bytes;
            try {
                bytes = piped.readNBytes(MAX_PIPED_INPUT + 1);
            } catch (IOException e) {
                throw new ChatException("Could not read the piped input: " + describe(e) + ".");
            }
            if (bytes.length > MAX_PIPED_INPUT) {
                throw new ChatException("The piped input is over " + mebibytes(MAX_PIPED_INPUT) + ", more than a "
                        + "model reads in one request: pipe in a part of it.", 2);
            }
            String input = new String(bytes, StandardCharsets.UTF_8).stripTrailing();
            if (input.isBlank()) {
                return question;
            }
            return question == null ? input : question + "\n\n" + input;
        }

        /** A single question: the answer to stdout, exit status 0 if it arrived whole. */
        int oneShot(String prompt) {
            installStopButton();
            Reply reply = answer(prompt);
            return statusIfSaved(reply.complete() ? 0 : stopRequested ? 130 : 1);
        }

        /** Step 4 and 7: read a message per line until the input ends, /exit or Ctrl-C. */
        int loop() {
            chatting = true;
            // On a terminal, JLine edits the line (arrows, history, Ctrl-R). It is built
            // before the stop button is installed: building it resets Ctrl-C's handler.
            try (Lines input = terminal.interactive ? LineEditor.open(history, terminal) : new PlainLines(terminal)) {
                installStopButton();
                // Step 4: the title.
                if (terminal.interactive) {
                    terminal.note("bnaGPT, chatting with " + client.config().model()
                            + ". /help for commands, Ctrl-D to end.");
                }
                // Step 6: show the messages we already have, when continuing a conversation.
                if (!conversation.messages().isEmpty()) {
                    showHistory();
                }
                int status = 0;
                while (true) {
                    String message = readMessage(input);
                    if (message == null || message.strip().equals("/exit")) {
                        sayGoodbye();
                        return statusIfSaved(status);
                    }
                    if (message.isBlank()) {
                        continue;
                    }
                    input.remember(message);
                    try {
                        if (message.startsWith("/")) {
                            command(message.strip());
                        } else {
                            Reply reply = answer(message);
                            status = reply.complete() ? 0 : 1;
                        }
                    } catch (ChatException e) {
                        terminal.error(e.getMessage());
                        if ("model_decommissioned".equals(e.code) || "model_not_found".equals(e.code)) {
                            terminal.note("In this chat, /model NAME switches to another model.");
                        }
                        status = e.exitCode;
                    }
                }
            }
        }

        /** One line; or, between two lines of three quotes, several lines as one message. */
        private String readMessage(Lines input) {
            String line = input.read(prompt("you> "));
            if (line == null || !line.strip().equals("\"\"\"")) {
                return line;
            }
            StringBuilder block = new StringBuilder();
            for (String next = input.read(prompt("...  ")); next != null && !next.strip().equals("\"\"\"");
                    next = input.read(prompt("...  "))) {
                block.append(block.length() > 0 ? "\n" : "").append(next);
            }
            return block.toString();
        }

        private String prompt(String text) {
            return terminal.paint("1;32", text);
        }

        /** The chat's slash commands. */
        private void command(String line) {
            String name = line.split("\\s+", 2)[0];
            String argument = line.contains(" ") ? line.substring(line.indexOf(' ') + 1).strip() : "";
            switch (name) {
                case "/help" -> terminal.note("""
                        /new            start a new conversation, with the same instructions, model and JSON mode
                        /list           saved conversations, newest first
                        /load ID        continue a saved conversation
                        /rename TITLE   give this conversation a title of your own
                        /delete [ID]    delete a saved conversation (no ID: this one, then start a new one)
                        /history        show this conversation
                        /system TEXT    set the instructions (empty: remove them)
                        /model NAME     switch model (no name: show the current one)
                        /json on|off    JSON mode
                        /exit           end (Ctrl-D and Ctrl-C at the prompt too)
                        \"\"\"             on a line of its own: start or end a message of several lines""");
                case "/new" -> {
                    Conversation previous = startNewConversation();
                    terminal.note("New conversation" + (previous.system() != null || previous.json()
                            ? ", with the same " + (previous.system() != null ? "instructions" : "")
                                    + (previous.system() != null && previous.json() ? " and " : "")
                                    + (previous.json() ? "JSON mode" : "")
                            : "") + ".");
                }
                case "/rename" -> {
                    if (conversation.messages().isEmpty()) {
                        throw new ChatException("Nothing to rename yet: this conversation has no messages.", 2);
                    }
                    conversation.rename(argument);
                    terminal.note("Renamed conversation " + conversation.id() + ": " + conversation.title() + ".");
                    save();
                }
                case "/delete" -> {
                    ConversationStore saved = storeOrSay();
                    if (saved != null) {
                        String id = argument.isEmpty() ? conversation.id() : argument;
                        boolean current = id.equals(conversation.id());
                        String title = saved.delete(id);
                        if (current) {
                            startNewConversation();
                        }
                        terminal.note("Deleted conversation " + id + " (" + title + ")."
                                + (current ? " A new conversation begins." : ""));
                    }
                }
                case "/list" -> {
                    ConversationStore saved = storeOrSay();
                    List<String> lines = saved == null ? List.of() : saved.list();
                    terminal.note(lines.isEmpty() ? "No saved conversations yet." : String.join("\n", lines));
                }
                case "/load" -> {
                    ConversationStore saved = storeOrSay();
                    if (saved != null) {
                        conversation = saved.load(argument);
                        if (conversation.model() != null) {
                            switchModel(conversation.model());
                        }
                        leftOut = 0;
                        showHistory();
                    }
                }
                case "/history" -> showHistory();
                case "/system" -> {
                    conversation.system(argument);
                    terminal.note(argument.isEmpty() ? "Instructions removed." : "Instructions set.");
                    save();
                }
                case "/model" -> {
                    if (argument.isEmpty()) {
                        terminal.note("Model: " + client.config().model());
                    } else {
                        switchModel(argument);
                        terminal.note("Model: " + argument);
                        save();
                    }
                }
                case "/json" -> {
                    if (!argument.equals("on") && !argument.equals("off")) {
                        throw new ChatException("Say /json on or /json off.", 2);
                    }
                    conversation.json(argument.equals("on"));
                    terminal.note("JSON mode " + argument + ".");
                    save();
                }
                default -> throw new ChatException("Unknown command " + name + ". /help lists them.", 2);
            }
        }

        /** /new, and /delete of this conversation: the same settings (instructions, model, JSON mode), no messages. */
        private Conversation startNewConversation() {
            Conversation previous = conversation;
            conversation = new Conversation();
            conversation.system(previous.system());
            conversation.model(client.config().model());
            conversation.json(previous.json());
            leftOut = 0;
            return previous;
        }

        private ConversationStore storeOrSay() {
            if (store == null) {
                terminal.note("Saving is off (--no-save).");
            }
            return store;
        }

        private void switchModel(String model) {
            client = client.withModel(model);
            conversation.model(model);
            contextWindow = 0;
        }

        /**
         * Step 6: print the messages so far. Indented and labelled ("you:", not the live
         * prompt "you>"), dimmed on a terminal, so the past does not look like the present.
         */
        private void showHistory() {
            if (conversation.system() != null) {
                showPast("instructions", conversation.system(), false);
            }
            for (Message message : conversation.messages()) {
                showPast(message.role().equals("user") ? "you" : "bnaGPT", message.content() + attached(message),
                        message.cut());
            }
        }

        /** What the devs app kept with a message, as text: "[image: cat.jpg]", a search and (20 of) its sources. */
        static String attached(Message message) {
            StringBuilder lines = new StringBuilder();
            JsonNode extra = message.extra() == null ? JSON.createObjectNode() : message.extra();
            for (JsonNode file : extra.path("attachments")) {
                lines.append("\n[").append(file.path("kind").asText("file")).append(": ")
                        .append(shorten(file.path("name").asText(""), 80)).append("]");
            }
            for (JsonNode run : extra.path("tools")) {
                lines.append("\n[").append(run.path("kind").asText("tool")).append(": ")
                        .append(shorten(run.path("input").asText("").replace('\n', ' '), 80)).append("]");
                int shown = 0;
                for (JsonNode source : run.path("sources")) {
                    if (shown++ < 20) {
                        lines.append("\n  ").append(shorten(source.path("title").asText("").replace('\n', ' '), 80))
                                .append(" - ").append(shorten(source.path("url").asText(""), 200));
                    }
                }
            }
            return lines.toString();
        }

        private void showPast(String who, String text, boolean cut) {
            String indented = terminal.shown(text).replace("\n", "\n" + " ".repeat(who.length() + 4));
            terminal.err.println(terminal.paint("2", "  " + who + ": " + indented + (cut ? " [cut]" : "")));
        }

        /** Step 7: add the user's message, stream the answer, keep it in the conversation. */
        Reply answer(String prompt) {
            // Step 7.1: add the new message to the conversation.
            conversation.add(Message.user(prompt));
            saveAlongTheWay(null); // for safety: on disk before it is sent
            // Step 7.3: ask Groq with the whole conversation, print each piece as it arrives.
            Spinner spinner = new Spinner(terminal);
            StringBuilder arrived = new StringBuilder(); // the pieces of one network read
            StreamListener printer = new StreamListener() {
                /** For safety: the answer so far (and what the model thought first), saved every SAVE_EVERY. */
                private final StringBuilder soFar = new StringBuilder();
                private final StringBuilder thoughtSoFar = new StringBuilder();
                private long lastSave = System.nanoTime();

                @Override
                public void onReasoning(String text) {
                    if (store != null) {
                        thoughtSoFar.append(text);
                    }
                }

                @Override
                public void onContent(String text) {
                    spinner.stop();
                    arrived.append(text);
                    if (store != null) {
                        soFar.append(text);
                    }
                }

                @Override
                public void onBatchEnd() { // print what one read brought, at once
                    terminal.printAnswer(arrived);
                    terminal.out.flush();
                    arrived.setLength(0);
                    if (soFar.length() > 0 && System.nanoTime() - lastSave >= SAVE_EVERY.toNanos()) {
                        saveAlongTheWay(new Message("assistant", soFar.toString(),
                                reasoningOrNull(thoughtSoFar.toString()), true));
                        lastSave = System.nanoTime();
                    }
                }

                @Override
                public void onRetry(String notice) {
                    spinner.stop();
                    terminal.note(notice);
                    spinner.start("waiting for " + client.config().model());
                }
            };
            Reply reply;
            stopRequested = false;
            answering = true;
            spinner.start("waiting for " + client.config().model());
            try {
                reply = sendFitting(printer);
            } catch (ChatException e) {
                conversation.removeLast(); // nothing was answered: the question can be asked again
                answering = false;
                save(); // without the question saved before it was sent
                throw e;
            } finally {
                spinner.stop();
            }
            terminal.out.println();
            terminal.out.flush();
            if (reply.content().isEmpty() && !reply.complete()) {
                conversation.removeLast();
            } else {
                // The reasoning is kept with the answer (never sent again): the stream bounded both together.
                conversation.add(new Message("assistant", reply.content(), reasoningOrNull(reply.reasoning()),
                        !reply.complete()));
            }
            save();
            answering = false; // only now may Ctrl-C end the chat: this turn is saved
            if (!reply.complete()) {
                terminal.error(reply.interruption() + (reply.content().isEmpty() ? "" : " What arrived is kept."));
            }
            showSpeed(reply);
            return reply;
        }

        /**
         * Sends the conversation, leaving out its oldest turns when it no longer fits
         * the model's context window (never the instructions). The window comes from
         * GET /models, looked up the first time the server says "too long".
         */
        private Reply sendFitting(StreamListener printer) {
            int told = leftOut;
            for (int tries = 0; ; tries++) {
                int before = leftOut;
                if (contextWindow > 0) {
                    fitInto(contextWindow);
                }
                if (leftOut > told) {
                    printer.onRetry("The conversation is longer than " + client.config().model() + " can read"
                            + (contextWindow > 0 ? String.format(" (%,d tokens)", contextWindow) : "") + ": the "
                            + leftOut + " oldest messages are left out of the request. They stay saved.");
                    told = leftOut;
                }
                try {
                    ResponseFormat format = conversation.json() ? ResponseFormat.JSON : ResponseFormat.TEXT;
                    return client.stream(requestMessages(), format, printer);
                } catch (ChatException e) {
                    if (!"context_length_exceeded".equals(e.code) || tries >= 3) {
                        throw e;
                    }
                    if (contextWindow == 0) {
                        contextWindow = lookUpContextWindow();
                    }
                    if (contextWindow > 0) {
                        fitInto(contextWindow);
                    }
                    if (leftOut == before) {
                        leaveOut((conversation.messages().size() - leftOut) / 2); // still too long: halve
                    }
                    if (leftOut == before) {
                        throw e; // only the newest message is left and it still does not fit
                    }
                }
            }
        }

        /** The messages of the next request: the instructions first, then the turns that fit. */
        List<Message> requestMessages() {
            List<Message> request = new ArrayList<>();
            String system = conversation.system();
            if (conversation.json() && !mentionsJson(system)) {
                // Groq's JSON mode refuses a request whose messages never mention JSON.
                system = (system == null ? "" : system + "\n\n") + "Answer with one JSON object.";
            }
            if (system != null) {
                request.add(Message.system(system));
            }
            for (Message message : conversation.messages().subList(leftOut, conversation.messages().size())) {
                // Role and content only: a saved reasoning is the model's own aside, never sent back to it.
                request.add(new Message(message.role(), message.content()));
            }
            return request;
        }

        /** Only the messages that are sent count: a left-out one that mentioned JSON does not. */
        private boolean mentionsJson(String system) {
            return (system != null && system.toLowerCase().contains("json"))
                    || conversation.messages().subList(leftOut, conversation.messages().size()).stream()
                            .anyMatch(m -> m.content().toLowerCase().contains("json"));
        }

        /** Leaves out the oldest turns until the request fits, keeping a quarter of the window for the answer. */
        private void fitInto(long window) {
            long budget = window - Math.min(window / 4, 8192);
            while (estimateTokens(requestMessages()) > budget && leaveOut(1)) {
                // each pass leaves out one more of the oldest turns
            }
        }

        /** Leaves out {@code count} more of the oldest messages, then up to the next question. */
        private boolean leaveOut(int count) {
            List<Message> messages = conversation.messages();
            int newest = messages.size() - 1;
            int target = Math.min(leftOut + Math.max(count, 1), newest);
            while (target < newest && !messages.get(target).role().equals("user")) {
                target++;
            }
            boolean moved = target > leftOut;
            leftOut = target;
            return moved;
        }

        private long lookUpContextWindow() {
            try {
                String model = client.config().model();
                return client.models().stream().filter(m -> m.id().equals(model))
                        .mapToLong(Model::contextWindow).findFirst().orElse(0);
            } catch (ChatException e) {
                return 0;
            }
        }

        /** Roughly four characters a token, plus a few for each message's framing. */
        static long estimateTokens(List<Message> messages) {
            return messages.stream().mapToLong(m -> m.content().length() / 4 + 4).sum();
        }

        /**
         * Saves after each change. A failed save does not end the chat (the next may work),
         * but a run that ends with its conversation unsaved ends with status 1.
         */
        private void save() {
            if (store == null) {
                return;
            }
            try {
                if (conversation.messages().isEmpty()) { // its one question was saved, then not answered
                    store.forget(conversation);
                    return;
                }
                String notice = store.save(conversation);
                if (notice != null) {
                    terminal.note(notice);
                }
                unsaved = false;
            } catch (ChatException e) {
                unsaved = true;
                terminal.error(e.getMessage() + (chatting ? " The chat goes on; unless a later save works, it will "
                        + "end with status 1." : ""));
            }
        }

        /** A reply's reasoning as a message keeps it: null when the model thought nothing aloud. */
        private static String reasoningOrNull(String reasoning) {
            return reasoning == null || reasoning.isEmpty() ? null : reasoning;
        }

        /**
         * A save in the middle of a turn: the question before it is sent, or the answer so far
         * (PARTIAL, marked cut until it is whole). A failure is not said here: the save that
         * ends the turn says it, if it fails too.
         */
        private void saveAlongTheWay(Message partial) {
            if (store == null) {
                return;
            }
            if (partial != null) {
                conversation.add(partial);
            }
            try {
                String notice = store.save(conversation);
                if (notice != null) {
                    terminal.note(notice);
                }
            } catch (ChatException e) {
                // said at the end of the turn
            } finally {
                if (partial != null) {
                    conversation.removeLast();
                }
            }
        }

        /** The exit status of a run that went well: 1 when its conversation could not be saved. */
        private int statusIfSaved(int status) {
            return status == 0 && unsaved ? 1 : status;
        }

        /** Speed you can see: Groq's own token count and rate, and how long the first token took. */
        private void showSpeed(Reply reply) {
            if (quiet || reply.usage() == null) {
                return;
            }
            Usage usage = reply.usage();
            String firstToken = reply.timeToFirstToken() == null ? ""
                    : String.format(", first token after %.2f s", reply.timeToFirstToken().toMillis() / 1000.0);
            terminal.note(String.format("[%,d tokens at %,.0f tokens/s%s]", usage.completionTokens(),
                    usage.tokensPerSecond(), firstToken));
        }

        /**
         * The stop button. Ctrl-C during an answer stops that answer and the chat goes
         * on; at the prompt it ends the chat, which is saved already. sun.misc.Signal is
         * the JDK's one way to catch Ctrl-C and keep running.
         */
        private void installStopButton() {
            try {
                Signal.handle(new Signal("INT"), signal -> {
                    if (answering) {
                        stopAnswer();
                    } else {
                        terminal.err.println();
                        sayGoodbye();
                        terminal.out.flush();
                        System.exit(statusIfSaved(0));
                    }
                });
            } catch (IllegalArgumentException e) {
                // No signals here (some IDE consoles): Ctrl-C keeps its usual meaning.
            }
        }

        /** Stops the answer that streams: what arrived is kept, marked cut (the stop button, and ask(...)). */
        void stopAnswer() {
            stopRequested = true;
            client.cancel();
        }

        private void sayGoodbye() {
            if (terminal.interactive && store != null && !conversation.messages().isEmpty() && !unsaved) {
                terminal.note("Saved as " + conversation.id() + ". Continue it with: ./jbang chat -c");
            }
        }
    }

    // ---------------------------------------------------------------------------------
    // For JShell and notebooks: ask("hi") streams an answer and remembers the chat.
    // ---------------------------------------------------------------------------------

    private static Chat playground;

    /**
     * Asks with memory of earlier ask(...) calls; configuration comes from the environment. Not
     * saved. Ctrl-C in JShell stops the answer: what arrived is returned, and "[cut]" printed.
     */
    public static synchronized String ask(String prompt) {
        if (playground == null) {
            Terminal terminal = new Terminal(System.out, System.err, false, false);
            playground = new Chat(new GroqClient(Config.fromEnvironment()), new Conversation(), null, terminal, true);
        }
        Chat chat = playground;
        // JShell's Ctrl-C throws an Error (ThreadDeath) into the thread that runs the statement,
        // wherever it is. So the answer streams on a thread of its own, and the Error lands here,
        // in a wait: it works as the chat's stop button then, and what arrived is kept.
        FutureTask<Reply> answer = new FutureTask<>(() -> chat.answer(prompt));
        Thread streaming = new Thread(answer, "bnagpt-ask");
        streaming.setDaemon(true);
        streaming.start();
        Reply reply;
        try {
            reply = outcome(answer);
        } catch (Error | InterruptedException stop) {
            chat.stopAnswer();
            reply = outcomeWhenStopped(answer);
        }
        if (!reply.complete()) {
            System.out.println("[cut]");
        }
        return reply.content();
    }

    /** The reply of an ask(...), or the ChatException that ended it. */
    private static Reply outcome(FutureTask<Reply> answer) throws InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The same, once stopped: the answer ends within moments, so a second Ctrl-C waits for it too. */
    private static Reply outcomeWhenStopped(FutureTask<Reply> answer) {
        while (true) {
            try {
                return outcome(answer);
            } catch (Error | InterruptedException again) {
                // stopping already
            }
        }
    }

    /** Starts the ask(...) conversation over. */
    public static synchronized void forget() {
        playground = null;
    }

    // ---------------------------------------------------------------------------------
    // Small helpers.
    // ---------------------------------------------------------------------------------

    /**
     * Start-up speed. JBang's //CDS records the classes one run loads into an archive,
     * the first time the script runs after a build, and maps that archive at every later
     * start: a warm start then takes about half the time. If the recorded run were
     * --help, or stopped at a missing key, the archive would lack OkHttp and Jackson and
     * every later start would be slow. So while the archive is being recorded we walk
     * once through a whole request, against a throwaway server on this machine.
     */
    static final class StartupArchive {
        static void trainIfRecording() {
            boolean recording = ProcessHandle.current().info().arguments()
                    .map(args -> List.of(args).stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit")))
                    .orElse(false);
            if (!recording) {
                return;
            }
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread replier = new Thread(() -> replyOnce(server));
                replier.start();
                Config config = new Config(null, "http://127.0.0.1:" + server.getLocalPort() + "/v1", "warm-up");
                new GroqClient(config).stream(List.of(Message.user("hi")), text -> { });
                replier.join();
                new GroqClient(new Config("warm-up", GROQ_URL, "warm-up")); // Groq's https: TLS classes too
            } catch (IOException | RuntimeException | InterruptedException e) {
                // Only start-up speed is at stake: carry on.
            }
        }

        private static void replyOnce(ServerSocket server) {
            try (Socket socket = server.accept()) {
                BufferedReader request = new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                int length = 0;
                for (String header = request.readLine(); header != null && !header.isEmpty();
                        header = request.readLine()) {
                    if (header.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(header.substring(15).strip());
                    }
                }
                request.skip(length);
                String stream = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                        + "\"x_groq\":{\"usage\":{\"completion_tokens\":1,\"completion_time\":0.001}}}\n\n"
                        + "data: [DONE]\n\n";
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                        + "Connection: close\r\n\r\n" + stream).getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                // The client side notices and gives up; nothing to do here.
            }
        }
    }

    static String describe(IOException e) {
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof InterruptedIOException) {
            return "timed out";
        }
        if (e instanceof FileSystemException f && f.getReason() == null) {
            // The JDK's message is then only the file's name: say what happened to it.
            String what = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "a file is in the way"
                    : e instanceof NoSuchFileException ? "it does not exist" : "it failed";
            return what + ": " + f.getFile();
        }
        if (e instanceof EOFException || e.getMessage() == null) {
            return "the server closed the connection";
        }
        return e.getMessage();
    }

    /** A size as sentences give it: 8388608 as "8 MiB", a little over 17 MiB as "17.0 MiB", 1000 as "1000 bytes". */
    static String mebibytes(long bytes) {
        if (bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return bytes < 1 << 20 ? bytes + " bytes" : String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    static String shorten(String text) {
        return shorten(text, 120);
    }

    static String shorten(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length) + "...";
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
