package bnagpt.devs.llm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The body of POST /audio/transcriptions: multipart/form-data (RFC 7578), as a browser's form
 * sends a file. Each field is a part between boundary lines; the file's part names the file,
 * whose extension tells Groq the format. The JDK's HttpClient has no multipart body of its own.
 */
final class TranscriptionForm {
    private final String boundary;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** A random boundary: it must not occur in the audio, and 32 random hex digits will not. */
    TranscriptionForm() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.boundary = "bnagpt-" + HexFormat.of().formatHex(random);
    }

    static TranscriptionForm of(Map<String, String> fields, String fileName, byte[] audio) {
        TranscriptionForm form = new TranscriptionForm();
        fields.forEach(form::field);
        form.file(fileName, audio);
        return form;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    void field(String name, String value) {
        part("form-data; name=\"" + name + "\"", null);
        write(value.getBytes(StandardCharsets.UTF_8));
    }

    void file(String fileName, byte[] audio) {
        // A quote or a line break in the name would end the header: RFC 7578 percent-encodes them.
        String safe = fileName.replace("%", "%25").replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
        part("form-data; name=\"file\"; filename=\"" + safe + "\"", "application/octet-stream");
        write(audio);
    }

    /** The whole body, closing boundary included. */
    byte[] bytes() {
        ByteArrayOutputStream whole = new ByteArrayOutputStream(body.size() + 64);
        whole.writeBytes(body.toByteArray());
        whole.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return whole.toByteArray();
    }

    private void part(String disposition, String type) {
        String start = (body.size() == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Disposition: " + disposition
                + "\r\n" + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n";
        write(start.getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] bytes) {
        body.writeBytes(bytes);
    }
}
