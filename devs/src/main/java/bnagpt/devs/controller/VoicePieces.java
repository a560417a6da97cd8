package bnagpt.devs.controller;

import bnagpt.devs.llm.Speech;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An answer cut into pieces that text to speech takes: at most {@value #MOST_CHARACTERS}
 * characters each, cut at sentence ends, so each piece sounds whole. A sentence longer than a
 * piece is cut at a comma (or semicolon, colon, dash), then at a space, and a word longer than
 * a piece, at its 200th character. Short sentences share a piece: fewer requests. Nothing is
 * lost or reordered: the pieces, joined, are the text with its runs of white space made one.
 */
public final class VoicePieces {
    public static final int MOST_CHARACTERS = Speech.MOST_CHARACTERS;
    /** The most pieces one reading holds: 40 x 200 characters, ten minutes of speech or so. */
    public static final int MOST_PIECES = 40;

    /** A sentence ends after . ! ? or … (and a closing quote or bracket) before white space, or at a line's end. */
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?\u2026][\"'\u201d\u2019)\\]]{0,2})\\s+|\\s*\\n\\s*");
    private static final Pattern PAUSE = Pattern.compile("[,;:\u2013\u2014]\\s");

    private VoicePieces() {}

    /** The pieces to read, at most MOST_PIECES, and a sentence saying what was left out (null when nothing was). */
    public record Reading(List<String> pieces, String notice) {}

    public static Reading reading(String text) {
        List<String> pieces = split(text);
        if (pieces.size() <= MOST_PIECES) {
            return new Reading(pieces, null);
        }
        List<String> read = List.copyOf(pieces.subList(0, MOST_PIECES));
        int readCharacters = read.stream().mapToInt(String::length).sum();
        int allCharacters = pieces.stream().mapToInt(String::length).sum();
        return new Reading(read, String.format("Only the first %,d of the answer's %,d characters are read aloud (%d "
                + "pieces of speech): the rest would keep you listening too long.", readCharacters, allCharacters, MOST_PIECES));
    }

    /** Every piece, however many. */
    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (String sentence : sentences(text)) {
            if (piece.length() > 0 && piece.length() + 1 + sentence.length() <= MOST_CHARACTERS) {
                piece.append(' ').append(sentence);
                continue;
            }
            if (piece.length() > 0) {
                pieces.add(piece.toString());
                piece.setLength(0);
            }
            String rest = sentence;
            while (rest.length() > MOST_CHARACTERS) {
                int cut = cut(rest);
                pieces.add(rest.substring(0, cut).strip());
                rest = rest.substring(cut).strip();
            }
            piece.append(rest);
        }
        if (piece.length() > 0) {
            pieces.add(piece.toString());
        }
        return pieces;
    }

    /** The sentences of TEXT, each with its white space made single spaces; empty ones left out. */
    static List<String> sentences(String text) {
        List<String> sentences = new ArrayList<>();
        for (String sentence : SENTENCE_END.split(text)) {
            String single = sentence.replaceAll("\\s+", " ").strip();
            if (!single.isEmpty()) {
                sentences.add(single);
            }
        }
        return sentences;
    }

    /** Where to cut a sentence longer than a piece: after its last pause, else its last space, within a piece. */
    private static int cut(String sentence) {
        String head = sentence.substring(0, MOST_CHARACTERS + 1); // a space just past the limit is a cut too
        int pause = -1;
        for (Matcher m = PAUSE.matcher(head); m.find(); ) {
            pause = m.start() + 1;
        }
        if (pause > MOST_CHARACTERS / 4) {
            return pause;
        }
        int space = head.lastIndexOf(' ');
        if (space > 0) {
            return space;
        }
        // One word longer than a piece: cut it, but never between the two halves of a character.
        return Character.isLowSurrogate(sentence.charAt(MOST_CHARACTERS)) ? MOST_CHARACTERS - 1 : MOST_CHARACTERS;
    }
}
