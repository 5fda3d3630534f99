package io.litellm.orchestrator.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where LiteLLM is and how we authenticate to it. The master key never leaves this service.
 */
@ConfigMapping(prefix = "litellm")
public interface LiteLlmConfig {

    /** Base URL of the LiteLLM proxy (env {@code LITELLM_BASE_URL}), e.g. {@code http://litellm:4000}. */
    String baseUrl();

    /** LiteLLM master key (env {@code LITELLM_MASTER_KEY}); required, sent only as the upstream bearer token. */
    String masterKey();

    /**
     * Page size used when reading {@code /key/list}. LiteLLM declares {@code size: int = Query(10, ge=1, le=100)}
     * (key_management_endpoints.py list_keys) and answers 422 outside it, so a value outside 1..100 is refused at start.
     */
    @WithDefault("100")
    @Min(1)
    @Max(100)
    int listPageSize();

    /** Upper bound on pages read from {@code /key/list}, so a misbehaving upstream cannot loop us forever. */
    @WithDefault("50")
    int listMaxPages();

    /**
     * Fault tolerance around every LiteLLM call: one breaker and one bulkhead for LiteLLM as a whole, built from these
     * values by {@code client/LiteLlmGuard} (the only place they are read).
     */
    Resilience resilience();

    /** How readiness and the connection report probe LiteLLM. */
    Health health();

    interface Resilience {
        /** Time limit of one LiteLLM call, in milliseconds. */
        @WithDefault("5000")
        long timeoutMs();

        /**
         * Longest a request may take from arrival to answer, retries and multi-call routes included: past it the
         * caller gets 504 and no new LiteLLM attempt is started.
         */
        @WithDefault("6s")
        java.time.Duration requestDeadline();

        /** Retries of a read (or of a write whose connection was refused) after the first try. */
        @WithDefault("2")
        int maxRetries();

        /** Pause before a retry, in milliseconds (plus up to {@code retry-jitter-ms}). */
        @WithDefault("200")
        long retryDelayMs();

        /** Random spread added to each retry pause, in milliseconds, so retries of many callers do not align. */
        @WithDefault("100")
        long retryJitterMs();

        /** Calls the breaker looks back on before it may open. */
        @WithDefault("20")
        int breakerVolume();

        /** Share of failed calls in that window that opens the breaker. */
        @WithDefault("0.5")
        double breakerFailureRatio();

        /** How long the breaker stays open before it lets a trial call through, in milliseconds. */
        @WithDefault("10000")
        long breakerDelayMs();

        /** Trial calls that must succeed, once the breaker lets calls through again, before it closes. */
        @WithDefault("2")
        int breakerSuccesses();

        /** LiteLLM calls in flight at once, all routes together; more wait in the queue. */
        @WithDefault("32")
        int maxConcurrentCalls();

        /** Calls waiting for a slot; beyond this a call fails fast with 503. */
        @WithDefault("64")
        int maxQueuedCalls();
    }

    interface Health {
        /** Time limit of a readiness probe of LiteLLM, in milliseconds. */
        @WithDefault("1000")
        long timeoutMs();

        /** How long a probe result is reused, so Kubernetes probes never load LiteLLM. */
        @WithDefault("5s")
        java.time.Duration cacheTtl();
    }
}
