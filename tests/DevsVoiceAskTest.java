package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.controller.VoiceWav;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang devs ask --audio FILE} and {@code --speak FILE} as users run them, a process
 * of their own against LocalGroq: its speech carries its text, so a recording made by its
 * speech endpoint is heard as that text, and its answers repeat the question.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsVoiceAskTest {
    @AutoClose
    LocalGroq groq = Clients.startedLocalGroq(null);

    @TempDir
    Path home;

    Map<String, String> env() {
        return Map.of("GROQ_BASE_URL", groq.baseUrl(), "BNAGPT_HOME", home.toString());
    }

    ChatCommand.Result ask(String... args) throws Exception {
        return DevsAskProcessTest.run(home, env(), "not the question", args);
    }

    @Test
    void audio_asks_what_the_recording_says_shown_on_stderr_answered_on_stdout() throws Exception {
        Path question = Files.write(home.resolve("question.wav"), LocalGroqAudio.Wav.tone("Why is the sea salty?", 1000));
        ChatCommand.Result result = ask("--audio", question.toString());
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("You said: Why is the sea salty?\n", result.stderr());
        assertEquals("You said \"Why is the sea salty?\". This is the first message of our conversation.\n", result.stdout());
    }

    @Test
    void speak_writes_the_answer_as_one_wav_whose_length_grows_with_the_answer() throws Exception {
        Path shortWav = home.resolve("short.wav");
        Path longWav = home.resolve("long.wav");
        ChatCommand.Result short_ = ask("--speak", shortWav.toString(), "--voice", "hannah", "Hi.");
        String longQuestion = "Tell me about the sea. ".repeat(30).strip();
        ChatCommand.Result long_ = ask("--speak", longWav.toString(), longQuestion);
        assertEquals(0, short_.exitCode(), short_.stderr());
        assertEquals("You said \"Hi.\". This is the first message of our conversation.\n", short_.stdout());
        assertTrue(short_.stderr().matches("The answer read aloud \\([0-9.]+ s, 1 piece\\) is in .*short\\.wav\\.\n"), short_.stderr());
        assertEquals(0, long_.exitCode(), long_.stderr());
        assertTrue(long_.stderr().contains(", 4 pieces) is in "), long_.stderr());

        byte[] shortBytes = Files.readAllBytes(shortWav);
        byte[] longBytes = Files.readAllBytes(longWav);
        assertEquals("RIFF", new String(longBytes, 0, 4));
        assertEquals(longBytes.length - 8, ByteBuffer.wrap(longBytes).order(ByteOrder.LITTLE_ENDIAN).getInt(4));
        // LocalGroq speaks 10 ms a character: the wav lasts as long as the answer's characters.
        assertEquals(short_.stdout().strip().length() * 0.01, VoiceWav.seconds(shortBytes), 0.011);
        int spoken = long_.stdout().strip().replace(" ", "").length(); // the spaces between pieces are not spoken
        assertTrue(VoiceWav.seconds(longBytes) > spoken * 0.01 && VoiceWav.seconds(longBytes) < long_.stdout().length() * 0.01,
                VoiceWav.seconds(longBytes) + " s for " + long_.stdout().length() + " characters");
    }

    @Test
    void a_file_that_is_no_recording_is_one_sentence_and_nothing_is_asked() throws Exception {
        Path notes = Files.writeString(home.resolve("notes.wav"), "Just some notes, not sound.");
        ChatCommand.Result result = ask("--audio", notes.toString());
        assertEquals(1, result.exitCode());
        assertEquals("\"notes.wav\" is not a recording: give a flac, mp3, mp4, m4a, ogg, wav or webm file.\n", result.stderr());
        assertEquals("", result.stdout());
        assertEquals(0, groq.requestCount(), "no question was sent");
    }

    @Test
    void an_unknown_voice_and_audio_with_a_prompt_are_mistakes_on_the_command_line() throws Exception {
        ChatCommand.Result voice = ask("--speak", home.resolve("a.wav").toString(), "--voice", "alloy", "Hi.");
        assertEquals(2, voice.exitCode());
        assertEquals("There is no voice \"alloy\": choose one of autumn, diana, hannah, austin, daniel, troy.\n", voice.stderr());
        ChatCommand.Result both = ask("--audio", home.resolve("a.wav").toString(), "Hi.");
        assertEquals(2, both.exitCode());
        assertTrue(both.stderr().startsWith("--audio asks what the recording says"), both.stderr());
        assertEquals(0, groq.requestCount());
    }
}
