// Puts the devs app's classes, and LangChain4j with them, on this notebook's classpath. In a
// notebook of this folder:
//
//   %load devs-classpath.jsh
//
// JBang compiles ../devs/bnagpt.java and its tree (once: later runs reuse its cache) and says
// where that jar and its libraries (LangChain4j, Jackson, Javalin) are. The kernel adds them,
// so the layers (bnagpt.devs.llm, .model, .controller) and LangChain4j are at hand.

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

jbang("build", "../devs/bnagpt.java");
kernel().addToClasspath(jbang("info", "classpath", "../devs/bnagpt.java"));

import bnagpt.devs.Settings;
import bnagpt.devs.controller.*;
import bnagpt.devs.llm.*;
import bnagpt.devs.model.*;
import java.nio.file.*;
import java.time.Duration;

System.out.println("Ready: LangChain4j and the classes of ../devs are loaded.");
