package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.controller.Voice;
import bnagpt.devs.controller.VoicePieces;
import bnagpt.devs.controller.VoiceText;
import bnagpt.devs.controller.VoiceWav;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * An answer cut for text to speech (VoicePieces: at most 200 characters a piece, at sentence
 * ends, nothing lost or reordered), an answer's Markdown as it is heard, and the pieces' wavs
 * joined into one (VoiceWav).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsVoicePiecesTest {
    static final String ANSWER = """
            The sky is blue because of Rayleigh scattering. Sunlight holds every colour; the air's molecules \
            scatter short wavelengths (blue and violet) far more than long ones (red). Why not violet, then? \
            Our eyes are less sensitive to it, and some of it is absorbed high up! At sunset the light crosses \
            much more air, so the blue is scattered away before it reaches you, and the reds and oranges remain.
            A heading without a full stop
            - a list item
            - another one, with a comma, and more words, and more words, and more words, and more words, and \
            more words, and more words, and more words, and more words, and more words, and more words, the end.""";

    @Test
    void every_piece_holds_at_most_200_characters_and_joined_they_are_the_text_in_order() {
        List<String> pieces = VoicePieces.split(ANSWER);
        assertTrue(pieces.size() >= 4, pieces.toString());
        pieces.forEach(piece -> assertTrue(piece.length() <= 200 && !piece.isBlank(), piece));
        assertEquals(ANSWER.replaceAll("\\s+", " ").strip(), String.join(" ", pieces));
    }

    @Test
    void pieces_end_at_sentence_ends_when_the_sentences_allow_it() {
        List<String> pieces = VoicePieces.split(ANSWER);
        assertEquals("The sky is blue because of Rayleigh scattering.", pieces.get(0).substring(0, 47));
        // Each piece but the last of the long list item ends a sentence (or a line) of the answer.
        for (String piece : pieces.subList(0, 3)) {
            assertTrue(piece.matches(".*([.!?]|full stop|a list item)"), piece);
        }
        assertTrue(pieces.stream().noneMatch(piece -> piece.startsWith(".")), pieces.toString());
    }

    @Test
    void a_sentence_longer_than_a_piece_is_cut_at_a_comma_then_a_space_and_a_long_word_anywhere() {
        String commas = "word, ".repeat(60).strip();
        List<String> pieces = VoicePieces.split(commas);
        pieces.forEach(piece -> assertTrue(piece.endsWith(",") || piece.equals(pieces.get(pieces.size() - 1)), piece));
        String word = "x".repeat(450);
        assertEquals(List.of("x".repeat(200), "x".repeat(200), "x".repeat(50)), VoicePieces.split(word));
        String emoji = "\uD83D\uDE00".repeat(150); // 300 chars, 150 characters beyond U+FFFF
        VoicePieces.split(emoji).forEach(piece -> assertTrue(!Character.isLowSurrogate(piece.charAt(0)), "cut inside a character"));
        assertEquals(emoji, String.join("", VoicePieces.split(emoji)));
    }

    @Test
    void random_text_is_never_lost_reordered_or_over_200_a_piece() {
        Random random = new Random(16);
        String[] words = {"a", "word", "longer-words", "sentence.", "ends!", "really?", "comma,", "\n", "  ", "x".repeat(230)};
        for (int round = 0; round < 200; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(400); i > 0; i--) {
                text.append(words[random.nextInt(words.length)]).append(random.nextBoolean() ? " " : "");
            }
            List<String> pieces = VoicePieces.split(text.toString());
            pieces.forEach(piece -> assertTrue(piece.length() <= 200 && !piece.isBlank(), piece));
            assertEquals(text.toString().replaceAll("\\s", ""), String.join("", pieces).replaceAll("\\s", ""));
        }
    }

    @Test
    void a_20000_character_answer_is_read_in_at_most_40_pieces_with_a_sentence_saying_so() {
        String answer = "This sentence is about fifty characters long, yes. ".repeat(400);
        VoicePieces.Reading reading = VoicePieces.reading(answer);
        assertEquals(VoicePieces.MOST_PIECES, reading.pieces().size());
        assertNotNull(reading.notice());
        java.util.regex.Matcher said = java.util.regex.Pattern.compile("Only the first ([0-9,]+) of the answer's ([0-9,]+) "
                + "characters are read aloud").matcher(reading.notice());
        assertTrue(said.find(), reading.notice());
        int read = reading.pieces().stream().mapToInt(String::length).sum();
        assertEquals(String.format("%,d", read), said.group(1));
        assertEquals(VoicePieces.split(answer).subList(0, VoicePieces.MOST_PIECES), reading.pieces()); // the first ones, in order
        assertTrue(Integer.parseInt(said.group(2).replace(",", "")) > 20_000 - 400, said.group(2));
        assertNull(VoicePieces.reading(ANSWER).notice());
    }

    @Test
    void markdown_is_heard_without_its_marks() {
        String heard = VoiceText.of("# Title\n\nSome **bold** and a [link](https://example.com).\n\n- one\n- two\n");
        assertEquals("Title\nSome bold and a link.\none\ntwo", heard);
    }

    @Test
    void an_unknown_voice_is_a_sentence_naming_the_six() {
        Voice.Refused refused = assertThrows(Voice.Refused.class, () -> Voice.voice("Bob"));
        assertEquals("There is no voice \"Bob\": choose one of autumn, diana, hannah, austin, daniel, troy.", refused.getMessage());
        assertEquals("troy", Voice.voice("Troy"));
        assertEquals("autumn", Voice.voice(null));
    }

    @Test
    void wavs_of_one_format_join_into_one_wav_as_long_as_all_of_them() {
        byte[] one = LocalGroqAudio.Wav.tone("One.", 500);
        byte[] two = LocalGroqAudio.Wav.tone("Two, longer.", 1200);
        byte[] joined = VoiceWav.join(List.of(one, two));
        assertEquals(1.7, VoiceWav.seconds(joined), 0.001);
        assertEquals(0.5, VoiceWav.seconds(one), 0.001);
        assertEquals("RIFF", new String(joined, 0, 4));
        assertEquals(joined.length - 8, java.nio.ByteBuffer.wrap(joined).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4));
        VoiceWav.NotJoined notWav = assertThrows(VoiceWav.NotJoined.class, () -> VoiceWav.join(List.of(one, "<html>".getBytes())));
        assertTrue(notWav.getMessage().contains("not a wav file"), notWav.getMessage());
    }
}
