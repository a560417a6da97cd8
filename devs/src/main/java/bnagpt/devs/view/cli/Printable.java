package bnagpt.devs.view.cli;

/**
 * Text from outside (the answer, a search's titles and addresses, code and what it printed)
 * made safe to print: a terminal obeys control characters instead of showing them, so a
 * server could move the cursor, rewrite earlier lines, change the window's title or hide
 * text. Every C0 control but newline and tab, DEL and the C1 controls (U+0080 to U+009F,
 * which some terminals read as ESC sequences) are shown in caret notation as {@code cat -v}
 * does (ESC is ^[, CR ^M), and the bidi overrides that reorder what you read ("Trojan
 * Source") as <U+202E>. Character by character, so a sequence split across two pieces of a
 * stream is caught all the same. chat.java's Terminal.visible does the same.
 */
final class Printable {
    private Printable() {}

    static String of(CharSequence text) {
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
                shown.append(replacement != null ? replacement : String.valueOf(c));
            }
        }
        return shown == null ? text.toString() : shown.toString();
    }

    /** Printable, on one line, and at most MOST characters: a title, an address, a search. */
    static String line(String text, int most) {
        String one = of(text.replace('\n', ' ').replace('\t', ' ')).strip();
        return one.length() <= most ? one : one.substring(0, most - 3) + "...";
    }

    /** Printable, and at most MOST characters, saying how many more there were: code and its output. */
    static String block(String text, int most) {
        String shown = of(text);
        return shown.length() <= most ? shown
                : shown.substring(0, most) + "\n(" + (shown.length() - most) + " more characters not shown)";
    }
}
