package bnagpt.devs.controller;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Joins the wav files of an answer's pieces into one. A wav is RIFF: "RIFF", a size, "WAVE",
 * then chunks (an id, a little-endian size, the data, padded to an even length); "fmt " says
 * how the sound is coded, "data" holds the samples. Pieces of one voice share their "fmt ", so
 * joining them is one "fmt " and every piece's samples, one after the other.
 */
public final class VoiceWav {
    private VoiceWav() {}

    /** The pieces could not be joined; the message says why. */
    public static final class NotJoined extends RuntimeException {
        NotJoined(String sentence) {
            super(sentence, null, false, false);
        }
    }

    public static byte[] join(List<byte[]> wavs) {
        byte[] format = null;
        ByteArrayOutputStream samples = new ByteArrayOutputStream();
        for (byte[] wav : wavs) {
            byte[] fmt = chunk(wav, "fmt ");
            byte[] data = chunk(wav, "data");
            if (fmt == null || data == null) {
                throw new NotJoined("A piece of speech from the server is not a wav file, so the answer could not be "
                        + "written as one.");
            }
            if (format != null && !Arrays.equals(format, fmt)) {
                throw new NotJoined("The server's pieces of speech came in different formats, so they could not be "
                        + "joined into one wav.");
            }
            format = fmt;
            samples.writeBytes(data);
        }
        if (format == null) {
            throw new NotJoined("There was nothing to read aloud.");
        }
        byte[] data = samples.toByteArray();
        ByteBuffer wav = ByteBuffer.allocate(12 + 8 + format.length + 8 + data.length + data.length % 2)
                .order(ByteOrder.LITTLE_ENDIAN);
        wav.put(ascii("RIFF")).putInt(wav.capacity() - 8).put(ascii("WAVE"));
        wav.put(ascii("fmt ")).putInt(format.length).put(format);
        wav.put(ascii("data")).putInt(data.length).put(data);
        return wav.array();
    }

    /**
     * The data of the wav's first chunk ID, or null. A streamed wav may not know its data's
     * size when it starts (0 or 0xFFFFFFFF): a size past the file's end means "to the end".
     */
    static byte[] chunk(byte[] wav, String id) {
        if (wav.length < 12 || !new String(wav, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
                || !new String(wav, 8, 4, StandardCharsets.US_ASCII).equals("WAVE")) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 12; at + 8 <= wav.length; ) {
            long size = in.getInt(at + 4) & 0xffffffffL;
            long end = Math.min(wav.length, at + 8 + size);
            if (new String(wav, at, 4, StandardCharsets.US_ASCII).equals(id)) {
                return Arrays.copyOfRange(wav, at + 8, (int) end);
            }
            at = (int) Math.min(Integer.MAX_VALUE, end + (size % 2));
        }
        return null;
    }

    /** How long a wav plays, in seconds: its samples' bytes over its bytes per second (0 when unknown). */
    public static double seconds(byte[] wav) {
        byte[] fmt = chunk(wav, "fmt ");
        byte[] data = chunk(wav, "data");
        if (fmt == null || fmt.length < 16 || data == null) {
            return 0;
        }
        int bytesPerSecond = ByteBuffer.wrap(fmt).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        return bytesPerSecond <= 0 ? 0 : (double) data.length / bytesPerSecond;
    }

    private static byte[] ascii(String id) {
        return id.getBytes(StandardCharsets.US_ASCII);
    }
}
