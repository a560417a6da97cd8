package bnagpt.devs.view.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The page's own files: HTML, CSS, JavaScript and pictures, by name. Nothing else is ever
 * served, so no path the browser asks for can make the server read another file. They come
 * from the class path (the launcher's //FILES put them in the jar), or, in tests, from the
 * folder where they are written.
 */
final class PageFiles {
    /** Every file of the page, with its type. */
    static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("index.html", "text/html; charset=utf-8"),
            Map.entry("page.css", "text/css; charset=utf-8"),
            Map.entry("page.js", "text/javascript; charset=utf-8"),
            Map.entry("common.js", "text/javascript; charset=utf-8"),
            Map.entry("messages.js", "text/javascript; charset=utf-8"),
            Map.entry("sidebar.js", "text/javascript; charset=utf-8"),
            Map.entry("attachments.js", "text/javascript; charset=utf-8"),
            Map.entry("toolruns.js", "text/javascript; charset=utf-8"),
            Map.entry("documents.js", "text/javascript; charset=utf-8"),
            Map.entry("documents.css", "text/css; charset=utf-8"),
            Map.entry("logo.svg", "image/svg+xml"),
            Map.entry("user.svg", "image/svg+xml"),
            Map.entry("voice.js", "text/javascript; charset=utf-8"),
            Map.entry("voice.css", "text/css; charset=utf-8"));

    private final Path folder;

    /** FOLDER null: from the class path, under /web. */
    PageFiles(Path folder) {
        this.folder = folder;
    }

    /** The file's bytes, or null when the page has no file of that name. */
    byte[] read(String name) {
        if (!TYPES.containsKey(name)) {
            return null;
        }
        try {
            if (folder != null) {
                return Files.readAllBytes(folder.resolve(name));
            }
            try (InputStream in = PageFiles.class.getResourceAsStream("/web/" + name)) {
                return in == null ? null : in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The page's file " + name + " cannot be read", e);
        }
    }

    /**
     * The page, carrying this run's secret for its script to keep: what a browser gets once,
     * in answer to the private file's form or a printed address's code. The secret is hex,
     * so it needs no escaping in the attribute.
     */
    String pageWithSecret(String secret) {
        String html = new String(read("index.html"), StandardCharsets.UTF_8);
        return html.replace("<head>", "<head>\n<meta name=\"bnagpt-secret\" content=\"" + secret + "\">");
    }
}
