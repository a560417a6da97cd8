package bnagpt.devs.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The assistants on offer: the files in a few folders ($BNAGPT_HOME/assistants, then the
 * repository's ./assistants), in chat.java's two formats. A Markdown file with optional
 * front matter:
 *
 * <pre>
 *   ---
 *   name: Captain Byte
 *   model: openai/gpt-oss-20b
 *   ---
 *   You are Captain Byte, a cheerful pirate ...
 * </pre>
 *
 * or a JSON file {"name", "instructions", "model"}. A caller names an assistant by its id
 * and only ever gets one of those listed here, so no caller can make us read a file of its
 * choosing. Each file is read with care: a link is not followed, a file over
 * {@link #MAX_FILE} bytes, without instructions or not well formed is simply not offered.
 */
public final class AssistantShelf {
    public static final int MAX_FILE = 64 * 1024;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Path> folders;

    /** FOLDERS in order of precedence: an id found in the first hides the same id in the next. */
    public AssistantShelf(List<Path> folders) {
        this.folders = List.copyOf(folders);
    }

    /** The assistants as they are on disk now, by id. Files are re-read: an edit shows at the next call. */
    public List<Assistant> list() {
        Map<String, Assistant> found = new TreeMap<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
                for (Path file : files) {
                    read(file).ifPresent(assistant -> found.putIfAbsent(assistant.id(), assistant));
                }
            } catch (IOException e) {
                // a folder we cannot list offers nothing
            }
        }
        return new ArrayList<>(found.values());
    }

    /** The assistant with this ID, if one is on offer. */
    public Optional<Assistant> find(String id) {
        return list().stream().filter(assistant -> assistant.id().equals(id)).findFirst();
    }

    private static Optional<Assistant> read(Path file) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String id = dot < 0 ? "" : fileName.substring(0, dot);
        String extension = dot < 0 ? "" : fileName.substring(dot + 1);
        if (!ID.matcher(id).matches() || !(extension.equals("md") || extension.equals("json"))
                || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(MAX_FILE + 1); // bounded even if the file grows while we read
            if (bytes.length > MAX_FILE) {
                return Optional.empty();
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            Assistant assistant = extension.equals("json") ? fromJson(id, text) : fromMarkdown(id, text);
            return assistant.instructions().isBlank() ? Optional.empty() : Optional.of(assistant);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a broken file is simply not offered
        }
    }

    private static Assistant fromJson(String id, String text) throws IOException {
        JsonNode node = JSON.readTree(text);
        if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
        }
        String instructions = node.hasNonNull("instructions") ? node.get("instructions").asText()
                : node.path("system").asText(""); // chat.java's older key
        return new Assistant(id, text(node.path("name").asText(""), id), instructions.strip(),
                text(node.path("model").asText(""), null));
    }

    /** Optional front matter between two lines of "---", then the instructions. */
    private static Assistant fromMarkdown(String id, String text) {
        String name = id;
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
                        name = text(value, id);
                    } else if (key.equals("model")) {
                        model = text(value, null);
                    }
                }
                body = String.join("\n", lines.subList(end + 1, lines.size()));
            }
        }
        return new Assistant(id, name, body.strip(), model);
    }

    private static String text(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value.strip();
    }
}
