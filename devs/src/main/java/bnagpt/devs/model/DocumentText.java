package bnagpt.devs.model;

import java.util.List;

/**
 * The text of an attached document, page by page: a PDF's pages in order (page 1 first), or
 * one piece for a .txt or .md, which has no pages ({@link #pageNumber} says 0 then).
 */
public record DocumentText(String name, boolean paged, List<String> pages) {
    public DocumentText {
        pages = List.copyOf(pages);
    }

    /** How a page is cited: 1 and up in a PDF, 0 in a file without pages. */
    public int pageNumber(int index) {
        return paged ? index + 1 : 0;
    }

    public int characters() {
        return pages.stream().mapToInt(String::length).sum();
    }

    /** The whole text, pages apart. */
    public String whole() {
        return String.join("\n\n", pages);
    }
}
