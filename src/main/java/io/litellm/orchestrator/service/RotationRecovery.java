package io.litellm.orchestrator.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.client.KeyBody;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Undoes rotations by copy that were interrupted (the replica died, or was killed, between creating the copy and
 * answering), from what they left in LiteLLM alone, so any replica can do it.
 * <p>
 * A rotation's copy is created with the metadata mark {@value #COPY_MARK}: the key it copies, that key's alias and
 * expiry before the rotation, and the end of the rotation's lease (its claim's expiry), signed with the master key so
 * that no caller can forge one through a key's metadata. The rotation removes the mark as its last step (the commit);
 * a copy still marked after its lease is an orphan whose secret nobody received. Recovering it:
 * <ul>
 * <li>the old key still exists: the copy is deleted, and the old key gets back what the rotation took (its alias;
 * after a grace rotation its expiry, and its {@code rotated_to}/{@code rotated_at} marks go);</li>
 * <li>the old key is gone (the crash came after deleting it): the rotation cannot be undone and the copy is the key
 * now; the mark goes, and the owner must rotate it to learn a secret.</li>
 * </ul>
 * Recovery is idempotent (each step checks the state first), and never touches a copy within its lease, so a rotation
 * running on another replica is left alone; the rotation itself never commits past its lease.
 */
@ApplicationScoped
public class RotationRecovery {

    /** The metadata field on a copy whose rotation has not committed yet. */
    public static final String COPY_MARK = "orchestrator_rotation_copy";
    /** Fields of a claim's mark: the id the copy will have, and the key's alias when it was claimed. */
    static final String COPY = "copy";
    static final String ALIAS = "alias";
    /** Who LiteLLM's audit log names for recovery's changes. */
    static final String RECOVERY = "litellm-orchestrator/recovery";

    private static final Logger LOG = Logger.getLogger(RotationRecovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What recovering one copy did. */
    public enum Outcome {
        /** The copy was deleted and the old key restored. */
        UNDONE,
        /** The old key was gone: the copy stays as the key, unmarked. */
        KEPT,
        /** Nothing to do: the copy is gone or committed already. */
        NOTHING
    }

    private final LiteLlmClient litellm;
    private final byte[] signingKey;

    public RotationRecovery(LiteLlmClient litellm, LiteLlmConfig litellmConfig) {
        this.litellm = litellm;
        this.signingKey = litellmConfig.masterKey().getBytes(StandardCharsets.UTF_8);
    }

    // --- the mark ------------------------------------------------------------------------------------------

    /** The mark of a copy of {@code keyId} that will have the id {@code copyHash}. */
    ObjectNode copyMark(String copyHash, String keyId, String oldAlias, Instant oldExpires, Instant leaseEnd) {
        ObjectNode mark = JSON.createObjectNode().put("of", keyId).put("until", leaseEnd.toString());
        if (oldAlias != null) {
            mark.put(ALIAS, oldAlias);
        }
        if (oldExpires != null) {
            mark.put("expires", oldExpires.toString());
        }
        return mark.put("sig", signature(copyHash, mark));
    }

    /** The copy's verified mark, or null when the row carries none or one we did not sign. */
    ObjectNode markOf(String copyHash, JsonNode row) {
        JsonNode mark = KeyRow.view(row).metadata(COPY_MARK);
        if (!mark.isObject() || copyHash == null || !mark.path("of").isTextual() || !mark.path("until").isTextual()) {
            return null;
        }
        byte[] expected = signature(copyHash, (ObjectNode) mark).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, mark.path("sig").asText("").getBytes(StandardCharsets.UTF_8))
                ? (ObjectNode) mark
                : null;
    }

    private String signature(String copyHash, ObjectNode mark) {
        String text = String.join("\n", "litellm-orchestrator rotation copy", copyHash, mark.path("of").asText(""),
                mark.path(ALIAS).asText(""), mark.path("expires").asText(""), mark.path("until").asText(""));
        return HexFormat.of().formatHex(RotationClaims.hmac(signingKey, text));
    }

    /** Whether a copy's lease has ended: nobody may be working on its rotation any more. */
    static boolean leaseOver(JsonNode mark, Instant now) {
        Instant until = instant(mark.path("until").asText(null));
        return until == null || !until.isAfter(now);
    }

