package bnagpt.devs.view.web;

import bnagpt.devs.model.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The private file that opens the page, as Jupyter opens its own: a form that posts this
 * run's secret to the server. The browser is started with the file's path, so the secret
 * is never on a command line (which every user of the machine can read) nor in an address
 * (which the browser's history keeps). The file is its owner's alone, and deleted when the
 * server stops.
 */
final class LaunchFile {
    private LaunchFile() {}

    /** Writes FOLDER/page-PORT.html for the server at ORIGIN, and returns its path. */
    static Path write(Path folder, String origin, int port, String secret) throws IOException {
        Path file = folder.resolve("page-" + port + ".html");
        String html = """
                <!doctype html>
                <meta charset="utf-8">
                <title>Opening bnaGPT</title>
                <!-- This run's secret for bnaGPT's page: keep this file to yourself. -->
                <form method="post" action="%s/login">
                  <input type="hidden" name="secret" value="%s">
                  <button type="submit">Open bnaGPT</button>
                </form>
                <script>document.forms[0].submit();</script>
                """.formatted(origin, secret);
        PrivateFiles.write(file, html.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // It holds a secret that dies with this run: a file left behind opens nothing.
        }
    }
}
