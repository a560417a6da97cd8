package bnagpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk (issue 14, case 1): BNAGPT_HOME on a 64 KiB tmpfs, filled up. Mounting
 * needs root (CI's container has it); elsewhere the test is skipped with a note, and
 * DevsStoreTest's failing channel covers the same path.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsStoreFullDiskTest {
    @TempDir
    Path mountPoint;

    private boolean mounted;

    @BeforeEach
    void mountATinyDisk() throws Exception {
        mounted = command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint.toString());
        assumeTrue(mounted, "skipped: `mount -t tmpfs` needs root; DevsStoreTest's failing channel covers this");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            command("umount", mountPoint.toString());
        }
    }

    @Test
    void a_save_on_a_full_disk_fails_with_a_sentence_and_keeps_the_old_file_readable() throws IOException {
        ConversationStore store = new ConversationStore(mountPoint);
        Conversation conversation = new Conversation();
        conversation.add(Message.user("Why is the sky blue?"));
        conversation.add(Message.assistant("Rayleigh scattering."));
        store.save(conversation);
        Path file = mountPoint.resolve("conversations").resolve(conversation.id() + ".json");
        byte[] before = Files.readAllBytes(file);
        fill(mountPoint.resolve("filler"));
        conversation.add(Message.user("Tell me more, at length: " + "why? ".repeat(4000)));

        StoreException e = assertThrows(StoreException.class, () -> store.save(conversation));

        assertEquals("Could not save the conversation in " + mountPoint.resolve("conversations") + " (the disk is "
                + "full: free some space and try again); the file saved before is unchanged.", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(2, new ConversationStore(mountPoint).load(conversation.id()).messages().size());
        assertEquals(List.of(conversation.id() + ".json"), names(mountPoint.resolve("conversations")),
                "no temporary file left to fill the disk");

        Files.delete(mountPoint.resolve("filler"));
        store.save(conversation);
        assertEquals(3, new ConversationStore(mountPoint).load(conversation.id()).messages().size());
    }

    /** Writes until the disk refuses: then it is full to the last block. */
    private static void fill(Path filler) {
        byte[] block = new byte[1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left"), full.toString());
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean command(String... words) throws Exception {
        try {
            Process process = new ProcessBuilder(words).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
