package io.litellm.orchestrator.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.litellm.orchestrator.config.LiteLlmConfig;
import io.smallrye.mutiny.Uni;

/**
 * Probes LiteLLM for readiness and for the admin connection report. Deliberately outside the circuit breaker and
 * retries of {@link LiteLlmClient}: a probe must tell the truth fast, and must not trip the breaker.
 */
@ApplicationScoped
public class LiteLlmProbe {

    /** What a probe found. {@code masterKeyAccepted} is null when it was not checked. */
    public record Result(boolean reachable, long latencyMs, Integer status, String problem, Boolean masterKeyAccepted,
            long checkedAtNanos) {
    }

    private final LiteLlmApi api;
    private final LiteLlmConfig config;
    private final AtomicReference<Result> lastLiveliness = new AtomicReference<>();

    public LiteLlmProbe(@RestClient LiteLlmApi api, LiteLlmConfig config) {
        this.api = api;
        this.config = config;
    }

    /** LiteLLM's {@code /health/liveliness}, reusing a result younger than {@code litellm.health.cache-ttl}. */
    public Uni<Result> liveliness() {
        Result cached = lastLiveliness.get();
        if (cached != null && System.nanoTime() - cached.checkedAtNanos() < config.health().cacheTtl().toNanos()) {
            return Uni.createFrom().item(cached);
        }
        return probeLiveliness().invoke(lastLiveliness::set);
    }

    /** Reachability and latency, then whether LiteLLM accepts our master key (a one-row key listing). */
    public Uni<Result> connection() {
        return probeLiveliness().flatMap(live -> {
            if (!live.reachable()) {
                return Uni.createFrom().item(live);
            }
            return api.listKeys(null, 1, 1, false)
                    .map(ok -> Boolean.TRUE)
                    .onFailure().recoverWithItem(failure -> {
                        Throwable classified = UpstreamErrors.classify(failure);
                        if (classified instanceof UpstreamException.Rejected rejected
                                && (rejected.status() == 401 || rejected.status() == 403)) {
                            return Boolean.FALSE;
                        }
                        return null;
                    })
                    .ifNoItem().after(timeout()).recoverWithItem((Boolean) null)
                    .map(accepted -> new Result(true, live.latencyMs(), live.status(), live.problem(), accepted,
                            live.checkedAtNanos()));
        });
    }

    private Uni<Result> probeLiveliness() {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return api.liveliness()
                    .map(response -> {
                        int status = response.getStatus();
                        response.close();
                        return new Result(status < 300, millisSince(start), status,
                                status < 300 ? null : "LiteLLM answered " + status, null, System.nanoTime());
                    })
                    .ifNoItem().after(timeout()).fail()
                    .onFailure().recoverWithItem(failure -> {
                        Throwable classified = UpstreamErrors.classify(failure);
                        Integer status = classified instanceof UpstreamException.Rejected r ? Integer.valueOf(r.status())
                                : classified instanceof UpstreamException.Failed f ? Integer.valueOf(f.status()) : null;
                        String problem = status != null ? "LiteLLM answered " + status
                                : failure instanceof io.smallrye.mutiny.TimeoutException ? "no answer in time"
                                        : classified.getMessage();
                        return new Result(false, millisSince(start), status, problem, null, System.nanoTime());
                    });
        });
    }

    private Duration timeout() {
        return Duration.ofMillis(config.health().timeoutMs());
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
