package io.litellm.orchestrator.service;

import java.time.Duration;
import java.time.Instant;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.client.KeyBody;
import io.litellm.orchestrator.client.KeyCopy;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyResponse;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.client.UpstreamException.Reason;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.smallrye.mutiny.Uni;

/**
 * Rotation by copy, the saga: free the alias, create the copy, check it, retire the old key (delete it, or let it
 * expire after a grace period), commit (take the copy's in-flight mark off). Each step undoes what came before when it
 * fails. The copy's secret was chosen with the claim, so its id is known before it exists: a creation that failed yet
 * happened is undone too, and whatever a crash leaves before the commit is undone after the lease by
 * {@link RotationRecovery}. Whether to rotate by copy at all is {@link KeyRotationService}'s decision.
 */
final class CopyRotation {

    /** The rotation's log category, whichever class writes the line. */
    private static final Logger LOG = Logger.getLogger(KeyRotationService.class);

    /** Metadata marks on a key that was rotated with a grace period. */
    static final String ROTATED_TO = "rotated_to";
    static final String ROTATED_AT = "rotated_at";
    /** Metadata of ours that restricts nothing: not compared when checking the copy. */
    private static final Set<String> OURS;

    static {
        Set<String> ours = new java.util.HashSet<>(KeyRefs.OWNED);
        ours.add(RotationRecovery.COPY_MARK);
        OURS = Set.copyOf(ours);
    }

    private final LiteLlmClient litellm;
    private final RotationRecovery recovery;
    private final OrchestratorConfig config;
    private final OrchestratorMetrics metrics;

