package bnagpt;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The files Read Documents refuses (issue 16, case 4), each with the one sentence it is
 * refused with, the same in the page and on the command line: an encrypted PDF, a scan with
 * no text, a binary file named .txt, and a 100 MB PDF (sparse: it takes no room on disk).
 */
final class BadDocuments {
    private BadDocuments() {}

    /** Writes them into FOLDER: each file, and its sentence. */
    static Map<Path, String> writtenIn(Path folder) throws IOException {
        Path big = folder.resolve("huge.pdf");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(100L << 20);
        }
        return Map.of(
                Files.write(folder.resolve("locked.pdf"), SamplePdf.encrypted()),
                "\"locked.pdf\" is encrypted with a password, so it cannot be read: attach a copy saved without the password.",
                Files.write(folder.resolve("scan.pdf"), SamplePdf.scanned(1)),
                "\"scan.pdf\" has no text to read (a scan?): attach a PDF with text, or its text as .txt.",
                Files.write(folder.resolve("photo.txt"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0}),
                "\"photo.txt\" is not UTF-8 text (a binary file?): attach text saved as UTF-8, or a PDF.",
                big, "\"huge.pdf\" is 100 MB; documents up to 32 MB can be attached. Attach a part of it.");
    }
}
