package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import bnagpt.chat.Terminal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Text from outside, as a terminal shows it: every character a terminal would obey is
 * made visible (Terminal.visible), everything else is left exactly as it was.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class VisibleTextTest {

    @Test
    void escape_sequences_show_as_text_in_caret_notation() {
        assertEquals("^[]0;pwned^G title, ^[[2J clear, ^[]52;c;aGk=^G clipboard",
                Terminal.visible("\033]0;pwned\007 title, \033[2J clear, \033]52;c;aGk=\007 clipboard"));
    }

    @Test
    void a_hyperlink_shows_its_target() {
        assertEquals("^[]8;;http://evil.example^[\\click^[]8;;^[\\",
                Terminal.visible("\033]8;;http://evil.example\033\\click\033]8;;\033\\"));
    }

    @Test
    void newline_and_tab_stay_and_other_controls_show() {
        assertEquals("a\tb\nc^Md^He^@f^?", Terminal.visible("a\tb\nc\rd\be\0f\177"));
    }

    @Test
    void C1_controls_show_by_their_code_point() {
        assertEquals("<U+009B>31mred <U+0085>", Terminal.visible("\u009b31mred \u0085"));
    }

    @Test
    void bidi_overrides_and_isolates_show_by_their_code_point() {
        assertEquals("admin<U+202E>txt.exe<U+202C> <U+2066>x<U+2069>",
                Terminal.visible("admin\u202etxt.exe\u202c \u2066x\u2069"));
    }

    @Test
    void an_escape_sequence_split_across_two_pieces_of_a_stream_is_caught_in_both() {
        assertEquals("^[" + "[31mred", Terminal.visible("\033") + Terminal.visible("[31mred"));
    }

    @Test
    void the_answer_on_a_terminal_is_made_visible_and_on_a_pipe_kept_byte_for_byte() {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        ByteArrayOutputStream pipe = new ByteArrayOutputStream();

        terminal(screen, true, new ByteArrayOutputStream(), false).printAnswer("red \033[31m!");
        terminal(pipe, false, new ByteArrayOutputStream(), false).printAnswer("red \033[31m!");

        assertEquals("red ^[[31m!", text(screen));
        assertEquals("red \033[31m!", text(pipe));
    }

    /** Errors quote the server, notes quote files: on a terminal, both are made visible. */
    @Test
    void errors_and_notes_on_a_terminal_are_made_visible() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Terminal terminal = terminal(new ByteArrayOutputStream(), false, stderr, true);

        terminal.error("The server said: \033]52;c;aGk=\007.");
        terminal.note("Assistant: \033[2JPirate");

        assertEquals("The server said: ^[]52;c;aGk=^G.\nAssistant: ^[[2JPirate\n", text(stderr));
    }

    @Test
    void ordinary_text_is_the_same_string_unchanged() {
        String text = "Héllo, wörld: 你好 🚀 — ½ «quotes»\n\tindented";

        assertSame(text, Terminal.visible(text));
    }

    /** No colours: what is checked is the text itself. */
    private static Terminal terminal(ByteArrayOutputStream out, boolean outIsTerminal, ByteArrayOutputStream err,
                                     boolean errIsTerminal) {
        return new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, false, false, outIsTerminal, errIsTerminal);
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
