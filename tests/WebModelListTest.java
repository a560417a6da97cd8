package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.llm.Llm;
import bnagpt.devs.llm.LlmFailure;
import bnagpt.devs.llm.Stop;
import bnagpt.devs.view.web.ModelList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The model picker's list against a server whose /models is slow, hangs or fails (issue 14,
 * case 8), with a fake LLM layer that counts the requests.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebModelListTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void release() {
        never.countDown();
        pool.shutdownNow();
    }

    @Test
    void a_models_list_that_hangs_costs_a_page_load_the_patience_and_then_nothing() {
        FakeLlm hanging = new FakeLlm(() -> {
            await(never);
            return List.of();
        });
        ModelList models = new ModelList(hanging, pool, Duration.ofMillis(300), Duration.ofMinutes(1),
                Duration.ofSeconds(30));

        long start = System.nanoTime();
        ModelList.Offer first = models.offer();
        long firstMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        ModelList.Offer second = models.offer();
        long secondMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(List.of("default/model"), first.models());
        assertTrue(first.problem().contains("did not list its models"), first.problem());
        assertTrue(firstMillis >= 250 && firstMillis < 2000, firstMillis + " ms");
        assertTrue(secondMillis < 100, "the failure is remembered: " + secondMillis + " ms");
        assertNotNull(second.problem());
        assertEquals(1, hanging.requests.get());
    }

    @Test
    void two_hundred_page_loads_at_once_share_one_request() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        FakeLlm slow = new FakeLlm(() -> {
            await(answer);
            return List.of(new Llm.ModelInfo("other/model", 8192), new Llm.ModelInfo("default/model", 8192));
        });
        ModelList models = new ModelList(slow, pool, Duration.ofSeconds(5), Duration.ofMinutes(1),
                Duration.ofSeconds(30));
        List<Future<ModelList.Offer>> loads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            loads.add(pool.submit(models::offer));
        }
        Thread.sleep(200);
        answer.countDown();
        for (Future<ModelList.Offer> load : loads) {
            assertEquals(List.of("default/model", "other/model"), load.get().models());
            assertNull(load.get().problem());
        }
        assertEquals(1, slow.requests.get());
    }

    @Test
    void a_failure_is_said_in_the_servers_sentence_and_asked_again_after_a_while() throws Exception {
        FakeLlm failing = new FakeLlm(() -> {
            throw new LlmFailure("Groq refused the key (401): check GROQ_API_KEY.");
        });
        ModelList models = new ModelList(failing, pool, Duration.ofSeconds(5), Duration.ofMinutes(1),
                Duration.ofMillis(200));
        assertEquals("Groq refused the key (401): check GROQ_API_KEY.", models.offer().problem());
        models.offer();
        assertEquals(1, failing.requests.get(), "remembered for a while");
        Thread.sleep(300);
        models.offer();
        assertEquals(2, failing.requests.get(), "then asked again");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An LLM layer whose models() does what the test says, counting the calls. */
    private static final class FakeLlm implements Llm {
        interface Models {
            List<ModelInfo> list();
        }

        final AtomicInteger requests = new AtomicInteger();
        private final Models models;

        FakeLlm(Models models) {
            this.models = models;
        }

        @Override
        public List<ModelInfo> models() {
            requests.incrementAndGet();
            return models.list();
        }

        @Override
        public String defaultModel() {
            return "default/model";
        }

        @Override
        public Reply stream(Request request, Listener listener, Stop stop) {
            throw new UnsupportedOperationException("only the models are asked for here");
        }
    }
}
