package bnagpt.devs.view.cli;

import bnagpt.devs.model.Source;
import bnagpt.devs.model.ToolRun;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What Groq's built-in tools did, on the command line. While they run, a line each on
 * stderr ("Searching the web: ...", "Running code..."), so a person sees why the answer
 * waits. After the answer:
 *
 * <ul>
 *   <li>the sources a search found, numbered, on <b>stdout</b>: the answer cites them ("[1]"),
 *       so they are part of it, and a pipe into a file or another program keeps them;
 *   <li>the code that ran and its output, on <b>stderr</b>: how the answer was found, like the
 *       model's thinking, not the answer itself. A script that pipes the answer gets the result
 *       the answer states, not a transcript; a person at the terminal sees both.
 * </ul>
 *
 * Everything here came from a server, so it is made printable (Printable) and bounded: a
 * search that returns hundreds of sources, or code that prints megabytes, shows a screenful.
 */
final class ToolLines {
    /** The most sources listed; the rest are counted. */
    static final int MOST_SOURCES = 20;
    static final int LONGEST_TITLE = 150;
    static final int LONGEST_URL = 300;
    /** The most characters of code, and of its output, shown. */
    static final int LONGEST_BLOCK = 4000;

    private final PrintStream out;
    private final PrintStream err;
    private final Set<Integer> announced = new HashSet<>();

    ToolLines(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** A run started (or finished before we heard it start): one line on stderr, once per run. */
    void running(int index, ToolRun run) {
        if (announced.add(index)) {
            err.println(run.kind().equals(ToolRun.SEARCH) ? "Searching the web: " + Printable.line(run.input(), 200)
                    : "Running code...");
            err.flush();
        }
    }

    /** After the answer: its sources on stdout, the code that ran on stderr. */
    void after(List<ToolRun> runs) {
        List<Source> sources = runs.stream().flatMap(run -> run.sources().stream()).toList();
        if (!sources.isEmpty()) {
            out.println();
            out.println("Sources:");
            for (int i = 0; i < Math.min(sources.size(), MOST_SOURCES); i++) {
                Source source = sources.get(i);
                String title = source.title().isBlank() ? "(no title)" : Printable.line(source.title(), LONGEST_TITLE);
                out.println("[" + (i + 1) + "] " + title + " - " + Printable.line(source.url(), LONGEST_URL));
            }
            if (sources.size() > MOST_SOURCES) {
                out.println("(and " + (sources.size() - MOST_SOURCES) + " more sources)");
            }
            out.flush();
        }
        for (ToolRun run : runs) {
            if (run.kind().equals(ToolRun.CODE)) {
                err.println();
                err.println("Code that ran:");
                err.println(Printable.block(run.input(), LONGEST_BLOCK));
                err.println(run.output() == null ? "(it gave no output)"
                        : "Its output:\n" + Printable.block(run.output(), LONGEST_BLOCK).stripTrailing());
            }
        }
    }
}
