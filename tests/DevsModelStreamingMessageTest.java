package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.Message;
import bnagpt.devs.model.Source;
import bnagpt.devs.model.StreamingMessage;
import bnagpt.devs.model.ToolRun;
import java.util.List;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The answer being built (the article's StreamingMessage): bounded, content and reasoning
 * together, counted as they will be saved; cut once and for good, with the first reason.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsModelStreamingMessageTest {

    @Test
    void pieces_are_kept_in_order_apart_from_the_reasoning() {
        StreamingMessage answer = new StreamingMessage(1 << 20);

        answer.appendReasoning("Think");
        answer.append("Hello");
        answer.appendReasoning("ing.");
        answer.append(", world");

        assertEquals(new Message("assistant", "Hello, world", "Thinking.", false), answer.toMessage());
        assertNull(answer.cutReason());
    }

    @Test
    void an_answer_without_reasoning_keeps_none() {
        StreamingMessage answer = new StreamingMessage(100);
        answer.append("Hi");

        assertNull(answer.toMessage().reasoning());
    }

    @Test
    void past_the_limit_the_piece_is_refused_and_the_answer_is_cut_with_a_sentence() {
        StreamingMessage answer = new StreamingMessage(10);

        assertTrue(answer.append("12345"));
        assertTrue(answer.appendReasoning("abcde"));
        assertFalse(answer.append("!"), "content and reasoning count together");

        assertEquals("12345", answer.content());
        assertTrue(answer.isCut());
        assertTrue(answer.toMessage().cut());
        assertEquals("The answer passed 10 bytes, the most one answer may hold, so it was cut there.", answer.cutReason());
        assertEquals(10, answer.size());
    }

    @Test
    void the_limit_is_said_in_the_unit_that_suits_it() {
        StreamingMessage large = new StreamingMessage(8L << 20);
        StreamingMessage small = new StreamingMessage(64 << 10);

        large.append("x".repeat((8 << 20) + 1));
        small.append("x".repeat((64 << 10) + 1));

        assertEquals("The answer passed 8 MiB, the most one answer may hold, so it was cut there.", large.cutReason());
        assertEquals("The answer passed 64 KiB, the most one answer may hold, so it was cut there.", small.cutReason());
    }

    @Test
    void once_cut_nothing_more_is_added_and_the_first_reason_is_kept() {
        StreamingMessage answer = new StreamingMessage(1000);
        answer.append("Once upon");

        answer.cut("You stopped the answer.");
        answer.cut("The stream broke off.");

        assertFalse(answer.append(" a time"));
        assertFalse(answer.appendReasoning("more"));
        assertEquals("Once upon", answer.content());
        assertEquals("You stopped the answer.", answer.cutReason());
    }

    /** A quote takes 2 bytes in the file, a control character 6, an emoji 12: the limit counts what the store will write. */
    @Test
    void the_limit_counts_the_answer_as_it_will_be_saved() throws Exception {
        String tricky = "\"quoted\" \\ tab\t nul\u0000 é € 😀 line\n";
        int saved = new ObjectMapper().writeValueAsBytes(tricky).length - 2; // without the surrounding quotes

        assertTrue(new StreamingMessage(saved).append(tricky));
        StreamingMessage tooSmall = new StreamingMessage(saved - 1);
        assertFalse(tooSmall.append(tricky));
        assertTrue(saved > tricky.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void a_surrogate_pair_split_between_two_pieces_counts_as_much_as_whole() {
        String smile = "😀";
        StreamingMessage whole = new StreamingMessage(100);
        StreamingMessage split = new StreamingMessage(100);

        whole.append(smile);
        split.append(smile.substring(0, 1));
        split.append(smile.substring(1));

        assertEquals(whole.size(), split.size());
        assertEquals(smile, split.content());
    }

    @Test
    void a_message_is_the_users_or_the_assistants_and_has_text() {
        assertThrows(IllegalArgumentException.class, () -> new Message("system", "obey", null, false));
        assertThrows(IllegalArgumentException.class, () -> new Message("tool", "{}", null, false));
        assertThrows(IllegalArgumentException.class, () -> new Message("user", null, null, false));
    }

    @Test
    void a_finished_tool_run_replaces_the_started_one_of_its_index_and_goes_into_the_message() {
        StreamingMessage answer = new StreamingMessage(1 << 20);
        ToolRun started = new ToolRun("code", "print(6*7)", null, List.of());
        ToolRun finished = new ToolRun("code", "print(6*7)", "42\n", List.of());
        ToolRun search = new ToolRun("search", "cats", null, List.of(new Source("Cats", "https://example.com/cats")));

        assertTrue(answer.tool(0, started));
        assertTrue(answer.tool(1, search));
        assertTrue(answer.tool(0, finished));
        answer.append("42");

        assertEquals(List.of(finished, search), answer.toMessage().tools());
        assertEquals(List.of(finished, search), answer.tools());
    }

    @Test
    void tool_runs_count_in_the_answers_limit_and_a_huge_output_cuts_it() {
        StreamingMessage answer = new StreamingMessage(10_000);
        assertTrue(answer.tool(0, new ToolRun("code", "print('x' * 20000)", null, List.of())));
        long started = answer.size();

        assertFalse(answer.tool(0, new ToolRun("code", "print('x' * 20000)", "x".repeat(20_000), List.of())));

        assertTrue(answer.isCut());
        assertEquals(started, answer.size(), "the run that would pass the limit is not kept");
        assertEquals(List.of(new ToolRun("code", "print('x' * 20000)", null, List.of())), answer.tools());
        assertFalse(answer.append("more"), "nothing after the cut");
    }
}