    /** The commit of a rotation: the copy's metadata without the mark (the metadata as sent, mark included). */
    Uni<Void> commit(String copyHash, JsonNode metadata, String changedBy) {
        ObjectNode clean = metadata != null && metadata.isObject() ? ((ObjectNode) metadata).deepCopy()
                : JSON.createObjectNode();
        clean.remove(COPY_MARK);
        return litellm.updateKey(KeyBody.update(copyHash).metadata(clean).json(), changedBy);
    }

    // --- recovery ------------------------------------------------------------------------------------------

    /**
     * Undoes the rotation an expired claim was taken for (its {@code orchestrator_rotation_claim} mark). Answers the
     * alias given back to the key, if any. Fails only when the copy cannot be deleted: a rotation must not go on past
     * a live copy nobody has the secret of.
     */
    Uni<Optional<String>> undoInterrupted(JsonNode claimMark) {
        String keyId = claimMark.path("key").asText(null);
        String copyHash = claimMark.path(COPY).asText(null);
        String alias = claimMark.path(ALIAS).asText(null);
        if (keyId == null || copyHash == null) {
            // a claim of an older release records nothing to undo
            return Uni.createFrom().item(Optional.empty());
        }
        return litellm.findKey(copyHash).flatMap(found -> {
            ObjectNode mark = found.map(row -> markOf(copyHash, row)).orElse(null);
            if (mark != null && keyId.equals(mark.path("of").asText())) {
                return recover(copyHash, found.get(), mark)
                        .map(outcome -> outcome == Outcome.UNDONE ? Optional.ofNullable(mark.path(ALIAS).asText(null))
                                : Optional.<String> empty());
            }
            if (found.isPresent()) {
                // committed: the rotation took effect
                return Uni.createFrom().item(Optional.<String> empty());
            }
            // interrupted before the copy existed: at most the alias was freed
            return restoreLostAlias(keyId, alias);
        });
    }

    /**
     * Recovers one marked copy whose lease is over (see the class comment); a copy within its lease, or unmarked,
     * is left alone.
     */
    Uni<Outcome> recover(String copyHash, JsonNode copyRow, ObjectNode mark) {
        if (!leaseOver(mark, Instant.now())) {
            return Uni.createFrom().item(Outcome.NOTHING);
        }
        String keyId = mark.path("of").asText();
        return litellm.findKey(keyId).flatMap(found -> {
            if (found.isEmpty()) {
                LOG.warnf("Rotation of key %s was interrupted after the old key was deleted: its copy %s stays as the "
                        + "key (its secret was never delivered; rotate it)", keyId, copyHash);
                return commit(copyHash, KeyRow.view(copyRow).metadata(), RECOVERY).replaceWith(Outcome.KEPT);
            }
            return undo(copyHash, found.get(), mark)
                    .invoke(() -> LOG.infof("Interrupted rotation of key %s undone: its copy %s deleted, the key "
                            + "restored", keyId, copyHash))
                    .replaceWith(Outcome.UNDONE);
        });
    }

    /** Undoes a rotation now, whatever its lease: for the rotation's own holder, when its commit failed. */
    Uni<Void> undo(String copyHash, ObjectNode mark) {
        String keyId = mark.path("of").asText();
        return litellm.findKey(keyId).flatMap(found -> found.isEmpty() ? deleteCopy(copyHash)
                : undo(copyHash, found.get(), mark));
    }

    private Uni<Void> undo(String copyHash, ObjectNode old, ObjectNode mark) {
        return deleteCopy(copyHash).flatMap(deleted -> restoreOld(mark.path("of").asText(), old, copyHash, mark));
    }

