package bnagpt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** `./jbang test WORD` runs the test classes whose name contains WORD, as the README says. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TestFilterTest {

    @Test
    void the_full_name_of_a_test_class_picks_it() {
        assertTrue(picks("StreamParserTest", "bnagpt.StreamParserTest"));
    }

    @Test
    void a_part_of_the_name_picks_it() {
        assertTrue(picks("Stream", "bnagpt.StreamParserTest"));
        assertTrue(picks("Parser", "bnagpt.StreamParserTest"));
    }

    @Test
    void no_word_picks_every_test_class() {
        assertTrue(picks("", "bnagpt.StreamParserTest"));
    }

    @Test
    void a_class_whose_name_lacks_the_word_is_left_out() {
        assertFalse(picks("StreamParserTest", "bnagpt.GroqClientTest"));
    }

    @Test
    void a_class_not_named_like_a_test_is_left_out() {
        assertFalse(picks("Clients", "bnagpt.Clients"));
    }

    @Test
    void the_word_is_taken_literally() {
        assertFalse(picks(".*", "bnagpt.StreamParserTest"));
    }

    private static boolean picks(String word, String className) {
        return className.matches(run.testClassPattern(word));
    }
}
