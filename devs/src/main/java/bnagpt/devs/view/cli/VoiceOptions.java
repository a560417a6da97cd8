package bnagpt.devs.view.cli;

import bnagpt.devs.controller.Voice;
import java.nio.file.Path;

/**
 * ask's options for listening and speaking: --audio FILE (the question is what the recording
 * says), --speak FILE (the answer is also written there, read aloud, as a wav) and --voice NAME.
 */
public record VoiceOptions(Path audio, Path speak, String voice) {
    public static final VoiceOptions NONE = new VoiceOptions(null, null, null);

    static final String USAGE = """
              --audio FILE            ask what the recording FILE says (flac, mp3, m4a, ogg, wav, webm;
                                      at most 25 MB); what was heard is shown on stderr
              --speak FILE            also write the answer read aloud to FILE, a wav
              --voice NAME            the voice of --speak: autumn (default), diana, hannah, austin,
                                      daniel or troy
            """;

    /** These options with OPTION (--audio, --speak or --voice) set to VALUE. */
    VoiceOptions with(String option, String value) {
        return switch (option) {
            case "--audio" -> new VoiceOptions(Path.of(value), speak, voice);
            case "--speak" -> new VoiceOptions(audio, Path.of(value), voice);
            default -> new VoiceOptions(audio, speak, value);
        };
    }

    /** Mistakes in how they combine, once all options are read. */
    void check(boolean promptGiven) {
        if (audio != null && promptGiven) {
            throw new AskOptions.Mistake("--audio asks what the recording says: leave out the PROMPT, or --audio.");
        }
        if (voice != null && speak == null) {
            throw new AskOptions.Mistake("--voice chooses the voice of --speak FILE: add --speak, or leave out --voice.");
        }
        try {
            Voice.voice(voice);
        } catch (Voice.Refused e) {
            throw new AskOptions.Mistake(e.getMessage());
        }
    }
}
