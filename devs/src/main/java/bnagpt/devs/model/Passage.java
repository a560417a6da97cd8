package bnagpt.devs.model;

/**
 * A piece of an attached document that was sent with a question, kept with the answer so
 * the page can show it on click: the document's name, its page (1 and up; 0 when the
 * document has no pages, as a .txt), and the text itself.
 */
public record Passage(String file, int page, String text) {
    public Passage {
        if (file == null || text == null || page < 0) {
            throw new IllegalArgumentException("a passage names its file and has text");
        }
    }
}
