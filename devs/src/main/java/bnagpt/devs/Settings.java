package bnagpt.devs;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * The article's settings.py: which server, which key, which model, where files go. All of
 * it from the environment, the same variables as chat.java: GROQ_API_KEY, GROQ_BASE_URL,
 * GROQ_MODEL, BNAGPT_HOME, and GROQ_VISION_MODEL (the model that sees images). The key is never a flag (a flag shows in the process list); the
 * key file chat.java keeps ($BNAGPT_HOME/key, yours alone) is read for Groq's URL only.
 */
public record Settings(String apiKey, String baseUrl, String model, Path home, long answerLimitBytes,
        String visionModel) {
    public static final String GROQ_URL = "https://api.groq.com/openai/v1";
    /** A model Groq serves today (the article's llama3-70b-8192 was retired in 2025). */
    public static final String DEFAULT_MODEL = "openai/gpt-oss-120b";
    /** Groq's one model that sees images today (GROQ_VISION_MODEL names another). */
    public static final String DEFAULT_VISION_MODEL = "qwen/qwen3.8-27b";
    /**
     * The most one answer may hold, content and thinking together (BNAGPT_MAX_ANSWER_MB): a
     * server that never stops cannot fill the memory, and what is saved stays under the 16 MiB
     * a saved conversation may hold.
     */
    public static final int DEFAULT_ANSWER_MB = 8;
    public static final int MOST_ANSWER_MB = 12;

    /** The default answer limit. */
    public Settings(String apiKey, String baseUrl, String model, Path home) {
        this(apiKey, baseUrl, model, home, (long) DEFAULT_ANSWER_MB << 20);
    }

    /** The default vision model. */
    public Settings(String apiKey, String baseUrl, String model, Path home, long answerLimitBytes) {
        this(apiKey, baseUrl, model, home, answerLimitBytes, DEFAULT_VISION_MODEL);
    }

    /** The model for Groq's built-in tools (search, code): GROQ_MODEL when it is a gpt-oss model, else ours. */
    public String toolModel() {
        return model.startsWith("openai/gpt-oss-") ? model : DEFAULT_MODEL;
    }

    public static Settings fromEnvironment(Map<String, String> env) {
        String baseUrl = orDefault(env.get("GROQ_BASE_URL"), GROQ_URL);
        String model = orDefault(env.get("GROQ_MODEL"), DEFAULT_MODEL);
        Path home = blank(env.get("BNAGPT_HOME")) ? Path.of(System.getProperty("user.home"), ".bnagpt")
                : Path.of(env.get("BNAGPT_HOME"));
        String key = blank(env.get("GROQ_API_KEY")) ? null : env.get("GROQ_API_KEY").strip();
        if (key == null && isGroq(baseUrl)) {
            key = readKeyFile(home.resolve("key"));
        }
        return new Settings(key, baseUrl, model, home, answerLimitMb(env.get("BNAGPT_MAX_ANSWER_MB")) << 20,
                orDefault(env.get("GROQ_VISION_MODEL"), DEFAULT_VISION_MODEL));
    }

    /** The same settings with another answer limit (ask's --max-answer-mb). */
    public Settings withAnswerLimitMb(String mebibytes) {
        return new Settings(apiKey, baseUrl, model, home, answerLimitMb(mebibytes) << 20, visionModel);
    }

    static long answerLimitMb(String value) {
        if (blank(value)) {
            return DEFAULT_ANSWER_MB;
        }
        try {
            long mb = Long.parseLong(value.strip());
            if (mb >= 1 && mb <= MOST_ANSWER_MB) {
                return mb;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new SettingsException("The answer limit (BNAGPT_MAX_ANSWER_MB or --max-answer-mb) is a whole number of "
                + "MiB from 1 to " + MOST_ANSWER_MB + ", not \"" + value.strip() + "\".");
    }

    /** Groq's own server: https and the host api.groq.com, not a look-alike. */
    public static boolean isGroq(String url) {
        try {
            URI uri = URI.create(url);
            return "https".equals(uri.getScheme()) && "api.groq.com".equals(uri.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean groq() {
        return isGroq(baseUrl);
    }

    /** The server's address as sentences show it: without a user name and password written into it. */
    public String shownBaseUrl() {
        return baseUrl.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*:/+)?[^/?#]*@", "$1");
    }

    /** The key file's key, or null. A file other users may read is refused, as ssh refuses such a private key. */
    static String readKeyFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (!Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE).containsAll(permissions)) {
                    throw new SettingsException("Your key file " + file + " is open to other users of this machine, "
                            + "so it was not used. Make it yours alone with: chmod 600 " + file);
                }
            }
            if (Files.size(file) > 1024) {
                throw new SettingsException("Your key file " + file + " holds more than a key. Put your key alone in it.");
            }
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            return key.isEmpty() ? null : key;
        } catch (IOException e) {
            throw new SettingsException("Could not read your key file " + file + " (" + e.getClass().getSimpleName() + ").");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String orDefault(String value, String fallback) {
        return blank(value) ? fallback : value.strip();
    }

    /** Never print the key, not even by accident in a log of this record. */
    @Override
    public String toString() {
        return "Settings[baseUrl=" + shownBaseUrl() + ", model=" + model + ", visionModel=" + visionModel + ", apiKey=" + (apiKey == null ? "none" : "set")
                + ", home=" + home + ", answerLimitBytes=" + answerLimitBytes + "]";
    }

    /** The settings cannot be used as they are; the message says why and what to do. */
    public static final class SettingsException extends RuntimeException {
        public SettingsException(String sentence) {
            super(sentence, null, false, false);
        }
    }
}
