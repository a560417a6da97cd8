package bnagpt.devs.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files only their owner can read, written so that nothing is ever half there: the bytes go
 * to a temporary file beside the real one, all of them (a write may take only part: a full
 * disk), are forced to disk, and only then replace the old file in one atomic rename. When
 * anything fails, the old file is left exactly as it was.
 */
public final class PrivateFiles {
    private PrivateFiles() {}

    public static void write(Path file, byte[] bytes) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        boolean posix = createFolder(folder);
        Path temporary = folder.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            if (posix) {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeAll(channel, ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** One write may take only part of the bytes: go on until all are written, or the channel fails. */
    static void writeAll(FileChannel channel, ByteBuffer bytes) throws IOException {
        int idle = 0;
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) > 0) {
                idle = 0;
            } else if (++idle == 3) { // a file channel that takes nothing three times will take nothing more
                throw new IOException("the disk took no more bytes (" + bytes.remaining() + " left to write)");
            }
        }
    }

    /** Makes FOLDER, open to its owner only, if it is not there; says whether its file system has POSIX modes. */
    public static boolean createFolder(Path folder) throws IOException {
        boolean posix = folder.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(folder)) {
            if (posix) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(folder);
            }
        }
        return posix;
    }

    /** Makes FILE, open to its owner only, if it is not there (another program may make it at the same moment). */
    public static void createFile(Path file) throws IOException {
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // It is there: that is all we need.
        }
    }
}
