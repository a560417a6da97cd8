package bnagpt.devs.view.cli;

import bnagpt.devs.controller.Voice;
import bnagpt.devs.controller.VoiceWav;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Transcriber;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * ask's listening and speaking: --audio turns a recording into the question (what was heard
 * goes to stderr: stdout is for the answer), --speak writes the answer read aloud as one wav.
 * Each failure is one sentence on stderr.
 */
final class VoiceCommand {
    private final Voice voice;
    private final PrintStream err;

    VoiceCommand(Voice voice, PrintStream err) {
        this.voice = voice;
        this.err = err;
    }

    /** What the recording FILE says, shown as "You said: ..."; null when it could not be heard (said). */
    String question(Path file) {
        byte[] audio;
        try {
            long size = Files.size(file);
            if (size > Transcriber.MOST_BYTES) { // not read: its size says enough
                err.println(Voice.tooLarge(file.getFileName().toString(), size).getMessage());
                return null;
            }
            audio = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            err.println("There is no file " + file + " to listen to.");
            return null;
        } catch (IOException e) {
            err.println("Could not read " + file + " (" + e.getClass().getSimpleName() + ").");
            return null;
        }
        try {
            String text = voice.transcribe(file.getFileName().toString(), audio);
            err.println("You said: " + text);
            return text;
        } catch (Voice.Refused | LlmFailure e) {
            err.println(e.getMessage());
            return null;
        }
    }

    /** Writes ANSWER (Markdown) read aloud to options.speak(); false when it could not be (said). */
    boolean speak(String answer, VoiceOptions options) {
        Voice.Spoken spoken;
        try {
            spoken = voice.readAloud(answer, options.voice());
        } catch (Voice.Refused | LlmFailure | VoiceWav.NotJoined e) {
            err.println(e.getMessage());
            return false;
        }
        try {
            Files.write(options.speak(), spoken.wav());
        } catch (IOException e) {
            err.println("Could not write the answer read aloud to " + options.speak() + " (" + e.getClass().getSimpleName()
                    + "). Choose another file with --speak.");
            return false;
        }
        if (spoken.notice() != null) {
            err.println(spoken.notice());
        }
        err.println(String.format(Locale.ROOT, "The answer read aloud (%.1f s, %d piece%s) is in %s.",
                VoiceWav.seconds(spoken.wav()), spoken.pieces(), spoken.pieces() == 1 ? "" : "s", options.speak()));
        return true;
    }
}
