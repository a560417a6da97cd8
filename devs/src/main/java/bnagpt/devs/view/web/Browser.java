package bnagpt.devs.view.web;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Opens a file in the browser, where the machine has one to show. Never waits for it. */
final class Browser {
    private Browser() {}

    /** The command that opens FILE, or null where nobody could look at it (no screen, CI). */
    static List<String> command(Path file, String os, Map<String, String> env) {
        String target = file.toUri().toString();
        String system = os.toLowerCase(Locale.ROOT);
        if (env.get("CI") != null) {
            return null;
        } else if (system.contains("mac")) {
            return List.of("open", target);
        } else if (system.contains("win")) {
            return List.of("rundll32", "url.dll,FileProtocolHandler", target);
        } else if (env.get("DISPLAY") != null || env.get("WAYLAND_DISPLAY") != null) {
            return List.of("xdg-open", target);
        }
        return null;
    }

    /** Opens FILE; says on ERR when that failed, so the printed address is used instead. */
    static void open(Path file, Map<String, String> env, PrintStream err) {
        List<String> command = command(file, System.getProperty("os.name"), env);
        if (command == null) {
            return;
        }
        try {
            new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            err.println("Could not open a browser (" + e.getMessage() + "): open the address above yourself.");
        }
    }
}
