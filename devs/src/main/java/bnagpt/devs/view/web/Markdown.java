package bnagpt.devs.view.web;

import org.commonmark.node.Document;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * An answer's Markdown as HTML, made on the server. The model's text is never trusted as
 * HTML: any HTML in it is escaped (shown as text), and links and images may only be of
 * safe kinds (no javascript: addresses). Parser and renderer keep no state between calls.
 */
final class Markdown {
    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
            .escapeHtml(true)
            .sanitizeUrls(true)
            .attributeProviderFactory(context -> (node, tagName, attributes) -> {
                if (node instanceof Link) { // a link opens a new tab, and that tab cannot reach back
                    attributes.put("target", "_blank");
                    attributes.put("rel", "noopener noreferrer nofollow");
                }
            })
            .build();

    private Markdown() {}

    /** JSON mode's answer is one JSON object: shown as code, not read as Markdown. */
    static String render(String text, boolean json) {
        Node document;
        if (json) {
            document = new Document();
            FencedCodeBlock code = new FencedCodeBlock();
            code.setInfo("json");
            code.setLiteral(text.endsWith("\n") ? text : text + "\n");
            document.appendChild(code);
        } else {
            document = PARSER.parse(text);
        }
        return RENDERER.render(document);
    }
}
