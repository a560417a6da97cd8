package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.Assistant;
import bnagpt.chat.ChatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Assistants: instructions with a name and maybe a model, in a Markdown or JSON file. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AssistantTest {
    @TempDir
    Path home;

    @Test
    void a_markdown_file_gives_the_name_and_model_of_its_front_matter_and_the_instructions_below_it() throws IOException {
        Path file = Files.writeString(home.resolve("pirate.md"), """
                ---
                name: Captain Byte
                model: qwen/qwen3-32b
                ---
                You are a pirate.
                Answer like one.
                """);

        Assistant assistant = Assistant.find(file.toString(), home);

        assertEquals(new Assistant("Captain Byte", "You are a pirate.\nAnswer like one.", "qwen/qwen3-32b"), assistant);
    }

    @Test
    void a_markdown_file_without_front_matter_is_all_instructions_named_after_the_file() throws IOException {
        Path file = Files.writeString(home.resolve("poet.md"), "Answer in rhymes.\n");

        Assistant assistant = Assistant.find(file.toString(), home);

        assertEquals(new Assistant("poet", "Answer in rhymes.", null), assistant);
    }

    @Test
    void a_json_file_gives_name_instructions_and_model() throws IOException {
        Path file = Files.writeString(home.resolve("chef.json"), """
                {"name": "Chef", "instructions": "Turn any dish into a recipe.", "model": "openai/gpt-oss-20b"}
                """);

        Assistant assistant = Assistant.find(file.toString(), home);

        assertEquals(new Assistant("Chef", "Turn any dish into a recipe.", "openai/gpt-oss-20b"), assistant);
    }

    @Test
    void a_json_file_may_call_its_instructions_system() throws IOException {
        Path file = Files.writeString(home.resolve("chef.json"), """
                {"system": "Turn any dish into a recipe."}
                """);

        Assistant assistant = Assistant.find(file.toString(), home);

        assertEquals(new Assistant("chef", "Turn any dish into a recipe.", null), assistant);
    }

    @Test
    void a_name_alone_is_looked_up_in_the_assistants_folder() throws IOException {
        Files.createDirectories(home.resolve("assistants"));
        Files.writeString(home.resolve("assistants/poet.md"), "Answer in rhymes.\n");

        Assistant assistant = Assistant.find("poet", home);

        assertEquals("Answer in rhymes.", assistant.instructions());
    }

    @Test
    void a_missing_file_is_an_error_that_names_it_and_exits_2() {
        ChatException error = assertThrows(ChatException.class,
                () -> Assistant.find(home.resolve("nobody.md").toString(), home));

        assertEquals(2, error.exitCode);
        assertTrue(error.getMessage().startsWith("No assistant file " + home.resolve("nobody.md")), error.getMessage());
    }

    @Test
    void a_file_without_instructions_is_an_error_that_exits_2() throws IOException {
        Path file = Files.writeString(home.resolve("empty.md"), """
                ---
                name: Nobody
                ---
                """);

        ChatException error = assertThrows(ChatException.class, () -> Assistant.find(file.toString(), home));

        assertEquals(2, error.exitCode);
        assertTrue(error.getMessage().contains("no instructions"), error.getMessage());
    }

    @Test
    void the_example_assistants_of_the_repository_can_be_read() {
        Assistant pirate = Assistant.find(Repo.file("assistants/pirate.md").toString(), home);
        Assistant recipe = Assistant.find(Repo.file("assistants/recipe.json").toString(), home);

        assertEquals("Captain Byte", pirate.name());
        assertEquals("openai/gpt-oss-20b", pirate.model());
        assertTrue(pirate.instructions().startsWith("You are Captain Byte"), pirate.instructions());
        assertEquals("Recipe card", recipe.name());
        assertTrue(recipe.instructions().contains("JSON"), recipe.instructions());
    }
}