    CopyRotation(LiteLlmClient litellm, RotationRecovery recovery, OrchestratorConfig config,
            OrchestratorMetrics metrics) {
        this.litellm = litellm;
        this.recovery = recovery;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * One rotation by copy as planned: what it starts from and what every step and compensation needs.
     *
     * @param moveAlias whether the alias moves from the old key to the copy (LiteLLM keeps aliases unique: the old
     *        key lets go of it first)
     * @param oldGrace how long the old key lives on; null: it is deleted
     */
    private record Run(String changedBy, String ownerName, String keyId, ObjectNode old, String oldAlias,
            String newAlias, boolean moveAlias, ObjectNode copy, Duration oldGrace, RotationClaims.Claim claim) {

        String copyHash() {
            return claim.copyHash();
        }
    }

    /**
     * Rotates {@code old} (the key {@code keyId} of {@code owner}) by copy, with the changes {@code fields} (LiteLLM's
     * names) and an optional {@code grace} period for the old key.
     *
     * @param mayBeLicensed false while LiteLLM is known to have no licence: a copy that needs one is refused at once
     */
    Uni<UserKey> rotate(String changedBy, KeyOwner owner, String keyId, ObjectNode old, String askedAlias,
            ObjectNode fields, Duration grace, RotationClaims.Claim claim, boolean mayBeLicensed) {
        String rotatedTo = KeyRow.of(old).metadata(ROTATED_TO).asText(null);
        if (rotatedTo != null) {
            return Uni.createFrom().failure(ApiException.conflict("This key was already rotated to " + rotatedTo
                    + " and only lives out its grace period; rotate " + rotatedTo + " instead"));
        }
        Run run;
        try {
            run = plan(changedBy, owner, keyId, old, askedAlias, fields, grace, claim);
        } catch (ApiException refused) {
            return Uni.createFrom().failure(refused);
        }
        if (KeyCopy.needsLicence(run.copy()) && !mayBeLicensed) {
            return Uni.createFrom().failure(modelMaxBudgetUnlicensed());
        }
        return freeAlias(run)
                .flatMap(freed -> createCopy(run))
                .flatMap(created -> checkCopy(run, created))
                .flatMap(issued -> retireOld(run, issued))
                .flatMap(retired -> commit(run, retired))
                .invoke(done -> metrics.keyRegenerated("fallback"));
    }

    /** The copy to create (the claim's secret, marked as in flight) and the old key's grace; 4xx when impossible. */
    private Run plan(String changedBy, KeyOwner owner, String keyId, ObjectNode old, String askedAlias,
            ObjectNode fields, Duration grace, RotationClaims.Claim claim) {
        String oldAlias = KeyRow.of(old).aliasText();
        String newAlias = askedAlias != null ? askedAlias : oldAlias;
        boolean moveAlias = oldAlias != null && oldAlias.equals(newAlias);
        ObjectNode copy = copyOf(owner.userId(), old, fields, newAlias);
        Duration oldGrace = grace == null ? null : shorterOf(grace, remaining(old));
        KeyCopy.withSecret(copy, claim.copySecret());
        KeyCopy.metadataOf(copy).set(RotationRecovery.COPY_MARK, recovery.copyMark(claim.copyHash(), keyId,
                moveAlias ? oldAlias : null, Expiry.of(old), claim.leaseEnd()));
        return new Run(changedBy, owner.name(), keyId, old, oldAlias, newAlias, moveAlias, copy, oldGrace, claim);
    }

    // --- the steps -----------------------------------------------------------------------------------------

    /** Step 1: the old key lets go of the alias that moves to the copy. */
    private Uni<Void> freeAlias(Run run) {
        Uni<Void> freed = run.moveAlias() ? setAlias(run.keyId(), null, run.changedBy()) : Uni.createFrom().voidItem();
        return freed.onFailure().transform(f -> rotationFailed("freeing the key alias", f, ""));
    }

    /** Step 2: the copy. A creation that failed may still have happened (a timeout after LiteLLM acted). */
    private Uni<GenerateKeyResponse> createCopy(Run run) {
        return litellm.generateKey(run.copy(), run.changedBy())
                .onFailure().recoverWithUni(f -> undoFailedCreate(run, f));
    }

    /** Step 3: the copy as LiteLLM stored it must carry all we sent; answers the new key. */
    private Uni<UserKey> checkCopy(Run run, GenerateKeyResponse created) {
        if (created.key() == null || created.keyHash() == null) {
            return undo(run, run.copyHash())
                    .flatMap(note -> Uni.createFrom().failure(rotationFailed("reading the new key", null, note)));
        }
        UserKey issued = new UserKey(run.ownerName(), created.keyHash(), created.key());
        return verifyCopy(run.copy(), created.keyHash()).replaceWith(issued)
                .onFailure().recoverWithUni(f -> undo(run, created.keyHash()).flatMap(note -> Uni.createFrom()
                        .failure(rotationFailed("checking the new key"
                                + (f instanceof IllegalStateException ? " (" + f.getMessage() + ")" : ""), f, note))));
    }

    /** Step 4: the old key is deleted, or (grace period) expires then and says what replaced it. */
    private Uni<UserKey> retireOld(Run run, UserKey issued) {
        if (run.oldGrace() == null) {
            return litellm.deleteKey(run.keyId(), run.changedBy()).replaceWith(issued)
                    .onFailure().recoverWithUni(f -> afterFailedRetire(run, f, issued, null));
        }
        return expireOld(run, issued.keyId()).replaceWith(issued)
                .onFailure().recoverWithUni(f -> afterFailedRetire(run, f, issued, issued.keyId()))
                .invoke(done -> endGraceLater(run.keyId(), issued.keyId(), run.oldGrace(), run.changedBy()));
    }

    /**
     * Step 5, the commit: the copy's mark comes off, and from then on the copy is the key. Never past the lease
     * (recovery may undo the rotation then); a failed commit is undone while the old key exists, and kept once it is
     * gone.
     */
    private Uni<UserKey> commit(Run run, UserKey issued) {
        String copyHash = issued.keyId();
        JsonNode metadata = KeyCopy.metadataOf(run.copy());
        // a margin for clocks that differ between this replica and LiteLLM
        Instant latest = run.claim().leaseEnd().minus(config.regenerate().claimTtl().dividedBy(4));
        Uni<Void> committed = Instant.now().isBefore(latest)
                ? recovery.commit(copyHash, metadata, run.changedBy())
                : Uni.createFrom().failure(new IllegalStateException("it took longer than the rotation's claim "
                        + "allows (orchestrator.regenerate.claim-ttl)"));
        return committed.replaceWith(issued)
                .onFailure().recoverWithUni(f -> undoFailedCommit(run, issued, (ObjectNode) metadata
                        .path(RotationRecovery.COPY_MARK), f));
    }

    // --- the compensations ---------------------------------------------------------------------------------

    /** Step 2 failed: undo the copy if it exists after all (else give the alias back), and say why. */
    private Uni<GenerateKeyResponse> undoFailedCreate(Run run, Throwable failure) {
        return litellm.findKey(run.copyHash())
                // unknown: the copy, if any, is marked, and recovery undoes it after the lease
                .onFailure().recoverWithItem(Optional.empty())
                .flatMap(found -> found.isPresent() ? undo(run, run.copyHash())
                        : restoreAlias(run))
                .flatMap(note -> Uni.createFrom().failure(UpstreamException.is(failure, Reason.ALIAS_TAKEN)
                        ? KeyService.aliasTaken(run.newAlias())
                        : failure instanceof UpstreamException.Unlicensed && KeyCopy.needsLicence(run.copy())
                                ? modelMaxBudgetUnlicensed()
                                : rotationFailed("creating the new key", failure, note)));
    }

    /** Step 4 failed: a delete or expiry may still have happened (a timeout after LiteLLM acted); look before undoing. */
    private Uni<UserKey> afterFailedRetire(Run run, Throwable failure, UserKey issued, String expectedRotatedTo) {
        return litellm.findKey(run.keyId())
                // when we cannot tell, assume the old key is still there unchanged: undoing is the safe side
                .onFailure().recoverWithItem(Optional.of(JsonNodeFactory.instance.objectNode()))
                .flatMap(found -> {
                    boolean retired = found.isEmpty() || (expectedRotatedTo != null && expectedRotatedTo.equals(
                            KeyRow.of(found.get()).metadata(ROTATED_TO).asText(null)));
                    if (retired) {
                        return Uni.createFrom().item(issued);
                    }
                    return undo(run, issued.keyId())
                            .flatMap(note -> Uni.createFrom().failure(rotationFailed(expectedRotatedTo == null
                                    ? "deleting the old key" : "setting the old key's expiry", failure, note)));
                });
    }

    /** Step 5 failed: the old key gone, the copy is the key (recovery takes the mark off later); else undo. */
    private Uni<UserKey> undoFailedCommit(Run run, UserKey issued, ObjectNode mark, Throwable failure) {
        String copyHash = issued.keyId();
        return litellm.findKey(run.keyId())
                .onFailure().recoverWithItem(Optional.of(JsonNodeFactory.instance.objectNode()))
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        LOG.warnf("Rotation of key %s: could not confirm the new key %s (%s); it stays",
                                run.keyId(), copyHash, failure.getMessage());
                        return Uni.createFrom().item(issued);
                    }
                    return recovery.undo(copyHash, mark)
                            .replaceWith("")
                            .onFailure().recoverWithItem(e -> " The new key " + copyHash + " is undone once "
                                    + "its rotation's claim expires.")
                            .flatMap(note -> Uni.createFrom().failure(rotationFailed("confirming the new key"
                                    + (failure instanceof IllegalStateException ? " (" + failure.getMessage() + ")"
                                            : ""),
                                    failure, note)));
                });
    }

    /** Deletes the new key and gives the alias back; answers what could not be undone, for the error message. */
    private Uni<String> undo(Run run, String newKeyId) {
        Uni<String> deleteNew = newKeyId == null ? Uni.createFrom().item("")
                : litellm.deleteKey(newKeyId, run.changedBy()).replaceWith("")
                        .onFailure().recoverWithItem(f -> {
                            LOG.errorf("Rotation of key %s: could not delete the new key %s (%s); delete it by hand",
                                    run.keyId(), newKeyId, f.getMessage());
                            return " The new key " + newKeyId + " could not be deleted; an admin should delete it.";
                        });
        return deleteNew.flatMap(note -> restoreAlias(run).map(more -> note + more));
    }

    private Uni<String> restoreAlias(Run run) {
        if (!run.moveAlias()) {
            return Uni.createFrom().item("");
        }
        return setAlias(run.keyId(), run.oldAlias(), run.changedBy()).replaceWith("")
                .onFailure().recoverWithItem(f -> {
                    LOG.errorf("Rotation of key %s: could not restore its alias (%s)", run.keyId(), f.getMessage());
                    return " Its alias could not be restored: set keyAlias to " + run.oldAlias() + " again.";
                });
    }

    // --- the calls -----------------------------------------------------------------------------------------

    /**
     * The successor as LiteLLM stored it must carry every field we sent: a field LiteLLM dropped would leave the
     * new key less restricted than the old one. Our own in-flight mark, reference and rotation record restrict
     * nothing (rows show the last two).
     */
    private Uni<Void> verifyCopy(ObjectNode sent, String newKeyId) {
        return litellm.findKey(newKeyId).map(found -> {
            ObjectNode stored = found.orElseThrow(() -> new IllegalStateException("the new key cannot be read"));
            List<String> lost = KeyCopy.lost(sent, stored, OURS);
            if (!lost.isEmpty()) {
                throw new IllegalStateException("LiteLLM did not keep " + String.join(", ", lost) + " on it");
            }
            return null;
        });
    }

    /** With a grace period: the old key expires then, gives up nothing else, and says what replaced it. */
    private Uni<Void> expireOld(Run run, String newKeyId) {
        ObjectNode metadata = KeyRow.of(run.old()).metadataCopy();
        metadata.put(ROTATED_TO, newKeyId).put(ROTATED_AT, Instant.now().toString());
        return litellm.updateKey(KeyBody.update(run.keyId()).expiresIn(run.oldGrace().toSeconds()).metadata(metadata)
                .json(), run.changedBy());
    }

    /**
     * Deletes the old key when its grace period ends. Its expiry alone is not enough: LiteLLM judges expiry on the row
     * its auth cached, /key/update (which set the expiry) evicts under sha256 of the hash we give it, i.e. nothing,
     * and every successful call re-caches the row with a fresh TTL (proxy_server.update_cache), so a row cached before
     * the rotation can outlive the expiry on a replica while the old secret keeps being used. /key/delete evicts
     * under the real hash. Kept in memory; a replica that starts arms it again for the keys it finds in their grace
     * period ({@link RecoverySweep}), so a restart only delays the delete (README, "Grace period").
     */
    void endGraceLater(String keyId, String newKeyId, Duration grace, String changedBy) {
        Uni<Void> ended = grace.isNegative() || grace.isZero() ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(grace);
        ended.flatMap(over -> litellm.findKey(keyId))
                // only the key this rotation retired: not one rotated again or changed since
                .flatMap(found -> found.isPresent()
                        && newKeyId.equals(KeyRow.of(found.get()).metadata(ROTATED_TO).asText(null))
                                ? litellm.deleteKey(keyId, changedBy).replaceWith(true)
                                : Uni.createFrom().item(false))
                .subscribe().with(
                        deleted -> LOG.infof("Grace period of key %s ended%s", keyId,
                                deleted ? ": deleted" : "; it was already gone"),
                        f -> LOG.warnf("Grace period of key %s ended but it could not be deleted (%s); it expires "
                                + "all the same", keyId, f.getMessage()));
    }

    private Uni<Void> setAlias(String keyId, String alias, String changedBy) {
        // null is sent as an explicit null: LiteLLM clears fields that are sent, and keeps those that are not
        return litellm.updateKey(KeyBody.update(keyId).alias(alias).json(), changedBy);
    }

    // --- the rules of a copy -------------------------------------------------------------------------------

    /**
     * {@code /key/generate}'s body for the successor: every field of the old row except identity, secret and
     * LiteLLM's own bookkeeping ({@link KeyCopy}), the requested changes on top ({@code fields}: LiteLLM's names,
     * metadata as the field policy writes it), the old expiry as a duration. Spend is kept, so a rotation resets no
     * budget. 501 for a row with a column the copy cannot carry; 409 for a key that has expired.
     */
    static ObjectNode copyOf(String userId, ObjectNode old, ObjectNode fields, String alias) {
        List<String> uncopyable = KeyCopy.uncopyable(old, fields);
        if (!uncopyable.isEmpty()) {
            throw new ApiException(ErrorKind.NOT_IMPLEMENTED, "This key has " + String.join(", ", uncopyable)
                    + ", which LiteLLM's /key/generate does not take, so rotation by copy would drop "
                    + (uncopyable.size() == 1 ? "it" : "them") + "; nothing was changed. Rotate it on a LiteLLM "
                    + "with an Enterprise licence and without gracePeriod, or create a new key", null, null);
        }
        // a duration asked with the rotation (within the caller's ceiling, checked with the changes) wins
        Duration remaining = remaining(old);
        return KeyCopy.body(old, userId, fields, alias, List.of(ROTATED_TO, ROTATED_AT),
                remaining == null ? null : remaining.toSeconds());
    }

    /** Whether LiteLLM's /key/generate takes the copy only with a licence ({@code model_max_budget}). */
    static boolean needsLicenceToCopy(ObjectNode copy) {
        return KeyCopy.needsLicence(copy);
    }

    /** Time left before the old key expires, or null when it never does; 409 when it already has. */
    static Duration remaining(ObjectNode old) {
        Instant at = Expiry.of(old);
        if (at == null) {
            return null;
        }
        long seconds = Duration.between(Instant.now(), at).toSeconds();
        if (seconds <= 0) {
            throw ApiException.conflict("The key has expired; create a new key instead of regenerating it");
        }
        return Duration.ofSeconds(seconds);
    }

    private static Duration shorterOf(Duration grace, Duration remaining) {
        return remaining != null && remaining.compareTo(grace) < 0 ? remaining : grace;
    }

    static ApiException modelMaxBudgetUnlicensed() {
        return new ApiException(ErrorKind.NOT_IMPLEMENTED, "This key has model_max_budget, which LiteLLM sets on a "
                + "new key only with an Enterprise licence, so it cannot be rotated by copy here; nothing was changed",
                null, null);
    }

    static ApiException rotationFailed(String step, Throwable cause, String note) {
        if (cause != null) {
            LOG.warnf("Key rotation failed while %s: %s (%s)", step, cause.getMessage(),
                    cause.getClass().getSimpleName());
        }
        return new ApiException(ErrorKind.BAD_GATEWAY, "Key rotation failed while " + step
                + "; it was undone and the old key is still valid." + note, null, cause);
    }
}
