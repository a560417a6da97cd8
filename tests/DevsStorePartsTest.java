package bnagpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.Attachment;
import bnagpt.devs.model.AttachmentStore;
import bnagpt.devs.model.Conversation;
import bnagpt.devs.model.ConversationStore;
import bnagpt.devs.model.Message;
import bnagpt.devs.model.Passage;
import bnagpt.devs.model.Source;
import bnagpt.devs.model.StoreException;
import bnagpt.devs.model.ToolRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a message carries beside its text in a saved conversation (docs/conversations.md):
 * a question's attachments, an answer's tool runs and passages. Written as the format says,
 * read back whole, and refused with a sentence (never quoting the file, which stays as it
 * was) when its shape is not ours.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsStorePartsTest {
    static final String HASH = "0123456789abcdef".repeat(4);

    @TempDir
    Path home;

    static Message question() {
        return Message.user("What is this?", List.of(new Attachment("image", "cat.jpg", "image/jpeg", HASH + ".jpg")));
    }

    static Message answer() {
        return new Message("assistant", "A cat [1]. 42.", "Look first.", false, List.of(), List.of(
                new ToolRun("search", "cats", null, List.of(new Source("Cats", "https://example.com/cats"))),
                new ToolRun("code", "print(6*7)", "42\n", List.of())),
                List.of(new Passage("report.pdf", 3, "Cats sleep a lot.")));
    }

    @Test
    void attachments_tool_runs_and_passages_are_written_as_the_format_says() throws IOException {
        Conversation conversation = new Conversation();
        conversation.add(question());
        conversation.add(answer());
        new ConversationStore(home).save(conversation);

        JsonNode messages = new ObjectMapper().readTree(file(conversation.id()).toFile()).path("messages");
        assertEquals(new ObjectMapper().readTree("""
                [{"kind": "image", "name": "cat.jpg", "media_type": "image/jpeg", "file": "%s.jpg"}]
                """.formatted(HASH)), messages.get(0).path("attachments"));
        assertEquals(new ObjectMapper().readTree("""
                [{"kind": "search", "input": "cats", "sources": [{"title": "Cats", "url": "https://example.com/cats"}]},
                 {"kind": "code", "input": "print(6*7)", "output": "42\\n"}]
                """), messages.get(1).path("tools"));
        assertEquals(new ObjectMapper().readTree("""
                [{"file": "report.pdf", "page": 3, "text": "Cats sleep a lot."}]
                """), messages.get(1).path("passages"));
        assertEquals(List.of(question(), answer()), new ConversationStore(home).load(conversation.id()).messages());
    }

    @Test
    void a_plain_chat_writes_none_of_these_fields() throws IOException {
        Conversation conversation = new Conversation();
        conversation.add(Message.user("hi"));
        conversation.add(Message.assistant("hello"));
        new ConversationStore(home).save(conversation);

        String text = Files.readString(file(conversation.id()));
        assertFalse(text.contains("attachments") || text.contains("tools") || text.contains("passages"), text);
    }

    /** Each holds SECRET, which no sentence may quote, and says what the sentence must say. */
    static final Map<String, String> DAMAGED = Map.of(
            "{\"role\": \"user\", \"content\": \"x\", \"attachments\": [{\"kind\": \"image\", \"name\": \"SECRET\", "
                    + "\"media_type\": \"image/jpeg\", \"file\": \"../../../etc/SECRET\"}]}",
            "message 1 has an attachment that is not a file kept beside the conversations",
            "{\"role\": \"user\", \"content\": \"x\", \"attachments\": [{\"kind\": \"image\", \"name\": \"a\", "
                    + "\"media_type\": \"text/html;SECRET\", \"file\": \"" + HASH + ".jpg\"}]}",
            "message 1 has an image that is not a JPEG, PNG, GIF or WebP picture",
            "{\"role\": \"user\", \"content\": \"x\", \"attachments\": \"SECRET\"}",
            "message 1 has attachments that are not a list",
            "{\"role\": \"assistant\", \"content\": \"x\", \"attachments\": [{\"kind\": \"image\"}]}",
            "message 1 has attachments, which belong to the user's questions",
            "{\"role\": \"user\", \"content\": \"x\", \"tools\": []}",
            "message 1 has tools, which belong to the assistant's answers",
            "{\"role\": \"assistant\", \"content\": \"x\", \"tools\": [{\"kind\": \"shell\", \"input\": \"SECRET\"}]}",
            "message 1 has a tool run that is not a search or a run of code",
            "{\"role\": \"assistant\", \"content\": \"x\", \"tools\": [{\"kind\": \"search\", \"input\": \"q\", "
                    + "\"sources\": [{\"title\": [\"SECRET\"], \"url\": \"u\"}]}]}",
            "message 1 has a search source without a title and an address",
            "{\"role\": \"assistant\", \"content\": \"x\", \"passages\": [{\"file\": \"SECRET\", \"page\": -1, "
                    + "\"text\": \"t\"}]}",
            "message 1 has a passage without a document, a page and text",
            "{\"role\": \"assistant\", \"content\": \"x\", \"passages\": [\"SECRET\"]}",
            "message 1 has passages that are not a list of objects");

    @Test
    void a_part_of_the_wrong_shape_is_named_without_quoting_the_file_which_is_left_as_it_was() throws IOException {
        for (Map.Entry<String, String> planted : DAMAGED.entrySet()) {
            Path file = file("20260101-000000-dead");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "{\"created\": \"2026-01-01T00:00:00Z\", \"messages\": [" + planted.getKey() + "]}");
            byte[] before = Files.readAllBytes(file);

            StoreException e = assertThrows(StoreException.class,
                    () -> new ConversationStore(home).load("20260101-000000-dead"), planted.getKey());

            assertEquals("The conversation file " + file + " is damaged (" + planted.getValue()
                    + "). It was left as it is.", e.getMessage());
            assertFalse(e.getMessage().contains("SECRET"));
            assertArrayEquals(before, Files.readAllBytes(file));
        }
    }

    @Test
    void an_attachment_without_a_name_shows_its_file_name() throws IOException {
        Path file = file("20260101-000000-beef");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"created\": \"2026-01-01T00:00:00Z\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"x\", \"attachments\": [{\"kind\": \"document\", \"media_type\": \"application/pdf\", "
                + "\"file\": \"" + HASH + ".pdf\"}]}]}");

        Attachment read = new ConversationStore(home).load("20260101-000000-beef").messages().get(0).attachments().get(0);

        assertEquals(HASH + ".pdf", read.name());
        assertTrue(read.file().endsWith(".pdf"));
    }

    @Test
    void deleting_a_conversation_removes_its_files_and_indexes_but_not_those_another_still_names() throws IOException {
        ConversationStore store = new ConversationStore(home);
        AttachmentStore files = new AttachmentStore(home);
        Attachment photo = files.keep("image", "me.png", "image/png", "a private photo".getBytes());
        Attachment report = files.keep("document", "report.pdf", "application/pdf", "a private report".getBytes());
        Attachment shared = files.keep("image", "logo.png", "image/png", "a logo both used".getBytes());
        Path index = files.path(report.file()).resolveSibling(report.file().replace(".pdf", ".index-minilm-q-400-40.json"));
        Files.writeString(index, "{}");
        Conversation deleted = saved(store, Message.user("Look", List.of(photo, report, shared)));
        Conversation other = saved(store, Message.user("Mine too", List.of(shared)));
        // A damaged conversation that names the report keeps it: what it refers to cannot be known better.
        Files.writeString(file("20260101-000000-dead"), "{\"messages\": [{\"attachments\": [{\"file\": \""
                + report.file() + "\"");
        Conversation plain = saved(store, Message.user("No files here"));

        store.deleteWithAttachments(deleted.id(), files);

        assertFalse(Files.exists(file(deleted.id())));
        assertFalse(Files.exists(files.path(photo.file())), "the photo went with its conversation");
        assertTrue(Files.exists(files.path(shared.file())), "named by " + other.id());
        assertTrue(Files.exists(files.path(report.file())), "named by the damaged file");
        assertTrue(Files.exists(index));

        Files.delete(file("20260101-000000-dead"));
        Conversation last = saved(store, Message.user("Read this", List.of(report)));
        store.deleteWithAttachments(last.id(), files);
        assertFalse(Files.exists(files.path(report.file())), "the report went with the last one to name it");
        assertFalse(Files.exists(index), "and its index beside it");
        assertTrue(Files.exists(file(plain.id())));
    }

    @Test
    void a_question_taken_back_keeps_its_files_for_asking_again() throws IOException {
        ConversationStore store = new ConversationStore(home);
        AttachmentStore files = new AttachmentStore(home);
        Attachment photo = files.keep("image", "me.png", "image/png", "a photo to send again".getBytes());
        Conversation failed = saved(store, Message.user("Look", List.of(photo)));

        store.delete(failed.id()); // what an engine does when nothing was answered

        assertTrue(Files.exists(files.path(photo.file())));
    }

    private static Conversation saved(ConversationStore store, Message message) {
        Conversation conversation = new Conversation();
        conversation.add(message);
        store.save(conversation);
        return conversation;
    }

    private Path file(String id) {
        return home.resolve("conversations").resolve(id + ".json");
    }
}
