package bnagpt.devs.view.cli;

import bnagpt.devs.controller.Pictures;
import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of --image, read and handed to Pictures, which checks what each really is from
 * its bytes, scales a large photo and keeps it beside the conversations. Each file is read
 * no further than Pictures.LARGEST_FILE (20 MB), so a huge file or /dev/zero is refused
 * without filling the memory. Only the file's own name is kept, never its path.
 */
final class ImageFiles {
    private ImageFiles() {}

    /** Thrown with the sentence to show; the command then ends with status 2. */
    static final class Refused extends RuntimeException {
        Refused(String sentence) {
            super(sentence, null, false, false);
        }
    }

    static List<Attachment> keep(List<String> files, Pictures pictures) {
        List<Attachment> kept = new ArrayList<>();
        for (String file : files) {
            Path path = Path.of(file);
            String name = path.getFileName() == null ? file : path.getFileName().toString();
            try {
                kept.add(pictures.keep(name, read(path, file)));
            } catch (Pictures.Refused | StoreException e) {
                throw new Refused(e.getMessage());
            }
        }
        return kept;
    }

    private static byte[] read(Path path, String shown) {
        String named = Printable.line(shown, 200);
        if (Files.isDirectory(path)) {
            throw new Refused("\"" + named + "\" is a folder, not an image: give an image file to --image.");
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes((int) Pictures.LARGEST_FILE + 1);
            if (bytes.length > Pictures.LARGEST_FILE) {
                throw new Refused("\"" + named + "\" is over 20 MB: attach a smaller image.");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new Refused("There is no file \"" + named + "\": check the name given to --image.");
        } catch (IOException e) {
            throw new Refused("Could not read \"" + named + "\" (" + e.getClass().getSimpleName() + ").");
        }
    }
}
