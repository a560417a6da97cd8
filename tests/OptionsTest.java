package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.ChatException;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The command line, read strictly: a flag says what it means, or the chat says what is wrong. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OptionsTest {
    private static final Map<String, String> ENV = Map.of("BNAGPT_HOME", "/nonexistent/bnagpt-home");

    @Test
    void help_shows_the_commands_as_the_readme_teaches_them() throws Exception {
        String help = chat.Options.HELP;
        String readme = java.nio.file.Files.readString(Repo.file("README.md"));

        assertFalse(help.contains("chat.java"), help);
        for (String usage : help.lines().filter(line -> line.startsWith("  ./jbang chat")).toList()) {
            String command = usage.strip().split("  ")[0].split(" \"")[0]; // its flags, without text or explanation
            assertTrue(readme.contains(command + " ") || readme.contains(command + "`"), command + " is not in the README");
        }
        assertTrue(help.contains("  ./jbang chat \"your question\""), help);
        assertTrue(help.contains("  git diff | ./jbang chat \"review this\""), help);
    }

    @Test
    void a_switch_given_a_value_is_refused_rather_than_turned_on() {
        ChatException refused = assertThrows(ChatException.class, () -> parse("--json=false", "Hi"));

        assertEquals(2, refused.exitCode);
        assertEquals("--json takes no value: write --json alone to turn it on, or leave it out. See --help.",
                refused.getMessage());
    }

    @Test
    void no_save_given_a_value_is_refused_rather_than_turning_saving_off() {
        ChatException refused = assertThrows(ChatException.class, () -> parse("--no-save=false", "Hi"));

        assertEquals(2, refused.exitCode);
        assertTrue(refused.getMessage().startsWith("--no-save takes no value"), refused.getMessage());
    }

    @Test
    void an_empty_model_after_an_equals_sign_is_refused() {
        ChatException refused = assertThrows(ChatException.class, () -> parse("--model=", "Hi"));

        assertEquals(2, refused.exitCode);
        assertEquals("--model needs a value, and was given none. See --help.", refused.getMessage());
    }

    @Test
    void an_empty_model_as_the_next_argument_is_refused() {
        ChatException refused = assertThrows(ChatException.class, () -> parse("-m", "", "Hi"));

        assertEquals(2, refused.exitCode);
        assertEquals("-m needs a value, and was given none. See --help.", refused.getMessage());
    }

    @Test
    void a_flag_at_the_end_without_its_value_is_refused() {
        ChatException refused = assertThrows(ChatException.class, () -> parse("Hi", "--system"));

        assertEquals(2, refused.exitCode);
    }

    @Test
    void values_after_an_equals_sign_or_as_the_next_argument_mean_the_same() {
        chat.Options inline = parse("--model=qwen/qwen3-32b", "--system=Be brief.", "Hi");
        chat.Options apart = parse("-m", "qwen/qwen3-32b", "-s", "Be brief.", "Hi");

        assertEquals("qwen/qwen3-32b", inline.config().model());
        assertEquals(inline.config().model(), apart.config().model());
        assertEquals("Be brief.", inline.system());
        assertEquals(inline.system(), apart.system());
    }

    @Test
    void switches_are_off_unless_given() {
        chat.Options plain = parse("Hi");
        chat.Options all = parse("--json", "--no-save", "-q", "-c", "Hi");

        assertFalse(plain.json());
        assertTrue(plain.save());
        assertTrue(all.json());
        assertFalse(all.save());
        assertTrue(all.quiet());
        assertTrue(all.continueLast());
    }

    @Test
    void repl_with_a_question_as_an_argument_is_refused() {
        ChatException refused = assertThrows(ChatException.class, () -> parse("--repl", "Hi"));

        assertEquals(2, refused.exitCode);
        assertTrue(refused.getMessage().startsWith("--repl reads every message from stdin"), refused.getMessage());
    }

    private static chat.Options parse(String... args) {
        return chat.Options.parse(args, ENV);
    }
}
