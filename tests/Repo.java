package bnagpt;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's files. Tests run from its root (./jbang tests/run.java), or from below it. */
final class Repo {
    private Repo() {}

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("101s/chat.java"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("Run the tests from the repository: 101s/chat.java is not above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path file(String relativePath) {
        return root().resolve(relativePath);
    }
}
