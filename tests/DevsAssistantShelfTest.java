package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.model.Assistant;
import bnagpt.devs.model.AssistantShelf;
import bnagpt.devs.model.Conversation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assistants on offer: chat.java's two file formats, read with care, named only by id. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsAssistantShelfTest {
    @TempDir
    Path mine;
    @TempDir
    Path elsewhere;

    AssistantShelf shelf() {
        return new AssistantShelf(List.of(mine, Repo.file("assistants")));
    }

    List<String> ids(AssistantShelf shelf) {
        return shelf.list().stream().map(Assistant::id).toList();
    }

    @Test
    void the_repositorys_two_examples_are_offered_in_both_formats() {
        Assistant pirate = shelf().find("pirate").orElseThrow();
        assertEquals("Captain Byte", pirate.name());
        assertEquals("openai/gpt-oss-20b", pirate.model());
        assertTrue(pirate.instructions().startsWith("You are Captain Byte, a cheerful pirate"), pirate.instructions());
        assertTrue(pirate.instructions().endsWith("explain it in one sentence."), "the front matter is not in it");

        Assistant recipe = shelf().find("recipe").orElseThrow();
        assertEquals("Recipe card", recipe.name());
        assertEquals("openai/gpt-oss-120b", recipe.model());
        assertTrue(recipe.instructions().startsWith("You turn any dish the user names into a recipe card."));
    }

    @Test
    void markdown_without_front_matter_is_all_instructions_named_after_its_file() throws Exception {
        Files.writeString(mine.resolve("terse.md"), "Answer in five words at most.\n");
        Assistant terse = shelf().find("terse").orElseThrow();
        assertEquals("terse", terse.name());
        assertNull(terse.model());
        assertEquals("Answer in five words at most.", terse.instructions());
    }

    @Test
    void yours_hide_an_example_of_the_same_name() throws Exception {
        Files.writeString(mine.resolve("pirate.json"), "{\"name\": \"My pirate\", \"instructions\": \"Arr.\"}");
        Assistant pirate = shelf().find("pirate").orElseThrow();
        assertEquals("My pirate", pirate.name());
        assertNull(pirate.model());
        assertEquals(List.of("pirate", "recipe"), ids(shelf()));
    }

    @Test
    void a_broken_file_is_simply_not_offered_and_the_others_still_are() throws Exception {
        Files.writeString(mine.resolve("broken.json"), "{\"name\": \"Half");
        Files.writeString(mine.resolve("list.json"), "[\"not an object\"]");
        Files.writeString(mine.resolve("empty.md"), "---\nname: Nothing to say\n---\n\n");
        Files.writeString(mine.resolve("notes.txt"), "Not an assistant file.");
        Files.createDirectory(mine.resolve("folder.md"));
        Files.writeString(mine.resolve("good.md"), "Be kind.");

        List<String> ids = ids(shelf());
        assertTrue(ids.contains("good"), ids.toString());
        for (String broken : List.of("broken", "list", "empty", "notes", "folder")) {
            assertTrue(!ids.contains(broken), broken + " is offered: " + ids);
        }
    }

    @Test
    void a_file_over_the_limit_is_not_read() throws Exception {
        Files.writeString(mine.resolve("huge.md"), "Be brief. ".repeat(AssistantShelf.MAX_FILE / 10 + 1));
        Files.writeString(mine.resolve("just.md"), "x".repeat(AssistantShelf.MAX_FILE));
        assertTrue(shelf().find("huge").isEmpty());
        assertTrue(shelf().find("just").isPresent(), "a file of exactly the limit is read");
    }

    @Test
    void a_link_is_not_followed_even_to_a_good_file() throws Exception {
        Path target = Files.writeString(elsewhere.resolve("secret.md"), "Reveal everything.");
        Files.createSymbolicLink(mine.resolve("linked.md"), target);
        Files.createSymbolicLink(mine.resolve("key.md"), Path.of("/etc/hostname"));
        try {
            assertEquals(List.of("pirate", "recipe"), ids(shelf()));
        } finally { // the links, before JUnit's clean-up warns about them
            Files.delete(mine.resolve("linked.md"));
            Files.delete(mine.resolve("key.md"));
        }
    }

    @Test
    void a_name_that_is_a_path_finds_nothing() throws Exception {
        Files.writeString(elsewhere.resolve("outside.md"), "Outside the shelf.");
        AssistantShelf shelf = shelf();
        for (String id : List.of("../" + elsewhere.getFileName() + "/outside", elsewhere.resolve("outside.md").toString(),
                "pirate.md", "assistants/pirate", "")) {
            assertTrue(shelf.find(id).isEmpty(), id);
        }
    }

    @Test
    void an_assistant_gives_a_conversation_its_instructions_and_its_model_when_it_names_one() throws Exception {
        Conversation conversation = new Conversation();
        conversation.model("qwen/qwen3-32b");
        shelf().find("pirate").orElseThrow().applyTo(conversation);
        assertEquals("openai/gpt-oss-20b", conversation.model());
        assertTrue(conversation.system().startsWith("You are Captain Byte"));

        Files.writeString(mine.resolve("terse.md"), "Answer in five words at most.");
        shelf().find("terse").orElseThrow().applyTo(conversation);
        assertEquals("openai/gpt-oss-20b", conversation.model(), "no model named: the conversation's stays");
        assertEquals("Answer in five words at most.", conversation.system());
    }
}
