package bnagpt;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Pictures for the page's tests, made here (nothing fetched): a plain one, a noisy (large) one, and a fake. */
final class WebPictures {
    private WebPictures() {}

    /** A WIDTH x HEIGHT picture in FORMAT ("png", "jpg"): two colours, a few kilobytes. */
    static byte[] plain(int width, int height, String format) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0x6d32cd));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return write(image, format);
    }

    /** A little landscape (sky, sun, hills), for the README's picture of a described image. */
    static byte[] landscape(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new java.awt.GradientPaint(0, 0, new Color(0x87ceeb), 0, height, new Color(0xf6e7c1)));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(0xffc93c));
        g.fillOval(width * 2 / 3, height / 8, width / 6, width / 6);
        g.setColor(new Color(0x5c9e4a));
        g.fillOval(-width / 4, height / 2, width, height);
        g.setColor(new Color(0x3f7d3a));
        g.fillOval(width / 3, height * 3 / 5, width, height);
        g.dispose();
        return write(image, "png");
    }

    /** Random pixels: a PNG that no compression makes small (3 bytes a pixel). */
    static byte[] noisy(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return write(image, "png");
    }

    /** A web page, as a file named like a picture would be. */
    static final String NOT_A_PICTURE = "<!doctype html><html><body><script>alert('pwned')</script></body></html>";

    static int[] size(byte[] picture) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(picture));
            return new int[] {image.getWidth(), image.getHeight()};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
