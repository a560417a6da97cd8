///usr/bin/env jbang "$0" "$@" ; exit $?
//
// bnaGPT, the devs track: the article's MVC project in Java, built to grow.
//
//   ./jbang devs                   the page in your browser: Simple Chatbot, Chatbot With Memory
//   ./jbang devs ask "question"    one answer on stdout, for scripts
//
// This file is only the launcher: the code is a Maven-shaped tree under src/main/java, in
// one package per layer (view -> controller -> llm and model). JBang compiles the whole
// tree with this file; `jbang export maven devs/bnagpt.java` turns it into a Maven project
// an IDE opens (see the README, "The devs track").
//
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
// Start fast: remember loaded classes between runs (class-data sharing), and use the
// simplest collector (an answer's garbage is small; a 2-core laptop has no cores to spare).
//CDS
//JAVA_OPTIONS -XX:+UseSerialGC -XX:TieredStopAtLevel=1
// The JVM's own warnings go to stderr (stdout is for the answer), without CDS chatter.
//JAVA_OPTIONS -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds*=off:stderr
//SOURCES src/main/java/**/*.java
// The LLM layer: LangChain4j, Java's counterpart of the article's LlamaIndex. Groq speaks
// OpenAI's protocol, so the OpenAI module talks to it (and to Ollama, LM Studio, vLLM...).
//DEPS dev.langchain4j:langchain4j:1.19.0
//DEPS dev.langchain4j:langchain4j-open-ai:1.19.0
// The view: Javalin (routes, static files, streaming) on Jetty.
//DEPS io.javalin:javalin:7.2.3
// Markdown to HTML for the answers, with the model's own HTML shown as text.
//DEPS org.commonmark:commonmark:0.32.0
// Read Documents: PDFs page by page (about 4 MB; the embedding model for long documents is
// NOT listed here: EmbeddingModelFetcher fetches it on first use, so plain chats never pay).
//DEPS org.apache.pdfbox:pdfbox:3.0.8
// LangChain4j and Jetty log through slf4j; the app's own output is its sentences.
//DEPS org.slf4j:slf4j-nop:2.0.17
// The page's files travel in the jar, so the page works from any folder.
//FILES web/index.html=src/main/resources/web/index.html
//FILES web/page.css=src/main/resources/web/page.css
//FILES web/page.js=src/main/resources/web/page.js
//FILES web/common.js=src/main/resources/web/common.js
//FILES web/messages.js=src/main/resources/web/messages.js
//FILES web/sidebar.js=src/main/resources/web/sidebar.js
//FILES web/attachments.js=src/main/resources/web/attachments.js
//FILES web/toolruns.js=src/main/resources/web/toolruns.js
//FILES web/documents.js=src/main/resources/web/documents.js
//FILES web/documents.css=src/main/resources/web/documents.css
//FILES web/logo.svg=src/main/resources/web/logo.svg
//FILES web/user.svg=src/main/resources/web/user.svg
//FILES web/voice.js=src/main/resources/web/voice.js
//FILES web/voice.css=src/main/resources/web/voice.css
//MAIN bnagpt.devs.App

/** Nothing here: JBang starts bnagpt.devs.App (//MAIN above). */
class bnagpt {}
