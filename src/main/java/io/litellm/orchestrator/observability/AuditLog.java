package io.litellm.orchestrator.observability;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.events.LifecycleEvents;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.security.ControlCharacters;
import io.smallrye.mutiny.Uni;

/**
 * One structured line per mutation: who, as self or admin, did what to which user and key, and how it ended.
 * The fields go to the MDC too, so JSON logging shows them as fields. Never a secret: key ids are hashes.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("io.litellm.orchestrator.audit");
    private static final String[] FIELDS = { "audit.operation", "audit.caller", "audit.actingAs", "audit.targetUser",
            "audit.targetKey", "audit.outcome", "audit.upstreamStatus" };

    private final OrchestratorMetrics metrics;
    private final LifecycleEvents events;

    public AuditLog(OrchestratorMetrics metrics, LifecycleEvents events) {
        this.metrics = metrics;
        this.events = events;
    }

    /** Audits {@code mutation} when it ends; the key id, if the target key is known only from the result, comes from {@code keyOf}. */
    public <T> Uni<T> audited(String operation, Caller caller, String targetUser, String targetKey,
            Function<T, String> keyOf, Uni<T> mutation) {
        return mutation.onItemOrFailure().invoke((item, failure) -> {
            String key = targetKey;
            if (failure == null && keyOf != null && item != null) {
                key = keyOf.apply(item);
            }
            record(operation, caller, targetUser, key, outcome(failure), upstreamStatus(failure));
            if (failure == null) {
                events.mutation(operation, targetUser, targetKey, item);
            }
        });
    }

    /** Audits a mutation refused before it started (policy, validation of rights). */
    public void refused(String operation, Caller caller, String targetUser, String targetKey, Throwable failure) {
        record(operation, caller, targetUser, targetKey, outcome(failure), upstreamStatus(failure));
    }

    /**
     * The one line of a workshop call: counts only, never a user's key or secret. {@code counts} is already formatted
     * ({@code requested=25 created=3 …}); {@code failure} is null when the call answered.
     */
    public void workshop(String operation, Caller caller, String workshopId, String counts, Throwable failure) {
        String outcome = outcome(failure);
        metrics.operation(operation, outcome);
        String[] fields = { "audit.operation", "audit.caller", "audit.actingAs", "audit.workshop", "audit.counts",
                "audit.outcome", "audit.upstreamStatus" };
        String[] values = { operation, caller.principal(), caller.admin() ? "admin" : "other", workshopId, counts,
                outcome, upstreamStatus(failure) };
        for (int i = 0; i < fields.length; i++) {
            MDC.put(fields[i], values[i]);
        }
        try {
            LOG.info("audit operation=" + values[0] + " caller=" + values[1] + " actingAs=" + values[2]
                    + " workshop=" + values[3] + " " + values[4] + " outcome=" + values[5]
                    + " upstreamStatus=" + values[6]);
        } finally {
            for (String field : fields) {
                MDC.remove(field);
            }
        }
        if (failure == null) {
            events.workshop(operation, caller, workshopId, counts);
        }
    }

    void record(String operation, Caller caller, String targetUser, String targetKey, String outcome,
            String upstreamStatus) {
        record(operation, caller, caller.actingAs(targetUser), targetUser, targetKey, outcome, upstreamStatus);
    }

    /**
     * Audits a mutation of a group's team: {@code targetUser} holds the group ref and {@code actingAs} says
     * {@code member} or {@code admin}.
     */
    public <T> Uni<T> auditedAs(String operation, Caller caller, String actingAs, String group, String targetKey,
            Function<T, String> keyOf, Uni<T> mutation) {
        return mutation.onItemOrFailure().invoke((item, failure) -> {
            String key = targetKey;
            if (failure == null && keyOf != null && item != null) {
                key = keyOf.apply(item);
            }
            record(operation, caller, actingAs, group, key, outcome(failure), upstreamStatus(failure));
            if (failure == null) {
                events.mutation(operation, group, targetKey, item);
            }
        });
    }

    void record(String operation, Caller caller, String actingAs, String targetUser, String targetKey,
            String outcome, String upstreamStatus) {
        metrics.operation(operation, outcome);
        String[] values = { operation, caller.principal(), actingAs, targetUser,
                targetKey == null ? "-" : targetKey, outcome, upstreamStatus };
        // a path parameter (targetUser, targetKey) may hold a decoded CR/LF: one mutation, one line
        for (int i = 0; i < values.length; i++) {
            values[i] = ControlCharacters.escape(values[i]);
        }
        for (int i = 0; i < FIELDS.length; i++) {
            MDC.put(FIELDS[i], values[i]);
        }
        try {
            // concatenated, not infof: String.format parses the pattern and builds a Formatter on every mutation
            LOG.info("audit operation=" + values[0] + " caller=" + values[1] + " actingAs=" + values[2]
                    + " targetUser=" + values[3] + " targetKey=" + values[4] + " outcome=" + values[5]
                    + " upstreamStatus=" + values[6]);
        } finally {
            for (String field : FIELDS) {
                MDC.remove(field);
            }
        }
    }

    static String outcome(Throwable failure) {
        if (failure == null) {
            return "success";
        }
        if (failure instanceof ApiException api) {
            return api.kind().errorName();
        }
        if (failure instanceof UpstreamException) {
            return UpstreamException.AUDIT_OUTCOME;
        }
        return failure.getClass().getSimpleName();
    }

    static String upstreamStatus(Throwable failure) {
        if (failure == null) {
            return "2xx";
        }
        if (failure instanceof UpstreamException upstream) {
            return upstream.auditStatus();
        }
        return "-";
    }
}
