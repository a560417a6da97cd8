package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.controller.ModelCatalog;
import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The picker's model list: a short wait, a cache, a remembered failure, and one request for many callers. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevsModelCatalogTest {
    static final List<Llm.ModelInfo> MODELS = List.of(new Llm.ModelInfo("openai/gpt-oss-120b", 131072));

    /** An Llm whose models() counts its calls, and waits for the gate before it answers (or fails). */
    static final class SlowModels implements Llm {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch gate = new CountDownLatch(1);
        volatile String failure;

        @Override
        public List<ModelInfo> models() {
            calls.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw new LlmFailure(failure);
            }
            return MODELS;
        }

        @Override
        public Reply stream(Request request, Listener listener, Stop stop) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String defaultModel() {
            return "openai/gpt-oss-120b";
        }
    }

    @Test
    void two_hundred_callers_while_the_server_hangs_make_one_request_and_wait_at_most_the_limit() throws Exception {
        SlowModels llm = new SlowModels();
        ModelCatalog catalog = new ModelCatalog(llm, Duration.ofMillis(300), Duration.ofSeconds(60), Duration.ofSeconds(30),
                System::nanoTime);
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            long start = System.nanoTime();
            List<Future<List<Llm.ModelInfo>>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(pool.submit(catalog::models));
            }
            for (Future<List<Llm.ModelInfo>> answer : answers) {
                assertEquals(List.of(), answer.get());
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 3000, "200 callers took " + millis + " ms");
            assertEquals(1, llm.calls.get());
            assertTrue(catalog.error().contains("did not list its models"), catalog.error());
        } finally {
            llm.gate.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void after_a_hang_the_next_caller_waits_for_nothing_and_asks_nobody() {
        SlowModels llm = new SlowModels();
        ModelCatalog catalog = new ModelCatalog(llm, Duration.ofMillis(300), Duration.ofSeconds(60), Duration.ofSeconds(30),
                System::nanoTime);
        try {
            long start = System.nanoTime();
            catalog.models();
            long firstMillis = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            assertEquals(List.of(), catalog.models());
            long secondMillis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(firstMillis >= 250 && firstMillis < 2000, "the first waits the limit: " + firstMillis + " ms");
            assertTrue(secondMillis < 100, "the failure is remembered: " + secondMillis + " ms");
            assertEquals(1, llm.calls.get());
        } finally {
            llm.gate.countDown();
        }
    }

    @Test
    void two_hundred_callers_while_a_slow_server_answers_all_get_its_list_from_one_request() throws Exception {
        SlowModels llm = new SlowModels();
        ModelCatalog catalog = new ModelCatalog(llm, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30),
                System::nanoTime);
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            List<Future<List<Llm.ModelInfo>>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(pool.submit(catalog::models));
            }
            Thread.sleep(200);
            llm.gate.countDown();
            for (Future<List<Llm.ModelInfo>> answer : answers) {
                assertEquals(MODELS, answer.get());
            }
            assertEquals(1, llm.calls.get());
            assertNull(catalog.error());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_failure_is_remembered_for_a_while_then_asked_again() {
        SlowModels llm = new SlowModels();
        llm.failure = "Could not reach the server.";
        llm.gate.countDown();
        AtomicLong now = new AtomicLong();
        ModelCatalog catalog = new ModelCatalog(llm, Duration.ofSeconds(3), Duration.ofSeconds(60), Duration.ofSeconds(30),
                now::get);

        assertEquals(List.of(), catalog.models());
        assertEquals("Could not reach the server.", catalog.error());
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertEquals(List.of(), catalog.models());
        assertEquals(1, llm.calls.get(), "a remembered failure asks nobody");

        llm.failure = null;
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(MODELS, catalog.models());
        assertEquals(2, llm.calls.get());
        assertNull(catalog.error());
    }

    @Test
    void a_list_is_kept_for_a_minute() {
        SlowModels llm = new SlowModels();
        llm.gate.countDown();
        AtomicLong now = new AtomicLong();
        ModelCatalog catalog = new ModelCatalog(llm, Duration.ofSeconds(3), Duration.ofSeconds(60), Duration.ofSeconds(30),
                now::get);
        catalog.models();
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        catalog.models();
        assertEquals(1, llm.calls.get());
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        catalog.models();
        assertEquals(2, llm.calls.get());
        assertEquals("openai/gpt-oss-120b", catalog.defaultModel());
    }
}