    /**
     * Takes the copies out of a key listing (in place): one within its lease is a rotation in flight, not yet the
     * owner's key; one past it is recovered now. Answers whether anything was recovered (the listing is then stale).
     */
    public Uni<Boolean> screen(List<ObjectNode> rows) {
        List<ObjectNode> orphans = new ArrayList<>();
        Instant now = Instant.now();
        rows.removeIf(row -> {
            ObjectNode mark = markOf(KeyRow.of(row).token(), row);
            if (mark == null) {
                return false;
            }
            if (leaseOver(mark, now)) {
                orphans.add(row);
            }
            return true;
        });
        if (orphans.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return Multi.createFrom().iterable(orphans)
                .onItem().transformToUniAndConcatenate(row -> recoverRow(row).onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Could not undo the interrupted rotation left as key %s (%s); it stays hidden",
                            KeyRow.of(row).token(), failure.getMessage());
                    return Outcome.NOTHING;
                }))
                .collect().asList()
                .map(outcomes -> outcomes.stream().anyMatch(outcome -> outcome != Outcome.NOTHING));
    }

    /** Recovers a listed row if it is a copy past its lease. */
    Uni<Outcome> recoverRow(JsonNode row) {
        String copyHash = KeyRow.view(row).token();
        ObjectNode mark = markOf(copyHash, row);
        return mark == null ? Uni.createFrom().item(Outcome.NOTHING) : recover(copyHash, row, mark);
    }

    /** Deletes the copy; a delete that failed but happened counts as done. */
    private Uni<Void> deleteCopy(String copyHash) {
        return litellm.deleteKey(copyHash, RECOVERY).onFailure().recoverWithUni(failure -> litellm.findKey(copyHash)
                .flatMap(found -> found.isEmpty() ? Uni.createFrom().voidItem() : Uni.createFrom().failure(failure)));
    }

    /** Gives the old key back what the rotation took: its alias, and after a grace rotation its expiry. */
    private Uni<Void> restoreOld(String keyId, ObjectNode old, String copyHash, ObjectNode mark) {
        KeyBody body = KeyBody.update(keyId);
        KeyRow row = KeyRow.of(old);
        String alias = mark.path(ALIAS).asText(null);
        if (alias != null && !row.hasAlias()) {
            body.alias(alias);
        }
        JsonNode metadata = row.metadata();
        if (copyHash.equals(metadata.path(KeyRotationService.ROTATED_TO).asText(null))) {
            ObjectNode restored = ((ObjectNode) metadata).deepCopy();
            restored.remove(List.of(KeyRotationService.ROTATED_TO, KeyRotationService.ROTATED_AT));
            body.metadata(restored);
            Instant expires = instant(mark.path("expires").asText(null));
            if (expires == null) {
                // LiteLLM's update: duration "-1" sets expires to None (key_management_endpoints.py,
                // prepare_key_update_data)
                body.neverExpires();
            } else {
                long seconds = Duration.between(Instant.now(), expires).toSeconds();
                if (seconds > 0) {
                    body.expiresIn(seconds);
                }
            }
        }
        if (body.sendsNothing()) {
            return Uni.createFrom().voidItem();
        }
        return litellm.updateKey(body.json(), RECOVERY).onFailure().recoverWithUni(failure -> {
            if (!body.liftsExpiry()) {
                return Uni.createFrom().failure(failure);
            }
            // a release that does not know "-1": the rest still goes back; the grace expiry stays
            LOG.warnf("Key %s: LiteLLM refused to clear its expiry after an interrupted grace rotation (%s); it "
                    + "keeps the grace period's expiry", keyId, failure.getMessage());
            return litellm.updateKey(body.copy().keepExpiry().json(), RECOVERY);
        });
    }

    /** The alias back on a key that lost it to an interrupted rotation, when the key still has none. */
    private Uni<Optional<String>> restoreLostAlias(String keyId, String alias) {
        if (alias == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return litellm.findKey(keyId).flatMap(found -> {
            if (found.isEmpty() || KeyRow.of(found.get()).hasAlias()) {
                return Uni.createFrom().item(Optional.<String> empty());
            }
            return litellm.updateKey(KeyBody.update(keyId).alias(alias).json(), RECOVERY)
                    .replaceWith(Optional.of(alias));
        }).onFailure().recoverWithItem(failure -> {
            // not worth failing a rotation for: the alias can be set again by hand
            LOG.warnf("Could not give key %s its alias back after an interrupted rotation (%s)", keyId,
                    failure.getMessage());
            return Optional.empty();
        });
    }

    private static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
