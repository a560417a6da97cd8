package bnagpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bnagpt.chat.ConversationStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up takes only part of a write, and then refuses the rest. A save must
 * write every byte or fail with a sentence, keeping the file it would have replaced: first
 * against channels that take a few bytes at a time, or none; then for real, on a 64 KiB
 * tmpfs (mounted for the test: root only, skipped with a note elsewhere).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FullDiskTest {
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path mountPoint;

    /** A channel that takes at most {@code most} bytes per write, as a filling disk does. */
    private static final class ShortWrites implements WritableByteChannel {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final int most;

        ShortWrites(int most) {
            this.most = most;
        }

        @Override
        public int write(ByteBuffer source) {
            int n = Math.min(most, source.remaining());
            byte[] piece = new byte[n];
            source.get(piece);
            written.write(piece, 0, n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void a_channel_that_takes_three_bytes_at_a_time_gets_every_byte() throws IOException {
        byte[] bytes = "{\"messages\": [\"every byte of this\"]}".getBytes(StandardCharsets.UTF_8);
        ShortWrites channel = new ShortWrites(3);

        chat.writeAll(channel, ByteBuffer.wrap(bytes));

        assertArrayEquals(bytes, channel.written.toByteArray());
    }

    @Test
    void a_channel_that_takes_nothing_fails_rather_than_loop_forever() {
        IOException e = assertThrows(IOException.class,
                () -> chat.writeAll(new ShortWrites(0), ByteBuffer.wrap(new byte[10])));

        assertEquals("the disk took none of the last 10 bytes", e.getMessage());
    }

    @Test
    void on_a_full_disk_turn_2_with_c_says_it_is_not_saved_and_keeps_turn_1() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(mountPoint, "64k")) {
            Map<String, String> env = Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", disk.path().toString(),
                    "NO_COLOR", "1");
            // About 20 KB of answer: the file fits. Then 60 KB more: the new file cannot.
            ChatCommand.Result first = ChatCommand.run(env, "", "-q", "Tell me a long story #mock:tokens=4000");
            assertEquals(0, first.exitCode(), first.stderr());
            List<String> saved = new ConversationStore(disk.path()).list();
            assertEquals(1, saved.size(), saved.toString());
            String id = saved.get(0).split(" ")[0];

            ChatCommand.Result second = ChatCommand.run(env, "", "-q", "-c", "And a longer one #mock:tokens=12000");

            assertEquals(1, second.exitCode(), second.stderr());
            assertTrue(second.stderr().startsWith("Could not save the conversation in "), second.stderr());
            assertTrue(second.stderr().contains("No space left on device"), second.stderr());
            // Turn 1 as it was, and the question of turn 2, saved (small) before it was sent.
            List<chat.Message> kept = new ConversationStore(disk.path()).load(id).messages();
            assertTrue(kept.get(1).content().length() > 15_000 && !kept.get(1).cut(), "turn 1's answer, whole");
            assertEquals("And a longer one #mock:tokens=12000", kept.get(2).content());
            assertTrue(kept.size() == 3 || kept.size() == 4 && kept.get(3).cut(), "at most a part of the answer "
                    + "saved on its way, marked cut: " + kept.size() + " messages");
        }
    }

    @Test
    void on_a_full_disk_part_1_says_the_save_failed_and_keeps_the_file_it_had() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(mountPoint, "64k")) {
            Map<String, String> env = Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", disk.path().toString());
            ChatCommand.Result run = BeginnerProcessTest.runWith(BeginnerProcessTest.PART_1, env,
                    "Once #mock:tokens=3000\n/save story\nTwice #mock:tokens=12000\n/save story\n");

            assertTrue(run.stderr().contains("Could not use "), run.stderr());
            assertTrue(run.stderr().contains("No space left on device"), run.stderr());
            Path file = disk.path().resolve("101s-conversations/story.json");
            String text = Files.readString(file);
            assertTrue(text.strip().endsWith("}"), "whole JSON");
            assertEquals(2, new com.fasterxml.jackson.databind.ObjectMapper().readTree(text).path("messages").size());
        }
    }

    /** A tmpfs of the given size at DIR, unmounted on close; the test is skipped where mount is not allowed. */
    record Tmpfs(Path path) implements AutoCloseable {
        static Tmpfs mount(Path dir, String size) throws Exception {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs",
                    dir.toString()).redirectErrorStream(true).start();
            boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
            assumeTrue(mounted, "could not mount a tmpfs (needs root): "
                    + new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            return new Tmpfs(dir);
        }

        @Override
        public void close() throws Exception {
            new ProcessBuilder("umount", path.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
