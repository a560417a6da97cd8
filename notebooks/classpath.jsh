// Puts the chat's own classes on this notebook's classpath. In a notebook of this folder:
//
//   %load classpath.jsh
//
// JBang compiles ../101s/chat.java (once: later runs reuse its cache) and says where that
// jar and its libraries (OkHttp, Jackson) are. The kernel adds them, so Config,
// StreamParser, GroqClient, Message, Conversation, ask(...) and the rest are at hand.

String jbang(String... args) throws java.io.IOException, InterruptedException {
    var command = new java.util.ArrayList<>(java.util.List.of("../jbang", "--quiet"));
    command.addAll(java.util.List.of(args));
    var errors = java.io.File.createTempFile("jbang", ".log");
    var builder = new ProcessBuilder(command).redirectError(errors);
    // Compile with the JDK this kernel runs on: classes compiled for a newer Java would not load here.
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    var process = builder.start();
    String output = new String(process.getInputStream().readAllBytes()).strip();
    int status = process.waitFor();
    String log = java.nio.file.Files.readString(errors.toPath());
    errors.delete();
    if (status != 0) {
        throw new IllegalStateException("../jbang " + String.join(" ", args) + " failed:\n" + log);
    }
    return output;
}

jbang("build", "../101s/chat.java");
kernel().addToClasspath(jbang("info", "classpath", "../101s/chat.java"));

import bnagpt.chat;
import bnagpt.chat.*;
import static bnagpt.chat.*;
import java.nio.file.*;

System.out.println("Ready: the classes of ../101s/chat.java are loaded.");
