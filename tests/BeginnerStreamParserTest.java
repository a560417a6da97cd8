package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.Content;
import bnagpt.chat.Done;
import bnagpt.chat.Piece;
import bnagpt.chat.StreamError;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The beginner files' parseGroqStream (101s/simple_chatbot.java, 101s/chatbot_with_memory.java)
 * against the same corpus as chat.java's StreamParser (tests/streams, see its README.md), fed
 * whole, cut in two at every byte, and one byte at a time.
 *
 * A beginner file prints the answer and nothing else, and stops at the first error, as
 * chat.java's client does. So from a case's .expected pieces this test keeps what a beginner
 * file must show, in order, up to the first error or done:
 * - the content pieces: handed on one by one, exactly those texts in that order (so they join
 *   into the same answer);
 * - the first error: the parse ends in a ChatFailure whose sentence holds the error's message
 *   (the server's own words; type and code are chat.java's detail), and nothing after it counts;
 * - done: parseGroqStream returns true exactly when the case ends in done (with no error before).
 * Reasoning, finish reasons and usage are not the answer; a beginner file skips them.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class BeginnerStreamParserTest {

    interface Parser {
        boolean parse(InputStream stream, Consumer<String> eachPiece) throws IOException;
    }

    record NamedParser(String file, Parser parser) {}

    static final List<NamedParser> PARSERS = List.of(
            new NamedParser("simple_chatbot", simple_chatbot::parseGroqStream),
            new NamedParser("chatbot_with_memory", chatbot_with_memory::parseGroqStream));

    /** What a beginner file makes of a stream: the answer's pieces, the first error's sentence, and [DONE]. */
    record Outcome(List<String> pieces, String error, boolean done) {}

    @TestFactory
    Stream<DynamicNode> each_stream_read_whole_gives_the_answer_chat_java_gives() throws IOException {
        return forEachParserAndCase((parser, name) -> check(name, read(parser, new ByteArrayInputStream(bytes(name)))));
    }

    @TestFactory
    Stream<DynamicNode> each_stream_cut_in_two_at_any_byte_gives_the_same_answer() throws IOException {
        return forEachParserAndCase((parser, name) -> {
            byte[] stream = bytes(name);
            for (int cut = 0; cut <= stream.length; cut++) {
                // A SequenceInputStream never reads across the cut: the first read ends there.
                InputStream inTwo = new SequenceInputStream(new ByteArrayInputStream(stream, 0, cut),
                        new ByteArrayInputStream(stream, cut, stream.length - cut));
                check(name, read(parser, inTwo), "cut after byte " + cut + " of " + stream.length);
            }
        });
    }

    @TestFactory
    Stream<DynamicNode> each_stream_fed_byte_by_byte_gives_the_same_answer() throws IOException {
        return forEachParserAndCase((parser, name) -> check(name, read(parser, new OneByteAtATime(bytes(name)))));
    }

    /** The answer appears as it arrives: a piece is handed on when its event ends, not when the stream does. */
    @TestFactory
    Stream<DynamicNode> a_piece_is_handed_on_as_soon_as_the_blank_line_ends_its_event() {
        return PARSERS.stream().map(named -> DynamicContainer.dynamicContainer(named.file(), Stream.of("\n", "\r\n", "\r")
                .map(lineEnd -> DynamicTest.dynamicTest("lines ending in " + visible(lineEnd), () -> {
                    PipedOutputStream server = new PipedOutputStream();
                    PipedInputStream network = new PipedInputStream(server);
                    LinkedBlockingQueue<String> printed = new LinkedBlockingQueue<>();
                    CompletableFuture<Boolean> done = CompletableFuture.supplyAsync(() -> {
                        try {
                            return named.parser().parse(network, printed::add);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });

                    send(server, "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}" + lineEnd + lineEnd);
                    String first = printed.poll(10, TimeUnit.SECONDS);
                    send(server, "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}" + lineEnd + lineEnd
                            + "data: [DONE]" + lineEnd + lineEnd);

                    assertEquals("Hel", first, "the first piece, while the stream is still open");
                    assertEquals(true, done.get(10, TimeUnit.SECONDS));
                    assertEquals(List.of("lo"), new ArrayList<>(printed));
                    server.close();
                }))));
    }

    // ---------------------------------------------------------------------------------
    // Running a parser, and what it should give.
    // ---------------------------------------------------------------------------------

    interface CaseCheck {
        void check(Parser parser, String name) throws Exception;
    }

    /** A container per beginner file, a test per case in it: tests/streams/NAME.sse. */
    private static Stream<DynamicNode> forEachParserAndCase(CaseCheck check) throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(StreamParserTest.CORPUS)) {
            names = files.map(file -> file.getFileName().toString()).filter(file -> file.endsWith(".sse"))
                    .map(file -> file.substring(0, file.length() - ".sse".length())).sorted().toList();
        }
        return PARSERS.stream().map(named -> DynamicContainer.dynamicContainer(named.file(), names.stream()
                .map(name -> DynamicTest.dynamicTest(name, () -> check.check(named.parser(), name)))));
    }

    private static byte[] bytes(String name) throws IOException {
        return Files.readAllBytes(StreamParserTest.CORPUS.resolve(name + ".sse"));
    }

    /** Runs the parser to its end: the pieces it handed on, the sentence it failed with, its result. */
    static Outcome read(Parser parser, InputStream stream) throws IOException {
        List<String> pieces = new ArrayList<>();
        try {
            boolean done = parser.parse(stream, pieces::add);
            return new Outcome(pieces, null, done);
        } catch (RuntimeException e) {
            assertEquals("ChatFailure", e.getClass().getSimpleName(), "a failure must be a sentence: " + e);
            return new Outcome(pieces, e.getMessage(), false);
        }
    }

    /** What a beginner file must make of a case, from its .expected pieces (see the class comment). */
    static Outcome expected(String name) throws IOException {
        List<String> pieces = new ArrayList<>();
        for (Piece piece : StreamParserTest.expectedPieces(name)) {
            if (piece instanceof Content content) {
                pieces.add(content.text());
            } else if (piece instanceof StreamError error) {
                return new Outcome(pieces, error.message(), false);
            } else if (piece instanceof Done) {
                return new Outcome(pieces, null, true);
            }
        }
        return new Outcome(pieces, null, false);
    }

    private static void check(String name, Outcome actual) throws IOException {
        check(name, actual, "");
    }

    private static void check(String name, Outcome actual, String how) throws IOException {
        Outcome expected = expected(name);
        assertEquals(expected.pieces(), actual.pieces(), "the pieces of the answer " + how);
        assertEquals(expected.done(), actual.done(), "[DONE] seen " + how);
        if (expected.error() == null) {
            assertEquals(null, actual.error(), "no error " + how);
        } else {
            assertTrue(actual.error() != null && actual.error().contains(expected.error()),
                    "the error \"" + expected.error() + "\" " + how + ", but got: " + actual.error());
        }
    }

    /** A network that hands over one byte per read. */
    static final class OneByteAtATime extends FilterInputStream {
        OneByteAtATime(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return super.read(buffer, offset, Math.min(length, 1));
        }
    }

    private static void send(PipedOutputStream server, String text) throws IOException {
        server.write(text.getBytes(StandardCharsets.UTF_8));
        server.flush();
    }

    private static String visible(String lineEnd) {
        return String.join(" ", Arrays.stream(lineEnd.split("")).map(c -> c.equals("\n") ? "LF" : "CR").toList());
    }
}
