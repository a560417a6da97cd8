package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The devs app's layer rule, checked on every source file: arrows point one way, view ->
 * controller -> llm and model. The model imports none of the other layers, the controller
 * never imports a view, and the llm layer neither a controller nor a view. A break names
 * the file and the line.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsLayersTest {
    /** For each layer, the layers it must not import. */
    static final Map<String, List<String>> FORBIDDEN = Map.of(
            "model", List.of("controller", "view", "llm"),
            "controller", List.of("view"),
            "llm", List.of("controller", "view"));

    static final Path TREE = Path.of("devs/src/main/java/bnagpt/devs");

    @Test
    void every_devs_source_file_keeps_the_layer_rule() throws IOException {
        List<String> breaks = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(Repo.file(TREE.toString()))) {
            for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String relative = Repo.root().relativize(file).toString();
                breaks.addAll(breaks(relative, Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        assertTrue(files >= 20, "the devs tree was not found, or is nearly empty: " + files + " files");
        assertEquals(List.of(), breaks);
    }

    @Test
    void a_model_file_that_imports_a_view_is_named_with_its_line() {
        String planted = """
                package bnagpt.devs.model;

                import java.util.List;
                import bnagpt.devs.view.web.WebApp;
                """;
        assertEquals(List.of("devs/src/main/java/bnagpt/devs/model/Planted.java:4 (model) imports bnagpt.devs.view.web.WebApp"),
                breaks("devs/src/main/java/bnagpt/devs/model/Planted.java", planted));
    }

    @Test
    void a_controller_that_names_a_view_without_an_import_is_caught_too() {
        String planted = "package bnagpt.devs.controller;\n\nclass Planted { bnagpt.devs.view.cli.Ask ask; }\n";
        assertEquals(1, breaks("devs/src/main/java/bnagpt/devs/controller/Planted.java", planted).size());
    }

    @Test
    void the_llm_layer_may_import_the_model_and_a_view_may_import_anything_below_it() {
        assertEquals(List.of(), breaks("devs/src/main/java/bnagpt/devs/llm/Planted.java",
                "package bnagpt.devs.llm;\nimport bnagpt.devs.model.Message;\n"));
        assertEquals(List.of(), breaks("devs/src/main/java/bnagpt/devs/view/cli/Planted.java",
                "package bnagpt.devs.view.cli;\nimport bnagpt.devs.controller.ChatEngine;\nimport bnagpt.devs.llm.Llm;\n"));
    }

    /** Each line of SOURCE (the file at PATH) that reaches into a layer its own layer must not use. */
    static List<String> breaks(String path, String source) {
        String layer = layerOf(path);
        List<String> found = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*") || line.startsWith("package ")) {
                continue;
            }
            for (String other : FORBIDDEN.getOrDefault(layer, List.of())) {
                java.util.regex.Matcher use = java.util.regex.Pattern.compile("bnagpt\\.devs\\." + other + "(\\.[\\w.]+)?")
                        .matcher(line);
                if (use.find()) {
                    found.add(path + ":" + (i + 1) + " (" + layer + ") " + (line.startsWith("import ") ? "imports " : "uses ")
                            + use.group());
                }
            }
        }
        return found;
    }

    /** "model", "controller", "llm", "view", or "" for App and Settings (the composition root sees everything). */
    static String layerOf(String path) {
        String below = path.substring(path.indexOf("bnagpt/devs/") + "bnagpt/devs/".length());
        return below.contains("/") ? below.substring(0, below.indexOf('/')) : "";
    }
}
