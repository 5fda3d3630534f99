package io.litellm.orchestrator.client;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.litellm.orchestrator.config.LiteLlmConfig;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;

/**
 * The fault tolerance of every LiteLLM call, built once from {@code litellm.resilience.*}: <b>one</b> circuit breaker,
 * <b>one</b> bulkhead and the per-call timeout, shared by all routes and methods, so the documented limits hold for
 * LiteLLM as a whole. (Class-level {@code @Bulkhead}/{@code @CircuitBreaker} would keep one of each per method.)
 * <p>
 * Around that shared guard, one of two retry policies: a read is retried on upstream trouble (5xx, broken connection,
 * timeout); a write only when the connection was refused (the request never left, so a key is never generated twice).
 * Every attempt, retries included, passes the shared breaker and bulkhead again.
 * <p>
 * A 4xx ({@link UpstreamException.Rejected}) and a licence refusal are LiteLLM's answers, and a full bulkhead is our
 * own load: none of them counts as a breaker failure, and none is retried.
 */
@ApplicationScoped
public class LiteLlmGuard {

    /** The breaker's name (SmallRye FT metrics and {@code CircuitBreakerMaintenance}). */
    public static final String BREAKER = "litellm";

    @SuppressWarnings({ "rawtypes", "unchecked" })
    private static final TypeLiteral<Uni<Object>> UNI = new TypeLiteral<>() {
    };

    private final Guard shared;
    private final Guard readRetry;
    private final Guard writeRetry;

    public LiteLlmGuard(LiteLlmConfig config) {
        LiteLlmConfig.Resilience r = config.resilience();
        this.shared = Guard.create()
                .withDescription("litellm")
                .withCircuitBreaker()
                .name(BREAKER)
                .requestVolumeThreshold(r.breakerVolume())
                .failureRatio(r.breakerFailureRatio())
                .delay(r.breakerDelayMs(), ChronoUnit.MILLIS)
                .successThreshold(r.breakerSuccesses())
                .skipOn(List.of(UpstreamException.Rejected.class, UpstreamException.Unlicensed.class,
                        BulkheadException.class))
                .done()
                .withTimeout().duration(r.timeoutMs(), ChronoUnit.MILLIS).done()
                .withBulkhead().limit(r.maxConcurrentCalls()).queueSize(r.maxQueuedCalls()).done()
                // non-blocking, as the REST client is: the attempt stays on the request's event loop and Vert.x context
                // (the request deadline lives there)
                .withThreadOffload(false)
                .build();
        this.readRetry = retry(r, "litellm-read", List.of(UpstreamException.Failed.class,
                UpstreamException.Unreachable.class, UpstreamException.Interrupted.class, TimeoutException.class));
        this.writeRetry = retry(r, "litellm-write", List.of(UpstreamException.Unreachable.class));
    }

    private static Guard retry(LiteLlmConfig.Resilience r, String description,
            List<Class<? extends Throwable>> retryOn) {
        return Guard.create()
                .withDescription(description)
                .withRetry()
                .maxRetries(r.maxRetries())
                .delay(r.retryDelayMs(), ChronoUnit.MILLIS)
                .jitter(r.retryJitterMs(), ChronoUnit.MILLIS)
                .retryOn(retryOn)
                .abortOn(UpstreamException.Rejected.class)
                .done()
                .withThreadOffload(false)
                .build();
    }

    /** A read: retried on upstream failure and timeouts. {@code attempt} is called once per attempt. */
    public <T> Uni<T> read(Supplier<Uni<T>> attempt) {
        return run(readRetry, attempt);
    }

    /** A write: retried only when LiteLLM could not be reached at all. */
    public <T> Uni<T> write(Supplier<Uni<T>> attempt) {
        return run(writeRetry, attempt);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private <T> Uni<T> run(Guard retry, Supplier<Uni<T>> attempt) {
        Supplier<Uni<Object>> guarded = () -> shared.get((Supplier) attempt, UNI);
        return (Uni<T>) retry.get(guarded, UNI);
    }
}
