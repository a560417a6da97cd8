package bnagpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.controller.Pictures;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.AttachmentStore;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images as the page and the command line take them in: what they are, read from their bytes, and how large they leave. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsPicturesTest {
    @TempDir
    Path home;

    Pictures pictures() {
        return new Pictures(new AttachmentStore(home));
    }

    static byte[] png(int width, int height, boolean noisy) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        if (noisy) { // noise does not compress: a large file, as a photo is
            Random random = new Random(7);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    image.setRGB(x, y, random.nextInt());
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    void a_small_picture_is_kept_as_it_is_under_its_hash() throws Exception {
        byte[] bytes = png(64, 48, false);
        Attachment kept = pictures().keep("dot.png", bytes);
        assertEquals("image", kept.kind());
        assertEquals("image/png", kept.mediaType());
        assertEquals("dot.png", kept.name());
        assertTrue(kept.file().endsWith(".png"), kept.file());
        assertArrayEquals(bytes, Files.readAllBytes(new AttachmentStore(home).path(kept.file())));
    }

    @Test
    void a_large_photo_is_scaled_to_a_jpeg_that_three_of_fit_under_groqs_4_mb() throws Exception {
        byte[] bytes = png(3000, 2000, true);
        assertTrue(bytes.length > 4_000_000, "the test photo should be large: " + bytes.length);
        Attachment kept = pictures().keep("photo.png", bytes);
        byte[] sent = new AttachmentStore(home).read(kept);
        assertEquals("image/jpeg", kept.mediaType());
        assertTrue(sent.length * 3 * 4 / 3 < 4_000_000, "three in base64 must stay under 4 MB: " + sent.length);
        BufferedImage scaled = ImageIO.read(new ByteArrayInputStream(sent));
        assertTrue(Math.max(scaled.getWidth(), scaled.getHeight()) <= 1568, scaled.getWidth() + "x" + scaled.getHeight());
        assertEquals(1.5, scaled.getWidth() / (double) scaled.getHeight(), 0.02, "the proportions are kept");
    }

    @Test
    void a_web_page_named_png_is_refused_with_a_sentence_and_nothing_is_kept() {
        byte[] html = "<!doctype html><script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
        Pictures.Refused refused = assertThrows(Pictures.Refused.class, () -> pictures().keep("cat.png", html));
        assertEquals("\"cat.png\" is not an image: attach a JPEG, PNG, GIF or WebP picture.", refused.getMessage());
        assertTrue(!Files.exists(new AttachmentStore(home).folder()), "nothing was written");
    }

    @Test
    void a_file_over_20_mb_is_refused_before_it_is_read() {
        byte[] big = new byte[(20 << 20) + 1];
        big[0] = (byte) 0xff;
        big[1] = (byte) 0xd8;
        big[2] = (byte) 0xff;
        Pictures.Refused refused = assertThrows(Pictures.Refused.class, () -> pictures().keep("huge.jpg", big));
        assertEquals("\"huge.jpg\" is over 20 MB: attach a smaller image.", refused.getMessage());
    }

    /** A PNG whose header claims 60,000 x 60,000 pixels: decoding it whole would take 14 GB. */
    @Test
    void a_picture_that_claims_billions_of_pixels_is_refused_without_decoding_it() throws Exception {
        byte[] bytes = png(8, 8, false);
        ByteBuffer header = ByteBuffer.wrap(bytes);
        header.putInt(16, 60_000).putInt(20, 60_000); // IHDR width and height
        CRC32 crc = new CRC32();
        crc.update(bytes, 12, 17); // "IHDR" and its 13 bytes
        header.putInt(29, (int) crc.getValue());
        Pictures.Refused refused = assertThrows(Pictures.Refused.class, () -> pictures().keep("bomb.png", bytes));
        assertTrue(refused.getMessage().startsWith("\"bomb.png\" claims 60000 x 60000 pixels"), refused.getMessage());
    }

    @Test
    void a_damaged_jpeg_gets_a_sentence_not_a_stack_trace() {
        byte[] bytes = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0, 1, 2, 3, 4, 5};
        Pictures.Refused refused = assertThrows(Pictures.Refused.class, () -> pictures().keep("broken.jpg", bytes));
        assertEquals("\"broken.jpg\" could not be read as an image: it may be damaged.", refused.getMessage());
    }

    @Test
    void the_same_picture_attached_twice_is_kept_once() throws Exception {
        byte[] bytes = png(32, 32, false);
        Attachment first = pictures().keep("a.png", bytes);
        Attachment second = pictures().keep("b.png", bytes);
        assertEquals(first.file(), second.file());
        try (var files = Files.list(new AttachmentStore(home).folder())) {
            assertEquals(1, files.count());
        }
    }
}
