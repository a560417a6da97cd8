package bnagpt.devs.controller;

import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;

/**
 * An answer's Markdown as it is heard: its words, without the marks (**, #, `) or the link
 * addresses, a line per paragraph, heading or list item, so that each reads as a sentence.
 * The model's own HTML is not read out.
 */
public final class VoiceText {
    private static final Parser MARKDOWN = Parser.builder().build();

    private VoiceText() {}

    public static String of(String markdown) {
        StringBuilder heard = new StringBuilder();
        MARKDOWN.parse(markdown).accept(new AbstractVisitor() {
            @Override
            public void visit(Text text) {
                heard.append(text.getLiteral());
            }

            @Override
            public void visit(Code code) {
                heard.append(code.getLiteral());
            }

            @Override
            public void visit(FencedCodeBlock block) {
                heard.append(block.getLiteral()).append('\n');
            }

            @Override
            public void visit(IndentedCodeBlock block) {
                heard.append(block.getLiteral()).append('\n');
            }

            @Override
            public void visit(SoftLineBreak lineBreak) {
                heard.append(' ');
            }

            @Override
            public void visit(HardLineBreak lineBreak) {
                heard.append('\n');
            }

            @Override
            public void visit(Paragraph paragraph) {
                visitChildren(paragraph);
                heard.append('\n');
            }

            @Override
            public void visit(Heading heading) {
                visitChildren(heading);
                heard.append('\n');
            }
        });
        return heard.toString().strip();
    }
}
