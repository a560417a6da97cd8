package bnagpt;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;

/**
 * PDFs made on the spot for the documents bench and tests, with Apache PDFBox: pages of
 * generated text (each page says which it is), a password-protected one, and a "scan" (an
 * image and no text). Nothing is downloaded; every file is exactly what the test needs.
 */
public final class SamplePdf {
    private static final String[] CROPS = {"apple", "barley", "cherry", "durum wheat", "elderberry", "flax", "grape",
            "hazelnut", "lentil", "millet", "oat", "pear", "quince", "rye", "sorghum", "tomato"};
    private static final String[] REGIONS = {"north valley", "east coast", "south plateau", "west hills", "river delta",
            "high moor", "lake district"};

    private SamplePdf() {}

    /** PAGES pages, the text of each given by TEXT (page numbers from 1). */
    public static byte[] of(int pages, IntFunction<String> text) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (int page = 1; page <= pages; page++) {
                PDPage sheet = new PDPage();
                document.addPage(sheet);
                try (PDPageContentStream content = new PDPageContentStream(document, sheet)) {
                    content.beginText();
                    content.setFont(font, 9);
                    content.setLeading(11);
                    content.newLineAtOffset(40, 750);
                    for (String line : lines(text.apply(page), 110)) {
                        content.showText(line);
                        content.newLine();
                    }
                    content.endText();
                }
            }
            return bytes(document);
        }
    }

    /** A report of PAGES pages, about 2,500 characters each: every page on one crop in one region, in one year. */
    public static byte[] report(int pages) throws IOException {
        return of(pages, SamplePdf::reportPage);
    }

    /** The text of page PAGE of report(): its facts differ from page to page, so a question finds its page. */
    public static String reportPage(int page) {
        String crop = CROPS[page % CROPS.length];
        String region = REGIONS[page % REGIONS.length];
        int year = 1900 + page;
        StringBuilder text = new StringBuilder("Harvest report, page " + page + ". In " + year + " the " + crop
                + " harvest of the " + region + " reached " + (1000 + 37 * page) + " tonnes.\n\n");
        for (int paragraph = 0; paragraph < 6; paragraph++) {
            text.append("Growers of ").append(crop).append(" in the ").append(region).append(" noted that the ")
                    .append(paragraph % 2 == 0 ? "spring rains came early" : "summer was dry and long")
                    .append(", that the soil was ").append(paragraph % 3 == 0 ? "heavy clay" : "light and sandy")
                    .append(", and that field ").append(page * 10 + paragraph).append(" yielded ")
                    .append(3 + (page + paragraph) % 9).append(" tonnes per hectare. Prices at the ")
                    .append(region).append(" market moved by ").append((page * 7 + paragraph) % 23)
                    .append(" percent over the season, while storage losses stayed under ")
                    .append(2 + paragraph).append(" percent. Transport to the mills took ")
                    .append(1 + (page + paragraph) % 5).append(" days.\n\n");
        }
        return text.toString();
    }

    /** A PDF that opens only with a password. */
    public static byte[] encrypted() throws IOException {
        try (PDDocument document = new PDDocument()) {
            document.addPage(new PDPage());
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "user-secret",
                    new AccessPermission());
            policy.setEncryptionKeyLength(128);
            document.protect(policy);
            return bytes(document);
        }
    }

    /** A "scanned" PDF: each page an image, no text at all. */
    public static byte[] scanned(int pages) throws IOException {
        try (PDDocument document = new PDDocument()) {
            BufferedImage picture = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
            for (int page = 0; page < pages; page++) {
                PDPage sheet = new PDPage();
                document.addPage(sheet);
                try (PDPageContentStream content = new PDPageContentStream(document, sheet)) {
                    content.drawImage(LosslessFactory.createFromImage(document, picture), 50, 500);
                }
            }
            return bytes(document);
        }
    }

    private static byte[] bytes(PDDocument document) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.save(out);
        return out.toByteArray();
    }

    /** Lines of at most WIDTH characters, cut at spaces; a blank line for each paragraph break. */
    private static List<String> lines(String text, int width) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.split("\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split(" ")) {
                if (line.length() + word.length() + 1 > width && line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() > 0 ? " " : "").append(word);
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
