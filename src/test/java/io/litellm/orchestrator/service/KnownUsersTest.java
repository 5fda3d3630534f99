package io.litellm.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The memo itself: expiry, bound, forgetting, off switch; time from a hand-driven clock. */
class KnownUsersTest {

    private final AtomicLong now = new AtomicLong(1_000);

    private KnownUsers memo(Duration ttl, int maxSize) {
        return new KnownUsers(ttl, maxSize, now::get);
    }

    @Test
    void anEntryLivesForTheTtlOnly() {
        KnownUsers known = memo(Duration.ofSeconds(60), 10);
        known.remember("jane");
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(known.knows("jane")).isTrue();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(known.knows("jane")).isFalse();
        assertThat(known.size()).isZero();
    }

    @Test
    void rememberingAgainRenewsTheEntry() {
        KnownUsers known = memo(Duration.ofSeconds(60), 10);
        known.remember("jane");
        now.addAndGet(Duration.ofSeconds(50).toNanos());
        known.remember("jane");
        now.addAndGet(Duration.ofSeconds(50).toNanos());
        assertThat(known.knows("jane")).isTrue();
    }

    @Test
    void neverHoldsMoreThanMaxSizeAndDropsTheOldestFirst() {
        KnownUsers known = memo(Duration.ofSeconds(60), 3);
        for (int i = 0; i < 10; i++) {
            known.remember("user" + i);
            now.incrementAndGet();
            assertThat(known.size()).isLessThanOrEqualTo(3);
        }
        assertThat(known.knows("user6")).isFalse();
        assertThat(known.knows("user7")).isTrue();
        assertThat(known.knows("user9")).isTrue();
    }

    @Test
    void aRenewedEntryIsNotTheOldestAnyMore() {
        KnownUsers known = memo(Duration.ofSeconds(60), 3);
        for (String user : List.of("jane", "bob", "jane", "carol", "dave")) {
            known.remember(user);
            now.incrementAndGet();
        }
        assertThat(known.knows("bob")).isFalse();
        assertThat(known.knows("jane")).isTrue();
        assertThat(known.knows("carol")).isTrue();
        assertThat(known.knows("dave")).isTrue();
    }

    @Test
    void expiredEntriesMakeRoomBeforeLiveOnes() {
        KnownUsers known = memo(Duration.ofSeconds(60), 3);
        known.remember("old1");
        known.remember("old2");
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        known.remember("live");
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        known.remember("new");
        assertThat(known.size()).isEqualTo(2);
        assertThat(known.knows("live")).isTrue();
        assertThat(known.knows("new")).isTrue();
    }

    @Test
    void forgottenUsersAreUnknown() {
        KnownUsers known = memo(Duration.ofSeconds(60), 10);
        known.remember("jane");
        known.remember("bob");
        known.remember("carol");
        known.forget("jane");
        known.forgetAll(List.of("bob", "nobody"));
        assertThat(known.knows("jane")).isFalse();
        assertThat(known.knows("bob")).isFalse();
        assertThat(known.knows("carol")).isTrue();
    }

    @Test
    void hitRateIsMeasured() {
        OrchestratorConfig.KnownUsers settings = proxy(OrchestratorConfig.KnownUsers.class,
                Map.of("ttl", Duration.ofSeconds(60), "maxSize", 10));
        OrchestratorConfig config = proxy(OrchestratorConfig.class, Map.of("knownUsers", settings));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KnownUsers known = new KnownUsers(config, new OrchestratorMetrics(registry));
        known.remember("jane");
        known.knows("jane");
        known.knows("bob");
        assertThat(registry.get("cache.gets").tag("cache", "known-users").tag("result", "hit").functionCounter()
                .count()).isEqualTo(1);
        assertThat(registry.get("cache.gets").tag("cache", "known-users").tag("result", "miss").functionCounter()
                .count()).isEqualTo(1);
    }

    /** A configuration interface answering the given methods (the others are never called here). */
    private static <T> T proxy(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
                (self, method, args) -> answers.get(method.getName())));
    }

    @Test
    void aTtlOfZeroTurnsTheMemoOff() {
        KnownUsers known = memo(Duration.ZERO, 10);
        known.remember("jane");
        assertThat(known.enabled()).isFalse();
        assertThat(known.knows("jane")).isFalse();
        assertThat(known.size()).isZero();
    }
}
