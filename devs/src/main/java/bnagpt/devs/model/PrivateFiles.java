package bnagpt.devs.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * Files only their owner can read (0600, in folders of mode 0700), written so that nothing
 * is ever half there: the bytes go to a new temporary file beside the real one, all of them
 * (one write may take only part: a full disk), are forced to disk, and only then replace the
 * old file in one atomic rename. When anything fails, the old file is left exactly as it was
 * and the temporary one is removed.
 */
public final class PrivateFiles {
    private PrivateFiles() {}

    /** Opens the temporary file for writing. The app writes to the disk; a test passes a channel that fails. */
    @FunctionalInterface
    public interface Channels {
        FileChannel open(Path temporary, FileAttribute<?>... mode) throws IOException;
    }

    /** The real disk: a file that must not exist yet (a planted link or file there is refused, not followed). */
    public static final Channels DISK = (temporary, mode) -> FileChannel.open(temporary,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode);

    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, bytes, DISK);
    }

    public static void write(Path file, byte[] bytes, Channels channels) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        boolean posix = createFolder(folder);
        // Unique per program and thread: two saves never share a temporary file.
        Path temporary = folder.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        try {
            Files.deleteIfExists(temporary); // left by a crash of a program that had our pid
            try (FileChannel channel = posix ? channels.open(temporary, ownerOnly("rw-------")) : channels.open(temporary)) {
                writeAll(channel, ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        syncFolder(folder);
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

    /**
     * The rename is atomic at once, but lasting only once the folder itself reaches the disk.
     * Some systems cannot open a folder (Windows): there the rename is as lasting as it gets.
     */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The file is written and renamed; only its survival of a power cut is less sure.
        }
    }

    /** Makes FOLDER, open to its owner only, if it is not there; says whether its file system has POSIX modes. */
    public static boolean createFolder(Path folder) throws IOException {
        boolean posix = folder.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(folder)) {
            if (posix) {
                Files.createDirectories(folder, ownerOnly("rwx------"));
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
                Files.createFile(file, ownerOnly("rw-------"));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // It is there: that is all we need.
        }
    }

    private static FileAttribute<?> ownerOnly(String mode) {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode));
    }
}
