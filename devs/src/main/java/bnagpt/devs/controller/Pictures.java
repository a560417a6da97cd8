package bnagpt.devs.controller;

import bnagpt.devs.llm.Image;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.StoreException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Images the user attaches, checked and made ready to send: what the bytes are is read from
 * the bytes (a file named photo.png that is really a web page is refused), and a large photo
 * is scaled down and saved as JPEG, so three of them stay well under Groq's 4 MB request.
 * Used by both views: the page's upload and the command line's --image. The engines read
 * them back to send ({@link #toSend}): the model sees images again at every turn, as it sees
 * the words.
 */
public final class Pictures {
    /** Groq's vision model reads at most three images a request. */
    public static final int MOST = 3;
    /** Larger than any photo a phone takes: past this the file is refused before it is read. */
    public static final long LARGEST_FILE = 20L << 20;
    /** Each image sent: three of these, in base64, stay under Groq's 4 MB. */
    static final int LARGEST_SENT = 900 * 1024;
    /** The longest side sent: more pixels than the model looks at. */
    static final int LONGEST_SIDE = 1568;
    /** A picture that claims more pixels than this is refused before it is decoded (a "decompression bomb"). */
    static final long MOST_PIXELS = 100_000_000L;

    private final AttachmentStore store;

    public Pictures(AttachmentStore store) {
        this.store = store;
    }

    /** Thrown with the one sentence the user sees. */
    public static final class Refused extends RuntimeException {
        public Refused(String sentence) {
            super(sentence, null, false, false);
        }
    }

    /** Checks BYTES, scales them if needed, and keeps them: the attachment to send. Throws Refused. */
    public Attachment keep(String name, byte[] bytes) {
        String shown = shown(name);
        if (bytes.length > LARGEST_FILE) {
            throw new Refused("\"" + shown + "\" is over 20 MB: attach a smaller image.");
        }
        String type = mediaType(bytes);
        if (type == null) {
            throw new Refused("\"" + shown + "\" is not an image: attach a JPEG, PNG, GIF or WebP picture.");
        }
        byte[] ready = bytes;
        if (type.equals("image/webp")) { // Java has no WebP decoder: sent as it is, when it is small enough
            if (bytes.length > LARGEST_SENT) {
                throw new Refused("\"" + shown + "\" is a WebP picture too large to send, and it cannot be scaled "
                        + "here: save it as JPEG or PNG and attach that.");
            }
        } else if (bytes.length > LARGEST_SENT || longestSide(bytes, shown) > LONGEST_SIDE) {
            ready = scaled(bytes, shown);
            type = "image/jpeg";
        }
        return store.keep(Attachment.IMAGE, name, type, ready);
    }

    /**
     * The images to send with WINDOW (the messages going to the model), by message index:
     * the newest first, at most MOST in all (what the vision model takes), read from the
     * store. A file that is gone or is no longer an image throws a StoreException with a
     * sentence: then nothing is sent.
     */
    public Map<Integer, List<Image>> toSend(List<Message> window) {
        Map<Integer, List<Image>> images = new TreeMap<>();
        int room = MOST;
        for (int i = window.size() - 1; i >= 0 && room > 0; i--) {
            List<Image> ofMessage = new ArrayList<>();
            for (Attachment attachment : window.get(i).images()) {
                if (ofMessage.size() == room) {
                    break;
                }
                ofMessage.add(read(attachment));
            }
            if (!ofMessage.isEmpty()) {
                images.put(i, ofMessage);
                room -= ofMessage.size();
            }
        }
        return images;
    }

    private Image read(Attachment attachment) {
        byte[] bytes;
        try {
            bytes = store.read(attachment);
        } catch (StoreException e) {
            throw new StoreException(e.getMessage() + " Nothing was sent: start a new conversation to go on without it.");
        }
        String type = mediaType(bytes); // what the file is now, not what it was said to be
        if (type == null) {
            throw new StoreException("The attached image \"" + shown(attachment.name()) + "\" in " + store.folder()
                    + " is no longer an image, so nothing was sent: start a new conversation to go on without it.");
        }
        return new Image(type, bytes);
    }

    /** The type the first bytes say, or null for anything that is not a picture we send. */
    static String mediaType(byte[] b) {
        if (b.length > 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "image/jpeg";
        }
        if (b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        if (b.length > 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return "image/gif";
        }
        if (b.length > 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
                && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    private static int longestSide(byte[] bytes, String shown) {
        return withReader(bytes, shown, reader -> Math.max(reader.getWidth(0), reader.getHeight(0)));
    }

    /** Decoded at a fraction of its size when it is huge (subsampling), then scaled to LONGEST_SIDE, as JPEG. */
    private static byte[] scaled(byte[] bytes, String shown) {
        BufferedImage source = withReader(bytes, shown, reader -> {
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if ((long) width * height > MOST_PIXELS) {
                throw new Refused("\"" + shown + "\" claims " + width + " x " + height + " pixels, more than any "
                        + "photo: it was not opened.");
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int step = Math.max(1, Math.max(width, height) / (LONGEST_SIDE * 2));
            param.setSourceSubsampling(step, step, 0, 0);
            return reader.read(0, param);
        });
        for (int side = LONGEST_SIDE; ; side = side * 3 / 4) {
            byte[] jpeg = jpeg(resize(source, side), 0.85f);
            if (jpeg.length <= LARGEST_SENT || side < 256) {
                return jpeg;
            }
        }
    }

    private static BufferedImage resize(BufferedImage source, int longest) {
        double scale = Math.min(1.0, longest / (double) Math.max(source.getWidth(), source.getHeight()));
        int width = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(source.getHeight() * scale));
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB); // JPEG has no alpha
        Graphics2D g = target.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE); // transparent parts become white, not black
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }

    private static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("writing a JPEG in memory", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private interface Reading<T> {
        T read(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(byte[] bytes, String shown, Reading<T> reading) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Refused("\"" + shown + "\" could not be read as an image: it may be damaged.");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return reading.read(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof Refused refused) {
                throw refused;
            }
            throw new Refused("\"" + shown + "\" could not be read as an image: it may be damaged.");
        }
    }

    private static String shown(String name) {
        String shown = name == null ? "image" : name.replaceAll("\\p{Cntrl}", "?").strip();
        return shown.length() > 80 ? shown.substring(0, 80) + "..." : shown;
    }
}
