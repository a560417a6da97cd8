package bnagpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.chat.Conversation;
import bnagpt.chat.ConversationStore;
import bnagpt.chat.Message;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's features as a user meets them: ./jbang 101s/chat.java as a process (see
 * ChatCommand), its stdin piped, against the local Groq-compatible server, which only
 * accepts the obviously fake key Clients.KEY. The server's answers tell what it received:
 * You said "<last message>". This is message <n> of our conversation; your first message
 * was "<first>". My instructions begin: "<system prompt>".
 *
 * A nested class runs the chat once and its tests each check one thing about that run.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ChatFeaturesProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Started with the class, stopped by JUnit after its last test. */
    @AutoClose
    private static final LocalGroq groq = Clients.startedLocalGroq(Clients.KEY);

    /** BNAGPT_HOME of one test: its conversations, never those in the real ~/.bnagpt. */
    @TempDir
    Path home;

    // ---------------------------------------------------------------------------------
    // 1. Saved conversations.
    // ---------------------------------------------------------------------------------

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class After_a_chat_of_two_questions {
        Path home;
        List<JsonNode> savedAfterTheFirstAnswer = List.of();
        boolean chatGoingOnThen;
        int exitCode;

        /**
         * Types one question and waits for its answer; looks at the saved files for up to
         * 10 s while the chat waits for the next question; then types that one and ends.
         */
        @BeforeAll
        void chat(@TempDir Path home, @TempDir Path output) throws Exception {
            this.home = home;
            File stdout = output.resolve("stdout.txt").toFile();
            File stderr = output.resolve("stderr.txt").toFile();
            Process chat = ChatCommand.start(environment(home), stdout, stderr, "--repl", "-s", "Be brief.");
            try (OutputStream stdin = chat.getOutputStream()) {
                stdin.write("Why is the sky blue?\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                ChatCommand.waitUntil(stdout.toPath(), text -> text.endsWith("\n"), Duration.ofMinutes(3));
                // The question is saved before it is sent; wait for the save that holds the answer.
                for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                        !holdsAnAnswer(savedAfterTheFirstAnswer) && System.nanoTime() < deadline; Thread.sleep(20)) {
                    savedAfterTheFirstAnswer = Files.isDirectory(home.resolve("conversations")) ? saved(home) : List.of();
                }
                chatGoingOnThen = chat.isAlive();
                stdin.write("And why are sunsets red?\n".getBytes(StandardCharsets.UTF_8));
            }
            exitCode = chat.waitFor();
        }

        private static boolean holdsAnAnswer(List<JsonNode> saved) {
            return !saved.isEmpty() && saved.get(0).path("messages").size() >= 2;
        }

        @Test
        void each_answer_is_saved_at_once_while_the_chat_goes_on() {
            assertTrue(chatGoingOnThen);
            assertEquals(1, savedAfterTheFirstAnswer.size());
            JsonNode messages = savedAfterTheFirstAnswer.get(0).path("messages");
            assertEquals(2, messages.size(), messages.toString());
            assertEquals("Why is the sky blue?", messages.get(0).path("content").asText());
            assertTrue(messages.get(1).path("content").asText().startsWith("You said \"Why is the sky blue?\""),
                    messages.toString());
        }

        @Test
        void the_conversation_is_one_readable_json_file_named_by_its_id() throws IOException {
            List<Path> files = conversationFiles(home);

            assertEquals(0, exitCode);
            assertEquals(1, files.size(), files.toString());
            String text = Files.readString(files.get(0));
            JsonNode saved = JSON.readTree(text);
            assertEquals(files.get(0).getFileName().toString(), saved.path("id").asText() + ".json");
            assertEquals(List.of("Why is the sky blue?", "And why are sunsets red?"), questions(saved));
            assertEquals(4, saved.path("messages").size());
            assertEquals("Be brief.", saved.path("system").asText());
            assertTrue(text.lines().count() > 10, "one field a line, for people to read:\n" + text);
        }

        @Test
        void the_file_is_readable_and_writable_by_its_owner_only() throws IOException {
            assertEquals("rw-------", permissions(conversationFiles(home).get(0)));
        }

        @Test
        void the_conversations_folder_is_open_to_its_owner_only() throws IOException {
            assertEquals("rwx------", permissions(home.resolve("conversations")));
        }

        @Test
        void the_api_key_is_in_no_file_of_bnagpt_home() throws IOException {
            byte[] key = Clients.KEY.getBytes(StandardCharsets.UTF_8);
            List<Path> files;
            try (Stream<Path> walk = Files.walk(home)) {
                files = walk.filter(Files::isRegularFile).toList();
            }

            assertFalse(files.isEmpty());
            for (Path file : files) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(new String(key, StandardCharsets.ISO_8859_1)), file + " holds the key");
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Continuing_the_most_recent_conversation {
        Path home;
        byte[] marsBefore;
        ChatCommand.Result run;

        @BeforeAll
        void continueIt(@TempDir Path home) throws Exception {
            this.home = home;
            savedConversation(home, "20260101-100000-mars", "2026-01-01T10:00:00Z",
                    "Tell me about Mars", "Mars is red.", "Its moons?", "Phobos and Deimos.");
            savedConversation(home, "20260102-100000-venu", "2026-01-02T10:00:00Z",
                    "Tell me about Venus", "Venus is hot.", "Its moons?", "Venus has none.");
            marsBefore = Files.readAllBytes(conversationFile(home, "20260101-100000-mars"));

            run = chat(home, "", "-c", "-q", "And then?");
        }

        @Test
        void sends_its_earlier_messages_with_the_new_one() {
            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals("You said \"And then?\". This is message 3 of our conversation; your first message was "
                    + "\"Tell me about Venus\".\n", run.stdout());
        }

        @Test
        void adds_the_new_turn_to_the_same_file() throws IOException {
            assertEquals(2, conversationFiles(home).size());
            JsonNode venus = JSON.readTree(conversationFile(home, "20260102-100000-venu").toFile());
            assertEquals(List.of("Tell me about Venus", "Its moons?", "And then?"), questions(venus));
        }

        @Test
        void leaves_the_older_conversation_as_it_was() throws IOException {
            assertArrayEquals(marsBefore, Files.readAllBytes(conversationFile(home, "20260101-100000-mars")));
        }
    }

    @Test
    void conversation_ID_continues_that_conversation() throws Exception {
        savedConversation(home, "20260101-100000-mars", "2026-01-01T10:00:00Z",
                "Tell me about Mars", "Mars is red.", "Its moons?", "Phobos and Deimos.");
        savedConversation(home, "20260102-100000-venu", "2026-01-02T10:00:00Z", "Tell me about Venus", "Hot.");

        ChatCommand.Result run = chat(home, "", "--conversation", "20260101-100000-mars", "-q", "And then?");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("You said \"And then?\". This is message 3 of our conversation; your first message was "
                + "\"Tell me about Mars\".\n", run.stdout());
    }

    @Test
    void continuing_in_a_chat_shows_the_history_on_stderr_and_only_the_new_answer_on_stdout() throws Exception {
        savedConversation(home, "20260101-100000-mars", "2026-01-01T10:00:00Z", "Tell me about Mars", "Mars is red.");

        ChatCommand.Result run = chat(home, "And then?\n", "--repl", "-c", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("  you: Tell me about Mars\n  bnaGPT: Mars is red.\n", run.stderr());
        assertEquals("You said \"And then?\". This is message 2 of our conversation; your first message was "
                + "\"Tell me about Mars\".\n", run.stdout());
    }

    @Test
    void new_starts_a_conversation_that_remembers_nothing_and_is_saved_apart() throws Exception {
        ChatCommand.Result run = chat(home, "Tell me about Mars\n/new\nTell me about Venus\n", "--repl", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("You said \"Tell me about Venus\". This is the first message of our conversation.",
                run.stdout().lines().toList().get(1));
        assertEquals(2, conversationFiles(home).size());
    }

    /** /new starts over with the settings you chose: only the messages are new. */
    @Test
    void new_keeps_the_instructions_the_model_and_json_mode() throws Exception {
        ChatCommand.Result run = chat(home, "Tell me about Mars\n/new\nTell me about Venus\n", "--repl", "-q",
                "-s", "You are brief.", "-m", "qwen/qwen3.8-27b", "--json");

        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode request = lastRequest();
        assertEquals("json_object", request.path("response_format").path("type").asText(), request.toString());
        assertEquals("qwen/qwen3.8-27b", request.path("model").asText());
        assertEquals("system", request.path("messages").get(0).path("role").asText(), request.toString());
        assertTrue(request.path("messages").get(0).path("content").asText().startsWith("You are brief."));
        assertEquals(List.of("Tell me about Venus"), questions(request));
        assertTrue(run.stderr().contains("New conversation, with the same instructions and JSON mode."), run.stderr());
    }

    @Test
    void list_shows_the_saved_conversations_newest_first() throws Exception {
        savedConversation(home, "20260101-100000-mars", "2026-01-01T10:00:00Z", "Tell me about Mars", "Red.");
        savedConversation(home, "20260102-100000-venu", "2026-01-02T10:00:00Z", "Tell me about Venus", "Hot.");

        ChatCommand.Result run = chat(home, "/list\n", "--repl", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("20260102-100000-venu  Tell me about Venus\n20260101-100000-mars  Tell me about Mars\n",
                run.stderr());
    }

    @Test
    void load_continues_a_saved_conversation() throws Exception {
        savedConversation(home, "20260101-100000-mars", "2026-01-01T10:00:00Z",
                "Tell me about Mars", "Mars is red.", "Its moons?", "Phobos and Deimos.");

        ChatCommand.Result run = chat(home, "Hello\n/load 20260101-100000-mars\nAnd then?\n", "--repl", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("You said \"And then?\". This is message 3 of our conversation; your first message was "
                + "\"Tell me about Mars\".", run.stdout().lines().toList().get(1));
    }

    @Test
    void history_shows_the_conversation_so_far_on_stderr() throws Exception {
        ChatCommand.Result run = chat(home, "Tell me about Mars\n/history\n", "--repl", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("  you: Tell me about Mars\n  bnaGPT: " + run.stdout(), run.stderr());
    }

    // ---------------------------------------------------------------------------------
    // A damaged conversation file is named, left as it is, and never overwritten.
    // ---------------------------------------------------------------------------------

    private static final String TRUNCATED = "{\n  \"id\" : \"broken\",\n  \"messages\" : [ {\n    \"role\" : \"us";
    private static final String WRONG_SHAPE = "{\"id\": \"odd\", \"created\": \"2026-01-01T10:00:00Z\", \"messages\": 42}";

    @Test
    void a_damaged_conversation_given_by_id_is_one_clear_sentence_an_error_exit_and_no_change() throws Exception {
        Path file = damagedConversation(home, "broken", TRUNCATED);
        int requests = groq.requestCount();

        ChatCommand.Result run = chat(home, "", "--conversation", "broken", "Hello");

        assertNotEquals(0, run.exitCode());
        assertEquals("", run.stdout());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
        assertTrue(run.stderr().contains(file.toString()), run.stderr());
        assertTrue(run.stderr().contains("It was left as it is."), run.stderr());
        assertEquals(TRUNCATED, Files.readString(file));
        assertEquals(requests, groq.requestCount(), "nothing was sent");
    }

    @Test
    void continuing_when_the_latest_conversation_is_damaged_is_an_error_and_no_change() throws Exception {
        savedConversation(home, "20260101-100000-mars", "2026-01-01T10:00:00Z", "Tell me about Mars", "Red.");
        Path file = damagedConversation(home, "odd", WRONG_SHAPE);

        ChatCommand.Result run = chat(home, "", "-c", "Hello");

        assertNotEquals(0, run.exitCode());
        assertEquals("", run.stdout());
        assertTrue(run.stderr().contains(file + " is damaged"), run.stderr());
        assertTrue(run.stderr().contains("It was left as it is."), run.stderr());
        assertEquals(WRONG_SHAPE, Files.readString(file));
    }

    @Test
    void loading_a_damaged_conversation_in_a_chat_keeps_the_chat_going_and_the_file_as_it_was() throws Exception {
        Path file = damagedConversation(home, "broken", TRUNCATED);

        ChatCommand.Result run = chat(home, "/load broken\nHello\n", "--repl", "-q");

        assertTrue(run.stderr().contains(file + " is damaged"), run.stderr());
        assertEquals("You said \"Hello\". This is the first message of our conversation.\n", run.stdout());
        assertEquals(TRUNCATED, Files.readString(file));
        assertEquals(2, conversationFiles(home).size(), "Hello was saved in a file of its own");
    }

    @Test
    void list_marks_a_damaged_file_and_still_lists_the_others() throws Exception {
        savedConversation(home, "20260101-100000-mars", "2026-01-01T10:00:00Z", "Tell me about Mars", "Red.");
        damagedConversation(home, "broken", TRUNCATED);

        ChatCommand.Result run = chat(home, "/list\n", "--repl", "-q");

        assertTrue(run.stderr().contains("broken  (damaged file, left as it is)\n"), run.stderr());
        assertTrue(run.stderr().contains("20260101-100000-mars  Tell me about Mars\n"), run.stderr());
    }

    // ---------------------------------------------------------------------------------
    // 2. Instructions and assistants.
    // ---------------------------------------------------------------------------------

    @Test
    void the_system_prompt_is_the_first_message_of_every_request() throws Exception {
        ChatCommand.Result run = chat(home, "Hello\nAnd again\n", "--repl", "-q", "-s", "You are a pirate.");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(message("system", "You are a pirate."), lastRequest().path("messages").get(0));
        assertEquals(4, lastRequest().path("messages").size(), "the instructions, then the 3 turns");
        for (String answer : run.stdout().lines().toList()) {
            assertTrue(answer.endsWith("My instructions begin: \"You are a pirate.\"."), answer);
        }
    }

    @Test
    void an_assistant_in_markdown_gives_the_instructions_and_the_model_of_its_front_matter() throws Exception {
        Path pirate = Files.writeString(home.resolve("pirate.md"), """
                ---
                name: Captain Byte
                model: qwen/qwen3.8-27b
                ---
                You are Captain Byte.
                Speak like a pirate.
                """);

        ChatCommand.Result run = chat(home, "", "-q", "--assistant", pirate.toString(), "Hello");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(message("system", "You are Captain Byte.\nSpeak like a pirate."),
                lastRequest().path("messages").get(0));
        assertEquals("qwen/qwen3.8-27b", lastRequest().path("model").asText());
    }

    @Test
    void an_assistant_in_json_gives_the_instructions_and_the_model() throws Exception {
        Path chef = Files.writeString(home.resolve("chef.json"), """
                {"name": "Chef", "instructions": "Turn any dish into a recipe.", "model": "openai/gpt-oss-20b"}
                """);

        ChatCommand.Result run = chat(home, "", "-q", "--assistant", chef.toString(), "Pancakes");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(message("system", "Turn any dish into a recipe."), lastRequest().path("messages").get(0));
        assertEquals("openai/gpt-oss-20b", lastRequest().path("model").asText());
    }

    @Test
    void the_model_flag_wins_over_the_model_of_the_assistant() throws Exception {
        Path pirate = Files.writeString(home.resolve("pirate.md"), """
                ---
                model: qwen/qwen3.8-27b
                ---
                Speak like a pirate.
                """);

        ChatCommand.Result run = chat(home, "", "-q", "--assistant", pirate.toString(), "-m", "openai/gpt-oss-20b", "Hi");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("openai/gpt-oss-20b", lastRequest().path("model").asText());
    }

    @Test
    void a_missing_assistant_file_is_one_clear_sentence_and_exit_2() throws Exception {
        ChatCommand.Result run = chat(home, "", "--assistant", home.resolve("nobody.md").toString(), "Hi");

        assertEquals(2, run.exitCode());
        assertEquals("", run.stdout());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
        assertTrue(run.stderr().startsWith("No assistant file " + home.resolve("nobody.md")), run.stderr());
    }

    @Test
    void the_system_command_sets_the_instructions_of_the_next_request() throws Exception {
        ChatCommand.Result run = chat(home, "Hello\n/system Answer in French.\nAnd again\n", "--repl", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(message("system", "Answer in French."), lastRequest().path("messages").get(0));
    }

    // ---------------------------------------------------------------------------------
    // 3. JSON mode.
    // ---------------------------------------------------------------------------------

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class In_json_mode {
        Path home;
        ChatCommand.Result run;
        JsonNode request;

        @BeforeAll
        void askForColours(@TempDir Path home) throws Exception {
            this.home = home;
            run = chat(home, "", "--json", "-q", "Three colours, please");
            request = lastRequest();
        }

        @Test
        void the_request_asks_for_a_json_object() {
            assertEquals("json_object", request.path("response_format").path("type").asText(), request.toString());
        }

        @Test
        void instructions_that_mention_json_come_first_when_no_message_does() {
            JsonNode first = request.path("messages").get(0);
            assertEquals("system", first.path("role").asText());
            assertTrue(first.path("content").asText().toLowerCase().contains("json"), first.toString());
        }

        @Test
        void stdout_is_exactly_the_json_object() throws IOException {
            assertEquals(0, run.exitCode(), run.stderr());
            JsonNode answer = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(run.stdout());
            assertTrue(answer.isObject(), run.stdout());
            assertEquals("Three colours, please", answer.path("you_said").asText());
        }
    }

    @Test
    void the_json_command_turns_json_mode_on_and_off() throws Exception {
        ChatCommand.Result run = chat(home, "/json on\nThree colours, please\n/json off\nThanks\n", "--repl", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        List<String> answers = run.stdout().lines().toList();
        assertTrue(JSON.readTree(answers.get(0)).isObject(), answers.get(0));
        assertTrue(answers.get(1).startsWith("You said \"Thanks\"."), answers.get(1));
        assertFalse(lastRequest().has("response_format"), lastRequest().toString());
    }

    // ---------------------------------------------------------------------------------
    // 4. Models, and conversations longer than a model reads.
    // ---------------------------------------------------------------------------------

    @Test
    void the_model_flag_is_the_model_of_the_request() throws Exception {
        ChatCommand.Result run = chat(home, "", "-q", "-m", "qwen/qwen3.8-27b", "Hi");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("qwen/qwen3.8-27b", lastRequest().path("model").asText());
    }

    @Test
    void the_model_command_switches_the_model_of_the_next_request() throws Exception {
        ChatCommand.Result run = chat(home, "Hi\n/model qwen/qwen3.8-27b\nAnd again\n", "--repl", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("qwen/qwen3.8-27b", lastRequest().path("model").asText());
    }

    /** mock/small-context reads 200 tokens, about 800 characters: five questions and answers are more. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class A_conversation_longer_than_the_model_reads {
        Path home;
        ChatCommand.Result run;
        JsonNode lastRequest;

        @BeforeAll
        void chatWithTheSmallModel(@TempDir Path home) throws Exception {
            this.home = home;
            run = chat(home, """
                    Question one: tell me about Mercury, please.
                    Question two: tell me about Venus, please.
                    Question three: tell me about Earth, please.
                    Question four: tell me about Mars, please.
                    Question five: tell me about Jupiter, please.
                    """, "--repl", "-q", "-m", "mock/small-context", "-s", "Be brief.");
            lastRequest = lastRequest();
        }

        @Test
        void later_requests_leave_out_the_oldest_questions() throws IOException {
            assertEquals(0, run.exitCode(), run.stderr());
            List<String> sent = questions(lastRequest);
            assertFalse(sent.contains("Question one: tell me about Mercury, please."), sent.toString());
            assertEquals("Question five: tell me about Jupiter, please.", sent.get(sent.size() - 1));
            String lastAnswer = run.stdout().lines().reduce((a, b) -> b).orElseThrow();
            assertFalse(lastAnswer.contains("your first message was \"Question one"), lastAnswer);
        }

        @Test
        void the_instructions_stay_first() {
            assertEquals(message("system", "Be brief."), lastRequest.path("messages").get(0));
        }

        @Test
        void the_user_is_told_on_stderr() {
            assertTrue(run.stderr().contains("oldest messages are left out of the request. They stay saved."),
                    run.stderr());
        }

        @Test
        void the_saved_file_keeps_every_message() throws IOException {
            List<JsonNode> saved = saved(home);
            assertEquals(1, saved.size());
            assertEquals(10, saved.get(0).path("messages").size());
            assertEquals("Question one: tell me about Mercury, please.", questions(saved.get(0)).get(0));
        }
    }

    // ---------------------------------------------------------------------------------
    // 5. The speed line, and no colours where they do not belong.
    // ---------------------------------------------------------------------------------

    /** Seven tokens at 100 a second, after a 300 ms wait: the server's own measurements. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class One_answer_on_a_pipe {
        Path home;
        ChatCommand.Result run;

        @BeforeAll
        void ask(@TempDir Path home) throws Exception {
            this.home = home;
            Map<String, String> withColoursAllowed = Map.of("GROQ_BASE_URL", groq.baseUrl(),
                    "GROQ_API_KEY", Clients.KEY, "BNAGPT_HOME", home.toString(), "TERM", "xterm-256color");
            run = ChatCommand.run(withColoursAllowed, "", "Count #mock:tokens=7 #mock:tps=100 #mock:slow-start=300");
        }

        @Test
        void the_speed_line_on_stderr_shows_tokens_tokens_per_second_and_the_time_to_the_first_token() {
            assertEquals(0, run.exitCode(), run.stderr());
            Matcher speed = Pattern.compile("^\\[7 tokens at ([\\d,]+) tokens/s, first token after (\\d+\\.\\d\\d) s]$",
                    Pattern.MULTILINE).matcher(run.stderr());
            assertTrue(speed.find(), run.stderr());
            int tokensPerSecond = Integer.parseInt(speed.group(1).replace(",", ""));
            double firstToken = Double.parseDouble(speed.group(2));
            // Paced at 100 a second, measured: neither a constant nor an unpaced stream's thousands.
            assertTrue(tokensPerSecond > 10 && tokensPerSecond < 700, "tokens/s: " + tokensPerSecond);
            assertTrue(firstToken >= 0.30, "the server waited 300 ms: " + firstToken);
        }

        @Test
        void there_are_no_colour_codes_when_not_on_a_terminal() {
            assertFalse(run.stderr().contains("\033"), run.stderr());
            assertFalse(run.stdout().contains("\033"), run.stdout());
        }
    }

    @Test
    void quiet_hides_the_speed_line() throws Exception {
        ChatCommand.Result run = chat(home, "", "-q", "Count #mock:tokens=7");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("The quick brown fox jumps over the\n", run.stdout());
        assertEquals("", run.stderr());
    }

    // ---------------------------------------------------------------------------------
    // 8. Several lines as one message.
    // ---------------------------------------------------------------------------------

    @Test
    void lines_between_two_triple_quote_lines_are_one_message_with_its_newlines() throws Exception {
        int requests = groq.requestCount();

        ChatCommand.Result run = chat(home, "\"\"\"\nRoses are red,\n  violets are blue.\n\"\"\"\n", "--repl", "-q");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(requests + 1, groq.requestCount());
        assertEquals(List.of("Roses are red,\n  violets are blue."), questions(lastRequest()));
    }

    // ---------------------------------------------------------------------------------

    /** The chat against the local server, with the fake key it accepts, and no colours. */
    private static ChatCommand.Result chat(Path home, String stdin, String... args) throws Exception {
        return ChatCommand.run(environment(home), stdin, args);
    }

    private static Map<String, String> environment(Path home) {
        return Map.of("GROQ_BASE_URL", groq.baseUrl(), "GROQ_API_KEY", Clients.KEY,
                "BNAGPT_HOME", home.toString(), "NO_COLOR", "1");
    }

    /** A conversation saved the way the chat saves it, last written at the given time. */
    private static void savedConversation(Path home, String id, String modified, String... turns) throws IOException {
        Conversation conversation = new Conversation(id, Instant.parse(modified));
        for (int i = 0; i < turns.length; i++) {
            conversation.add(i % 2 == 0 ? Message.user(turns[i]) : Message.assistant(turns[i]));
        }
        new ConversationStore(home).save(conversation);
        Files.setLastModifiedTime(conversationFile(home, id), FileTime.from(Instant.parse(modified)));
    }

    /** A file with the given text, written now: the most recent conversation. */
    private static Path damagedConversation(Path home, String id, String text) throws IOException {
        Files.createDirectories(home.resolve("conversations"));
        return Files.writeString(conversationFile(home, id), text);
    }

    private static Path conversationFile(Path home, String id) {
        return home.resolve("conversations").resolve(id + ".json");
    }

    private static List<Path> conversationFiles(Path home) throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("conversations"))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    private static List<JsonNode> saved(Path home) throws IOException {
        List<JsonNode> conversations = new ArrayList<>();
        for (Path file : conversationFiles(home)) {
            conversations.add(JSON.readTree(file.toFile()));
        }
        return conversations;
    }

    /** The user's messages of a saved conversation or of a request. */
    private static List<String> questions(JsonNode conversationOrRequest) {
        List<String> said = new ArrayList<>();
        for (JsonNode message : conversationOrRequest.path("messages")) {
            if (message.path("role").asText().equals("user")) {
                said.add(message.path("content").asText());
            }
        }
        return said;
    }

    private static JsonNode lastRequest() throws IOException {
        return JSON.readTree(groq.lastRequestBody());
    }

    private static JsonNode message(String role, String content) {
        return JSON.createObjectNode().put("role", role).put("content", content);
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
