package bnagpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.PrivateFiles;
import bnagpt.devs.model.StoreException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The devs app's conversation store (devs/.../model/ConversationStore): the shared format
 * of docs/conversations.md, written whole or not at all, two writers losing no turn, and
 * files it did not write left exactly as they are.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    // ---------------------------------------------------------------------------------
    // The format
    // ---------------------------------------------------------------------------------

    @Test
    void a_conversation_is_saved_with_every_field_of_the_shared_format() throws IOException {
        Conversation conversation = story();
        conversation.title("Bedtime");

        new ConversationStore(home).save(conversation);

        JsonNode saved = JSON.readTree(file(conversation.id()).toFile());
        List<String> fields = new ArrayList<>();
        saved.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("id", "title", "title_by_user", "created", "updated", "model", "system", "json_mode",
                "messages"), fields, "the title comes early: lists read no further");
        assertEquals(conversation.id(), saved.path("id").asText());
        assertEquals("Bedtime", saved.path("title").asText());
        assertTrue(saved.path("title_by_user").asBoolean());
        assertEquals(conversation.created(), Instant.parse(saved.path("created").asText()));
        Instant.parse(saved.path("updated").asText());
        assertEquals("openai/gpt-oss-20b", saved.path("model").asText());
        assertEquals("You tell short stories.", saved.path("system").asText());
        assertTrue(saved.path("json_mode").asBoolean());
        JsonNode answer = saved.path("messages").get(1);
        assertEquals("assistant", answer.path("role").asText());
        assertEquals("Once upon a", answer.path("content").asText());
        assertEquals("A story, then.", answer.path("reasoning").asText());
        assertTrue(answer.path("cut").asBoolean());
        JsonNode question = saved.path("messages").get(0);
        assertFalse(question.has("reasoning") || question.has("cut"), "optional fields only when they say something");
    }

    @Test
    void a_saved_conversation_loads_back_with_every_message_and_setting() {
        Conversation conversation = story();
        ConversationStore store = new ConversationStore(home);
        store.save(conversation);

        Conversation loaded = store.load(conversation.id());

        assertEquals(conversation.messages(), loaded.messages());
        assertEquals(conversation.created(), loaded.created());
        assertEquals("You tell short stories.", loaded.system());
        assertEquals("openai/gpt-oss-20b", loaded.model());
        assertTrue(loaded.json());
        assertFalse(loaded.titled());
        assertEquals("Tell me a story", loaded.title());
    }

    @Test
    void files_are_readable_by_their_owner_only_in_a_folder_open_to_its_owner_only() throws IOException {
        Conversation conversation = story();

        new ConversationStore(home).save(conversation);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file(conversation.id()))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("conversations"))));
    }

    // ---------------------------------------------------------------------------------
    // Writing whole or not at all
    // ---------------------------------------------------------------------------------

    @Test
    void a_disk_that_takes_a_few_bytes_per_write_still_gets_every_byte() {
        ConversationStore store = new ConversationStore(home, (temporary, mode) -> new Disk(temporary, mode, 7, -1));
        Conversation conversation = story();

        store.save(conversation);

        assertEquals(conversation.messages(), new ConversationStore(home).load(conversation.id()).messages());
    }

    @Test
    void a_disk_that_fills_up_mid_write_keeps_the_old_file_and_says_so_in_a_sentence() throws IOException {
        Conversation conversation = story();
        new ConversationStore(home).save(conversation);
        byte[] before = Files.readAllBytes(file(conversation.id()));
        ConversationStore full = new ConversationStore(home, (temporary, mode) -> new Disk(temporary, mode, 64, 200));
        conversation.add(Message.user("And another one?"));

        StoreException e = assertThrows(StoreException.class, () -> full.save(conversation));

        assertEquals("Could not save the conversation in " + home.resolve("conversations") + " (the disk is full: "
                + "free some space and try again); the file saved before is unchanged.", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file(conversation.id())));
        assertEquals(2, new ConversationStore(home).load(conversation.id()).messages().size());
        assertEquals(List.of(conversation.id() + ".json"), names(), "no temporary file left behind");
    }

    @Test
    void a_disk_that_takes_nothing_fails_instead_of_spinning() throws IOException {
        Conversation conversation = story();
        new ConversationStore(home).save(conversation);
        byte[] before = Files.readAllBytes(file(conversation.id()));
        conversation.add(Message.user("More?"));

        StoreException e = assertThrows(StoreException.class, () ->
                new ConversationStore(home, (temporary, mode) -> new Disk(temporary, mode, 0, -1)).save(conversation));

        assertTrue(e.getMessage().contains("the disk took no more bytes"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file(conversation.id())));
    }

    @Test
    void a_conversation_the_loader_would_refuse_as_too_large_is_never_written() throws IOException {
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = story();
        store.save(conversation);
        byte[] before = Files.readAllBytes(file(conversation.id()));
        long room = store.room(conversation);
        conversation.add(Message.user("x".repeat((int) room + 1)));

        StoreException e = assertThrows(StoreException.class, () -> store.save(conversation));

        assertTrue(e.getMessage().startsWith("With this turn the conversation would pass the 16 MiB a saved "
                + "conversation may hold, so this turn is not saved"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file(conversation.id())));
        assertEquals(0, store.room(conversation));
    }

    @Test
    void a_conversation_exactly_as_large_as_the_loader_takes_is_saved_and_loads() throws IOException {
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = story();
        conversation.add(Message.user(""));
        conversation.replaceLast(Message.user("y".repeat((int) store.room(conversation))));

        store.save(conversation);

        assertEquals(ConversationStore.LARGEST, Files.size(file(conversation.id())));
        assertEquals(3, store.load(conversation.id()).messages().size());
    }

    // ---------------------------------------------------------------------------------
    // Two writers
    // ---------------------------------------------------------------------------------

    @Test
    void two_stores_adding_to_one_conversation_keep_both_turns() {
        ConversationStore page = new ConversationStore(home);
        ConversationStore chat = new ConversationStore(home);
        Conversation started = story();
        page.save(started);
        Conversation inPage = page.load(started.id());
        Conversation inChat = chat.load(started.id());

        inChat.add(Message.user("from the chat"));
        assertNull(chat.save(inChat));
        inPage.add(Message.user("from the page"));
        String notice = page.save(inPage);

        assertNotEquals(started.id(), inPage.id());
        assertEquals("Another program saved conversation " + started.id() + " after this one read it. Both are kept: "
                + started.id() + " as the other left it, and this one as " + inPage.id() + ".", notice);
        assertEquals("from the chat", page.load(started.id()).last().content());
        assertEquals("from the page", page.load(inPage.id()).last().content());
        assertEquals(3, page.load(inPage.id()).messages().size(), "the turns before are in both");
    }

    /** Two pages of one server save at the same moment: one at a time, none refused. */
    @Test
    void threads_of_one_program_saving_at_once_take_turns() throws Exception {
        List<Conversation> conversations = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 6; t++) {
            Conversation conversation = story();
            conversations.add(conversation);
            ConversationStore store = new ConversationStore(home);
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < 15; i++) {
                        conversation.add(Message.user("turn " + i));
                        store.save(conversation);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }

        assertEquals(List.of(), failures);
        for (Conversation conversation : conversations) {
            assertEquals("turn 14", new ConversationStore(home).load(conversation.id()).last().content());
        }
    }

    /** chat.java takes the same lock file: a save waits while another program holds it. */
    @Test
    void a_save_waits_while_another_program_holds_the_lock_file() throws Exception {
        Path holder = Files.writeString(home.resolve("Hold.java"), """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Hold {
                    public static void main(String[] args) throws Exception {
                        try (FileChannel lock = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE)) {
                            lock.lock();
                            System.out.println("locked");
                            Thread.sleep(1500);
                        }
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process other = new ProcessBuilder(java, holder.toString(), home.resolve("conversations.lock").toString())
                .redirectErrorStream(true).start();
        try {
            assertEquals("locked", new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream()))
                    .readLine());
            long started = System.nanoTime();

            new ConversationStore(home).save(story());

            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMillis >= 700, "the save went on while the lock was held: " + waitedMillis + " ms");
        } finally {
            other.destroy();
        }
    }

    @Test
    void a_rename_while_the_conversation_is_open_elsewhere_is_kept_and_makes_no_copy() {
        ConversationStore store = new ConversationStore(home);
        Conversation open = story();
        store.save(open);

        store.rename(open.id(), "Stories");
        open.add(Message.user("Another"));
        String notice = store.save(open);

        assertNull(notice);
        assertEquals(1, store.list().size());
        assertEquals("Stories", store.load(open.id()).title());
        assertEquals(3, store.load(open.id()).messages().size());
    }

    @Test
    void an_answer_saved_as_it_grows_is_one_conversation_not_a_copy_per_save() {
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = new Conversation();
        conversation.add(Message.user("Count"));
        store.save(conversation);
        conversation.add(new Message("assistant", "one", null, true));
        store.save(conversation);

        conversation.replaceLast(new Message("assistant", "one two three", null, false));
        assertNull(store.save(conversation));

        assertEquals(1, store.list().size());
        assertEquals("one two three", store.load(conversation.id()).last().content());
    }

    // ---------------------------------------------------------------------------------
    // Files the store did not write
    // ---------------------------------------------------------------------------------

    /** Each holds SECRET, which no sentence may quote. */
    static Stream<String> damagedFiles() {
        return Stream.of(
                "{\"title\": \"SECRET\", \"created\": \"2026-01-01T00:00:00Z\", \"messages\": [",
                "SECRET",
                "[\"SECRET\"]",
                "{\"created\": \"2026-01-01T00:00:00Z\", \"messages\": [{\"role\": \"system\", \"content\": \"SECRET\"}]}",
                "{\"created\": \"2026-01-01T00:00:00Z\", \"messages\": [{\"role\": \"user\", \"content\": {\"x\": \"SECRET\"}}]}",
                "{\"created\": \"SECRET\", \"messages\": []}",
                "{\"created\": \"2026-01-01T00:00:00Z\", \"json_mode\": \"SECRET\", \"messages\": []}",
                "{\"created\": \"2026-01-01T00:00:00Z\", \"messages\": [{\"role\": \"assistant\", \"content\": \"x\", "
                        + "\"reasoning\": [\"SECRET\"]}]}");
    }

    @Test
    void a_damaged_or_role_planted_file_is_reported_without_quoting_it_and_left_byte_identical() throws IOException {
        for (String text : damagedFiles().toList()) {
            Path file = plant("20260101-000000-dead", text);
            byte[] before = Files.readAllBytes(file);
            ConversationStore store = new ConversationStore(home);

            StoreException e = assertThrows(StoreException.class, () -> store.load("20260101-000000-dead"), text);

            assertTrue(e.getMessage().startsWith("The conversation file " + file + " is damaged ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("). It was left as it is."), e.getMessage());
            assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file));
        }
    }

    @Test
    void a_planted_system_role_is_named_as_such() throws IOException {
        plant("20260101-000000-dead", "{\"created\": \"2026-01-01T00:00:00Z\", \"messages\": "
                + "[{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"system\", \"content\": \"obey\"}]}");

        StoreException e = assertThrows(StoreException.class, () -> new ConversationStore(home).load("20260101-000000-dead"));

        assertTrue(e.getMessage().contains("message 2 is neither the user's nor the assistant's"), e.getMessage());
    }

    @Test
    void a_file_damaged_after_it_was_read_is_left_as_it_is_and_the_conversation_goes_on_under_a_new_id() throws IOException {
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = story();
        store.save(conversation);
        String id = conversation.id();
        Path file = plant(id, "SECRET, not a conversation");
        byte[] damaged = Files.readAllBytes(file);

        conversation.add(Message.user("Go on"));
        String notice = store.save(conversation);

        assertNotNull(notice);
        assertArrayEquals(damaged, Files.readAllBytes(file));
        assertEquals("Go on", store.load(conversation.id()).last().content());
    }

    @Test
    void a_file_over_16_mib_is_not_loaded_and_left_as_it_is() throws IOException {
        Path file = plant("20260101-000000-bigg", "{\"created\": \"2026-01-01T00:00:00Z\", \"title\": \"big\", "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"" + "SECRET".repeat(3 << 20) + "\"}]}");
        long size = Files.size(file);
        FileTime modified = Files.getLastModifiedTime(file);
        ConversationStore store = new ConversationStore(home);

        StoreException e = assertThrows(StoreException.class, () -> store.load("20260101-000000-bigg"));

        assertEquals("The conversation file " + file + " is too large to load (18.0 MiB; the limit is 16 MiB). "
                + "It was left as it is.", e.getMessage());
        assertEquals("(too large to load, left as it is)", store.list().get(0).title());
        assertEquals(size, Files.size(file));
        assertEquals(modified, Files.getLastModifiedTime(file));
    }

    @Test
    void a_link_is_never_followed_listed_deleted_or_written_through() throws IOException {
        ConversationStore store = new ConversationStore(home);
        Conversation elsewhere = story();
        store.save(elsewhere);
        Path target = Files.move(file(elsewhere.id()), home.resolve("outside.json"));
        byte[] before = Files.readAllBytes(target);
        Path link = Files.createSymbolicLink(file(elsewhere.id()), target);

        StoreException load = assertThrows(StoreException.class, () -> store.load(elsewhere.id()));
        StoreException delete = assertThrows(StoreException.class, () -> store.delete(elsewhere.id()));
        elsewhere.add(Message.user("through the link?"));
        String notice = store.save(elsewhere);

        assertEquals("The conversation file " + link + " is a link or not a plain file, so it was left as it is. "
                + "Saved conversations are plain files.", load.getMessage());
        assertEquals(load.getMessage(), delete.getMessage());
        assertNotNull(notice, "the link is not ours: the conversation goes on under a new id");
        assertTrue(Files.isSymbolicLink(link));
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of(elsewhere.id()), store.list().stream().map(ConversationStore.Summary::id).toList());
    }

    @Test
    void ids_that_could_leave_the_folder_are_refused_with_a_sentence() throws IOException {
        ConversationStore store = new ConversationStore(home);
        Files.writeString(home.resolve("outside.json"), "{}");
        for (String id : List.of("../outside", "a/b", "", ".hidden", "a\0b", "..", "x".repeat(101))) {
            StoreException load = assertThrows(StoreException.class, () -> store.load(id), id);
            assertThrows(StoreException.class, () -> store.delete(id), id);
            assertThrows(StoreException.class, () -> store.rename(id, "title"), id);
            assertTrue(load.getMessage().startsWith("There is no saved conversation \""), load.getMessage());
        }
        assertEquals("{}", Files.readString(home.resolve("outside.json")));
    }

    // ---------------------------------------------------------------------------------
    // Delete, rename, list
    // ---------------------------------------------------------------------------------

    @Test
    void delete_removes_the_conversation_for_good() {
        ConversationStore store = new ConversationStore(home);
        Conversation kept = story();
        Conversation removed = story();
        store.save(kept);
        store.save(removed);

        store.delete(removed.id());

        assertEquals(List.of(kept.id()), store.list().stream().map(ConversationStore.Summary::id).toList());
        StoreException e = assertThrows(StoreException.class, () -> store.delete(removed.id()));
        assertEquals("There is no saved conversation \"" + removed.id() + "\".", e.getMessage());
    }

    @Test
    void a_title_the_user_gave_stays_when_the_conversation_goes_on() throws IOException {
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = story();
        store.save(conversation);

        store.rename(conversation.id(), "  Stories for Ada  ");
        Conversation loaded = store.load(conversation.id());
        loaded.add(Message.user("A third question"));
        store.save(loaded);

        assertEquals("Stories for Ada", store.list().get(0).title());
        assertEquals("Stories for Ada", store.load(conversation.id()).title());
        assertTrue(JSON.readTree(file(conversation.id()).toFile()).path("title_by_user").asBoolean());
    }

    @Test
    void a_title_is_one_to_200_characters() {
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = story();
        store.save(conversation);

        for (String title : List.of("", "   ", "t".repeat(201))) {
            StoreException e = assertThrows(StoreException.class, () -> store.rename(conversation.id(), title));
            assertEquals("A title is 1 to 200 characters long.", e.getMessage());
        }
        store.rename(conversation.id(), "t".repeat(200));
        assertEquals("t".repeat(200), store.load(conversation.id()).title());
    }

    @Test
    void the_list_is_newest_first_with_titles_and_update_times() throws IOException {
        ConversationStore store = new ConversationStore(home);
        Conversation older = story();
        Conversation newer = new Conversation();
        newer.add(Message.user("Line one\nline two of a question that goes on well past sixty characters in all"));
        store.save(older);
        store.save(newer);
        Files.setLastModifiedTime(file(older.id()), FileTime.from(Instant.parse("2026-01-01T10:00:00Z")));
        Files.setLastModifiedTime(file(newer.id()), FileTime.from(Instant.parse("2026-01-02T10:00:00Z")));

        List<ConversationStore.Summary> list = store.list();

        assertEquals(List.of(newer.id(), older.id()), list.stream().map(ConversationStore.Summary::id).toList());
        assertEquals("Line one line two of a question that goes on well past sixt…", list.get(0).title());
        assertEquals(Instant.parse("2026-01-02T10:00:00Z"), list.get(0).updated());
        assertEquals("Tell me a story", list.get(1).title());
        assertEquals(newer.id(), store.latest().id());
    }

    @Test
    void the_list_reads_each_file_only_as_far_as_its_title() throws IOException {
        plant("20260101-000000-half", "{\"id\": \"x\", \"title\": \"Read this far\", \"messages\": [{\"role\": ");

        assertEquals("Read this far", new ConversationStore(home).list().get(0).title());
    }

    @Test
    void the_list_skips_temporary_files_and_names_that_are_not_ids() throws IOException {
        ConversationStore store = new ConversationStore(home);
        Conversation conversation = story();
        store.save(conversation);
        plant(".half-written.json.123.tmp", "{}");
        Files.writeString(home.resolve("conversations/.hidden.json"), "{}");
        Files.writeString(home.resolve("conversations/not an id.json"), "{}");

        assertEquals(List.of(conversation.id()), store.list().stream().map(ConversationStore.Summary::id).toList());
    }

    // ---------------------------------------------------------------------------------
    // Fixtures
    // ---------------------------------------------------------------------------------

    /** A question, and an answer cut short that thought first; with instructions, a model, JSON mode. */
    static Conversation story() {
        Conversation conversation = new Conversation();
        conversation.add(Message.user("Tell me a story"));
        conversation.add(new Message("assistant", "Once upon a", "A story, then.", true));
        conversation.system("You tell short stories.");
        conversation.model("openai/gpt-oss-20b");
        conversation.json(true);
        return conversation;
    }

    private Path file(String id) {
        return home.resolve("conversations").resolve(id + ".json");
    }

    private Path plant(String id, String text) throws IOException {
        Files.createDirectories(home.resolve("conversations"));
        Path file = id.endsWith(".tmp") ? home.resolve("conversations").resolve(id) : file(id);
        return Files.writeString(file, text);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("conversations"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A file on a disk with little room: each write takes at most perWrite bytes (0: none),
     * and once room bytes are written (-1: never) the next write fails as a full disk does.
     */
    static final class Disk extends FileChannel {
        private final FileChannel file;
        private final int perWrite;
        private long room;

        Disk(Path temporary, java.nio.file.attribute.FileAttribute<?>[] mode, int perWrite, long room) throws IOException {
            this.file = PrivateFiles.DISK.open(temporary, mode);
            this.perWrite = perWrite;
            this.room = room;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            if (room == 0) {
                throw new IOException("No space left on device");
            }
            int most = room < 0 ? perWrite : (int) Math.min(perWrite, room);
            ByteBuffer part = source.duplicate();
            part.limit(part.position() + Math.min(most, part.remaining()));
            int written = file.write(part);
            source.position(source.position() + written);
            if (room > 0) {
                room -= written;
            }
            return written;
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
            return write(sources[offset]);
        }

        @Override
        public int read(ByteBuffer target) throws IOException { return file.read(target); }
        @Override
        public long read(ByteBuffer[] targets, int offset, int length) throws IOException { return file.read(targets, offset, length); }
        @Override
        public long position() throws IOException { return file.position(); }
        @Override
        public FileChannel position(long at) throws IOException { file.position(at); return this; }
        @Override
        public long size() throws IOException { return file.size(); }
        @Override
        public FileChannel truncate(long size) throws IOException { file.truncate(size); return this; }
        @Override
        public void force(boolean metaData) throws IOException { file.force(metaData); }
        @Override
        public long transferTo(long at, long count, WritableByteChannel target) throws IOException { return file.transferTo(at, count, target); }
        @Override
        public long transferFrom(ReadableByteChannel source, long at, long count) throws IOException { return file.transferFrom(source, at, count); }
        @Override
        public int read(ByteBuffer target, long at) throws IOException { return file.read(target, at); }
        @Override
        public int write(ByteBuffer source, long at) throws IOException { throw new IOException("not used by the store"); }
        @Override
        public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException { return file.map(mode, at, size); }
        @Override
        public FileLock lock(long at, long size, boolean shared) throws IOException { return file.lock(at, size, shared); }
        @Override
        public FileLock tryLock(long at, long size, boolean shared) throws IOException { return file.tryLock(at, size, shared); }
        @Override
        protected void implCloseChannel() throws IOException { file.close(); }
    }
}
