package io.litellm.orchestrator.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Lifecycle events (package {@code events}): what the service did and what its scans found, sent to Backstage's
 * notifications backend and to signed webhooks. Off unless {@code enabled}; with it on, a destination is used only
 * when configured (see README, "Lifecycle notifications").
 */
@ConfigMapping(prefix = "orchestrator.events")
public interface EventsConfig {

    /** Send events at all (env {@code ORCHESTRATOR_EVENTS_ENABLED}); false: nothing is queued, scanned or sent. */
    @WithDefault("false")
    boolean enabled();

    /** Backstage's notifications backend. */
    Backstage backstage();

    /** Signed webhooks (CloudEvents 1.0 JSON, Standard Webhooks signature). */
    Webhook webhook();

    /** The queue and the senders between an event and its destinations. */
    Delivery delivery();

    /** The expiry and budget scans. */
    Scan scan();

    interface Backstage {
        /** Backstage backend base URL, e.g. {@code http://backstage:7007}; unset: no Backstage notifications. */
        Optional<String> baseUrl();

        /**
         * A static external-access token of Backstage ({@code backend.auth.externalAccess}, type {@code static}),
         * sent as the bearer (env {@code ORCHESTRATOR_EVENTS_BACKSTAGE_TOKEN}); never logged.
         */
        Optional<String> token();

        /** Backstage frontend base URL for the link in a notification; unset: {@code base-url}. */
        Optional<String> frontendUrl();

        /** Path of a key's page below the frontend URL; {@code {keyRef}}, {@code {keyId}}, {@code {owner}} are filled in. */
        @WithDefault("/litellm/keys/{keyRef}")
        String keyLinkPath();

        /** Prefix that turns a bare user id (not an entity ref) into one: {@code alice} becomes {@code user:default/alice}. */
        @WithDefault("user:default/")
        String userRefPrefix();

        /** The notifications' topic (Backstage groups and filters by it). */
        @WithDefault("LiteLLM keys")
        String topic();
    }

    interface Webhook {
        /** Receivers, comma-separated; unset: no webhooks. */
        Optional<List<String>> urls();

        /**
         * Signing secret, {@code whsec_<base64>} as Standard Webhooks issues them (env
         * {@code ORCHESTRATOR_EVENTS_WEBHOOK_SECRET}); required with {@code urls}; never logged.
         */
        Optional<String> secret();

        /** The CloudEvents {@code source} attribute of every event. */
        @WithDefault("urn:litellm-orchestrator")
        String source();
    }

    interface Delivery {
        /** Deliveries waiting at most (one per event and destination); past it an event is dropped and counted. */
        @WithDefault("1000")
        int queueSize();

        /** Threads sending at once. */
        @WithDefault("2")
        int senders();

        /** Tries of one delivery, the first included; only 5xx, 408, 429 and time-outs are tried again. */
        @WithDefault("6")
        int maxAttempts();

        /** Pause before the first retry; doubled for each further one (plus up to half of it at random). */
        @WithDefault("1s")
        Duration backoff();

        /** Longest pause between two tries. */
        @WithDefault("60s")
        Duration maxBackoff();

        /** Time limit of one try (connect and answer). */
        @WithDefault("5s")
        Duration timeout();

        /**
         * At shutdown, how long to wait for the queued deliveries to be sent (keep it under the pod's
         * {@code terminationGracePeriodSeconds}); what is still queued then is counted as dropped.
         */
        @WithDefault("10s")
        Duration drainOnShutdown();
    }

    interface Scan {
        /**
         * How often every replica scans (a Quarkus scheduler period such as {@code 15m}; {@code off} stops it). Read
         * by the {@code @Scheduled} annotation of {@code events/LifecycleScanner}.
         */
        @WithDefault("15m")
        String every();

        /** Wait after start before the first scan (read by the same annotation). */
        @WithDefault("60s")
        String firstDelay();

        /** Random wait before each scan, up to this, so replicas do not scan in step. */
        @WithDefault("60s")
        Duration jitter();

        /** Remind a key's owner this long before the key expires, once per lead time. */
        @WithDefault("7d,1d")
        List<Duration> expiryLeadTimes();

        /** Shares of a budget (key's or user's) whose crossing is reported, once per threshold and budget period. */
        @WithDefault("0.8,1.0")
        List<Double> budgetThresholds();

        /** Check users' budgets too (one {@code /user/info} per user that owns a key). */
        @WithDefault("true")
        boolean users();

        /** Pages of {@code /key/list} one scan reads at most. */
        @WithDefault("50")
        int maxPages();

        /** LiteLLM calls one scan keeps in flight at most. */
        @WithDefault("4")
        int concurrency();

        /**
         * How long a replica waits after writing its "sent" mark before reading it back: longer than one LiteLLM write,
         * so that of replicas that claimed the same finding at once only the last writer sends.
         */
        @WithDefault("2s")
        Duration claimSettle();
    }
}
