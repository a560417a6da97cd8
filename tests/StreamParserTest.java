package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.Content;
import bnagpt.chat.Done;
import bnagpt.chat.Finish;
import bnagpt.chat.Piece;
import bnagpt.chat.Reasoning;
import bnagpt.chat.StreamError;
import bnagpt.chat.StreamParser;
import bnagpt.chat.TooLarge;
import bnagpt.chat.Usage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The stream parser against the corpus in tests/streams (its README.md says how a case
 * is written). Bytes reach us in pieces of any size, so each case is also fed cut in two
 * at every byte and one byte at a time: the pieces found must not change.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StreamParserTest {

    static final Path CORPUS = Repo.file("tests/streams");

    @TestFactory
    Stream<DynamicTest> each_stream_read_whole_gives_its_expected_pieces() throws IOException {
        return forEachCase(name -> assertEquals(render(expectedPieces(name)), render(StreamParser.parse(bytes(name)))));
    }

    @TestFactory
    Stream<DynamicTest> each_stream_cut_in_two_at_any_byte_gives_the_same_pieces() throws IOException {
        return forEachCase(name -> {
            byte[] stream = bytes(name);
            String expected = render(expectedPieces(name));
            for (int cut = 0; cut <= stream.length; cut++) {
                StreamParser parser = new StreamParser();
                List<Piece> pieces = new ArrayList<>(parser.feed(stream, 0, cut));
                pieces.addAll(parser.feed(stream, cut, stream.length - cut));
                pieces.addAll(parser.end());
                assertEquals(expected, render(pieces), "cut after byte " + cut + " of " + stream.length);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> each_stream_fed_byte_by_byte_gives_the_same_pieces() throws IOException {
        return forEachCase(name -> {
            byte[] stream = bytes(name);
            StreamParser parser = new StreamParser();
            List<Piece> pieces = new ArrayList<>();
            for (int i = 0; i < stream.length; i++) {
                pieces.addAll(parser.feed(stream, i, 1));
            }
            pieces.addAll(parser.end());
            assertEquals(render(expectedPieces(name)), render(pieces));
        });
    }

    @Test
    void every_stream_in_the_corpus_has_its_expected_pieces_and_every_expected_file_its_stream() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".sse")) {
                    assertTrue(Files.exists(CORPUS.resolve(name.replace(".sse", ".expected"))),
                            name + " has no .expected");
                }
                if (name.endsWith(".expected")) {
                    assertTrue(Files.exists(CORPUS.resolve(name.replace(".expected", ".sse"))), name + " has no .sse");
                }
            }
        }
    }

    @Test
    void a_piece_comes_out_as_soon_as_the_blank_line_ends_its_event() {
        StreamParser parser = new StreamParser();

        List<Piece> beforeBlankLine = feed(parser, "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n");
        List<Piece> atBlankLine = feed(parser, "\n");

        assertEquals(List.of(), beforeBlankLine);
        assertEquals(List.of(new Content("Hel")), atBlankLine);
    }

    @Test
    void a_crlf_cut_between_its_cr_and_its_lf_is_one_line_end() {
        StreamParser parser = new StreamParser();
        List<Piece> pieces = new ArrayList<>();

        pieces.addAll(feed(parser, "data: {\"choices\":[{\"delta\":\r"));
        pieces.addAll(feed(parser, "\ndata: {\"content\":\"Hi\"}}]}\r\n\r\n"));

        assertEquals(List.of(new Content("Hi")), pieces);
    }

    @Test
    void a_byte_order_mark_cut_after_its_first_byte_is_still_ignored() {
        byte[] stream = utf8("\uFEFFdata: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n");
        StreamParser parser = new StreamParser();
        List<Piece> pieces = new ArrayList<>();

        pieces.addAll(parser.feed(stream, 0, 1));
        pieces.addAll(parser.feed(stream, 1, stream.length - 1));

        assertEquals(List.of(new Content("Hi")), pieces);
    }

    // ---------------------------------------------------------------------------------
    // A limit on one line or event, so that a server cannot fill our memory.
    // ---------------------------------------------------------------------------------

    private static final String HI_CHUNK = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n";

    @Test
    void a_line_past_the_limit_gives_too_large_after_what_came_before_and_nothing_after() {
        StreamParser parser = new StreamParser(1024);
        List<Piece> pieces = new ArrayList<>();

        pieces.addAll(feed(parser, HI_CHUNK + "data: " + "a".repeat(600)));
        pieces.addAll(feed(parser, "a".repeat(600)));
        pieces.addAll(feed(parser, "\n\n" + HI_CHUNK));

        assertEquals(List.of(new Content("Hi"), new TooLarge(1024)), pieces);
    }

    @Test
    void an_event_of_short_data_lines_that_add_up_past_the_limit_is_too_large() {
        StreamParser parser = new StreamParser(1024);

        List<Piece> pieces = feed(parser, ("data: " + "a".repeat(100) + "\n").repeat(20) + "\n");

        assertEquals(List.of(new TooLarge(1024)), pieces);
    }

    @Test
    void a_line_within_the_limit_in_one_buffer_or_in_many_is_read() {
        String chunk = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "a".repeat(900) + "\"}}]}\n\n";
        byte[] bytes = utf8(chunk);
        StreamParser whole = new StreamParser(1024);
        StreamParser inPieces = new StreamParser(1024);
        List<Piece> pieces = new ArrayList<>();

        for (int i = 0; i < bytes.length; i += 100) {
            pieces.addAll(inPieces.feed(bytes, i, Math.min(100, bytes.length - i)));
        }

        assertEquals(List.of(new Content("a".repeat(900))), feed(whole, chunk));
        assertEquals(List.of(new Content("a".repeat(900))), pieces);
    }

    @Test
    void a_chunk_longer_than_jacksons_usual_string_limit_is_read_when_the_limit_allows_it() {
        String text = "a".repeat(21_000_000); // Jackson refuses strings over 20 million characters by default

        List<Piece> pieces = feed(new StreamParser(32 << 20),
                "data: {\"choices\":[{\"delta\":{\"content\":\"" + text + "\"}}]}\n\n");

        assertTrue(List.of(new Content(text)).equals(pieces), () -> "found " + shorten(pieces.toString()));
    }

    // ---------------------------------------------------------------------------------
    // Reading the corpus.
    // ---------------------------------------------------------------------------------

    private static final ObjectMapper JSON = new ObjectMapper();

    interface CaseCheck {
        void check(String name) throws Exception;
    }

    /** One test per case, named after it: tests/streams/NAME.sse. */
    private static Stream<DynamicTest> forEachCase(CaseCheck check) throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(file -> file.endsWith(".sse"))
                    .map(file -> file.substring(0, file.length() - ".sse".length()))
                    .sorted()
                    .toList().stream()
                    .map(name -> DynamicTest.dynamicTest(name, () -> check.check(name)));
        }
    }

    private static byte[] bytes(String name) throws IOException {
        return Files.readAllBytes(CORPUS.resolve(name + ".sse"));
    }

    private static List<Piece> feed(StreamParser parser, String text) {
        byte[] bytes = utf8(text);
        return parser.feed(bytes, 0, bytes.length);
    }

    /** A failure message that shows the start of a 21 MB piece, not all of it. */
    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads NAME.expected: one piece per line, as tests/streams/README.md describes. */
    static List<Piece> expectedPieces(String name) throws IOException {
        List<Piece> pieces = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS.resolve(name + ".expected"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String kind = line.split(" ", 2)[0];
            String rest = line.substring(kind.length()).strip();
            pieces.add(switch (kind) {
                case "content" -> new Content(JSON.readValue(rest, String.class));
                case "reasoning" -> new Reasoning(JSON.readValue(rest, String.class));
                case "finish" -> new Finish(rest);
                case "usage" -> usage(fields(rest));
                case "error" -> {
                    int endOfMessage = rest.lastIndexOf('"') + 1;
                    Map<String, String> fields = fields(rest.substring(endOfMessage));
                    yield new StreamError(JSON.readValue(rest.substring(0, endOfMessage), String.class),
                            fields.get("type"), fields.get("code"));
                }
                case "done" -> new Done();
                default -> throw new IllegalArgumentException(name + ".expected: no piece is called " + kind);
            });
        }
        return pieces;
    }

    private static Usage usage(Map<String, String> fields) {
        return new Usage(Long.parseLong(fields.getOrDefault("prompt_tokens", "0")),
                Long.parseLong(fields.getOrDefault("completion_tokens", "0")),
                Double.parseDouble(fields.getOrDefault("completion_time", "0")),
                Double.parseDouble(fields.getOrDefault("total_time", "0")));
    }

    /** "a=1 b=2" as a map. */
    private static Map<String, String> fields(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String field : text.strip().split(" +")) {
            if (!field.isEmpty()) {
                String[] keyAndValue = field.split("=", 2);
                fields.put(keyAndValue[0], keyAndValue[1]);
            }
        }
        return fields;
    }

    /** Pieces in the .expected format, one per line: failures then show a readable difference. */
    static String render(List<Piece> pieces) throws JsonProcessingException {
        StringBuilder text = new StringBuilder();
        for (Piece piece : pieces) {
            if (piece instanceof Content c) {
                text.append("content ").append(JSON.writeValueAsString(c.text()));
            } else if (piece instanceof Reasoning r) {
                text.append("reasoning ").append(JSON.writeValueAsString(r.text()));
            } else if (piece instanceof Finish f) {
                text.append("finish ").append(f.reason());
            } else if (piece instanceof Usage u) {
                text.append("usage prompt_tokens=").append(u.promptTokens())
                        .append(" completion_tokens=").append(u.completionTokens())
                        .append(" completion_time=").append(u.completionTime())
                        .append(" total_time=").append(u.totalTime());
            } else if (piece instanceof StreamError e) {
                text.append("error ").append(JSON.writeValueAsString(e.message()))
                        .append(e.type() != null ? " type=" + e.type() : "")
                        .append(e.code() != null ? " code=" + e.code() : "");
            } else if (piece instanceof Done) {
                text.append("done");
            } else if (piece instanceof TooLarge t) {
                text.append("too_large ").append(t.limitBytes());
            }
            text.append('\n');
        }
        return text.toString();
    }
}
