package io.litellm.orchestrator.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Once after start, looks through LiteLLM's keys for what interrupted rotations left (a replica that restarts after
 * {@code kill -9} finds its own leftovers here), so they are undone even if nobody calls about that key. Bounded:
 * {@code orchestrator.regenerate.recovery-sweep-pages} pages of 100 keys, read one after the other in the background;
 * leftovers whose lease still runs are looked at again once it has ended. Whatever lies beyond the pages read is
 * undone by the next call that meets it ({@link RotationRecovery}). Failures are logged, never fatal.
 */
@ApplicationScoped
public class RecoverySweep {

    private static final Logger LOG = Logger.getLogger(RecoverySweep.class);
    private static final int PAGE = 100;

    private final LiteLlmClient litellm;
    private final RotationRecovery recovery;
    private final RotationClaims claims;
    private final OrchestratorConfig config;
    private final LiteLlmConfig litellmConfig;
    private final KeyRotationService rotation;

    /**
     * What one sweep found: leftovers undone, leftovers to look at again when their lease ends, and old keys in (or
     * past) a grace period whose end was armed again (the timer of the replica that rotated them lives in memory).
     */
    public record Found(int recovered, int later, int graceEnds) {
    }

    public RecoverySweep(LiteLlmClient litellm, RotationRecovery recovery, RotationClaims claims,
            OrchestratorConfig config, LiteLlmConfig litellmConfig, KeyRotationService rotation) {
        this.rotation = rotation;
        this.litellm = litellm;
        this.recovery = recovery;
        this.claims = claims;
        this.config = config;
        this.litellmConfig = litellmConfig;
    }

    void onStart(@Observes StartupEvent event) {
        int pages = config.regenerate().recoverySweepPages();
        if (pages <= 0) {
            return;
        }
        Uni.createFrom().voidItem().onItem().delayIt().by(config.regenerate().recoverySweepDelay())
                .flatMap(started -> sweep(pages))
                .subscribe().with(found -> LOG.infof("Recovery sweep: %d leftovers of interrupted rotations handled, %d to look at "
                        + "again when their lease ends, %d grace periods to end", found.recovered(), found.later(),
                        found.graceEnds()),
                        failure -> LOG.warnf("Recovery sweep failed (%s); interrupted rotations are undone by the next "
                                + "call that meets them", failure.getMessage()));
    }

    /** Reads up to {@code maxPages} pages of keys and recovers what interrupted rotations left there. */
    public Uni<Found> sweep(int maxPages) {
        int size = Math.min(PAGE, litellmConfig.listPageSize());
        return KeyPages.read((page, pageSize) -> litellm.listKeys(null, page, pageSize),
                row -> isLeftover(row) || inGrace(row), 1, size, next -> next <= maxPages)
                .map(KeyPages.Pages::rows)
                .flatMap(this::recoverAll);
    }

    /**
     * A rotation's bookkeeping row: a copy we marked, or a claim we derived (so a caller's own metadata cannot make a
     * key look like one). No one's key: listings and the lifecycle scans leave them out.
     */
    public boolean isLeftover(ObjectNode row) {
        String token = KeyRow.of(row).token();
        if (recovery.markOf(token, row) != null) {
            return true;
        }
        JsonNode claim = KeyRow.of(row).metadata(RotationClaims.MARK);
        return claim.isObject() && token != null && claims.isClaimOf(token, claim.path("key").asText(""));
    }

    /** An old key living out a grace period: it names its successor and has an expiry. */
    public static boolean inGrace(ObjectNode row) {
        KeyRow key = KeyRow.of(row);
        return key.metadata().hasNonNull(KeyRotationService.ROTATED_TO) && key.hasExpiry();
    }

    private Uni<Found> recoverAll(List<ObjectNode> leftovers) {
        int[] counts = new int[3];
        Uni<Void> all = Uni.createFrom().voidItem();
        Instant now = Instant.now();
        for (ObjectNode row : leftovers) {
            if (!isLeftover(row)) {
                // its grace ends at its expiry: deleted then (at once when past), which evicts LiteLLM's cached row
                Instant ends = Expiry.of(row);
                Duration wait = ends == null || ends.isBefore(now) ? Duration.ZERO : Duration.between(now, ends);
                rotation.endGraceLater(KeyRow.of(row).token(),
                        KeyRow.of(row).metadata(KeyRotationService.ROTATED_TO).asText(), wait, RotationRecovery.RECOVERY);
                counts[2]++;
                continue;
            }
            Instant leaseEnd = leaseEnd(row);
            if (leaseEnd != null && leaseEnd.isAfter(now)) {
                counts[1]++;
                later(row, Duration.between(now, leaseEnd).plusSeconds(1));
                continue;
            }
            all = all.call(() -> recoverOne(row).invoke(done -> counts[0] += done ? 1 : 0)
                    .onFailure().recoverWithItem(failure -> {
                        LOG.warnf("Recovery sweep: could not undo what key %s was left for (%s)",
                                KeyRow.of(row).token(), failure.getMessage());
                        return false;
                    }));
        }
        return all.map(done -> new Found(counts[0], counts[1], counts[2]));
    }

    private Uni<Boolean> recoverOne(ObjectNode row) {
        JsonNode claim = KeyRow.of(row).metadata(RotationClaims.MARK);
        if (claim.isObject()) {
            return recovery.undoInterrupted(claim).replaceWith(true);
        }
        return recovery.recoverRow(row).map(outcome -> outcome != RotationRecovery.Outcome.NOTHING);
    }

    /** Looks at a leftover again once its lease has ended: reads it afresh (it may be committed or gone by then). */
    private void later(ObjectNode row, Duration wait) {
        String token = KeyRow.of(row).token();
        Uni.createFrom().voidItem().onItem().delayIt().by(wait)
                .flatMap(waited -> litellm.findKey(token))
                .flatMap(found -> found.isEmpty() ? Uni.createFrom().item(false)
                        : recoverOne(KeyRow.of(found.get()).withToken(token).json()))
                .subscribe().with(done -> {
                    if (done) {
                        LOG.infof("Recovery sweep: undid the interrupted rotation left as key %s", token);
                    }
                }, failure -> LOG.warnf("Recovery sweep: could not undo what key %s was left for (%s)", token,
                        failure.getMessage()));
    }

    private static Instant leaseEnd(ObjectNode row) {
        JsonNode copy = KeyRow.of(row).metadata(RotationRecovery.COPY_MARK);
        String value = copy.isObject() ? copy.path("until").asText(null) : KeyRow.of(row).expires();
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return KeyRow.parseTime(value);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
