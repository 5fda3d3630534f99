package io.litellm.orchestrator.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.Durations;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.RegenerateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyResponse;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.config.OrchestratorConfig.Regenerate.Fallback;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Key regeneration: a new secret and a new id for an owned key. Uses LiteLLM's {@code /key/{key}/regenerate} when it
 * is licensed; otherwise, and whenever the caller asks for a grace period, rotates by copying the key and then
 * deleting the old one (or letting it expire after the grace period), undoing every step on failure.
 * <p>
 * Concurrent rotations of one key: one wins, the others get 409. Within a replica an in-memory set says so at once;
 * across replicas the winner holds a {@link RotationClaims claim} in LiteLLM from before it creates a successor
 * until it is done, and re-reads the key after claiming, so a rotation never starts from a key that is already gone.
 */
@ApplicationScoped
public class KeyRotationService {

    private static final Logger LOG = Logger.getLogger(KeyRotationService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Key columns that {@code /key/generate} accepts under the same name and stores in the same column
     * (GenerateKeyRequest in proxy/_types.py and generate_key_helper_fn, newest line and 1.80.x): copied to the
     * successor. {@code object_permission} is the content {@code /key/info} attaches; generate creates its row anew.
     */
    static final Set<String> COPIED = Set.of("key_alias", "spend", "models", "aliases", "config", "router_settings",
            "team_id", "agent_id", "project_id", "organization_id", "permissions", "max_parallel_requests", "metadata",
            "blocked", "tpm_limit", "rpm_limit", "max_budget", "budget_duration", "allowed_cache_controls",
            "allowed_routes", "access_group_ids", "model_max_budget", "budget_id", "object_permission", "auto_rotate",
            "rotation_interval");
    /**
     * Key columns (LiteLLM_VerificationToken in schema.prisma) and /key/info additions that are the key's identity,
     * its secret, or bookkeeping LiteLLM computes itself: not copied ({@code expires} becomes a duration).
     */
    static final Set<String> NOT_COPIED = Set.of("token", "key", "key_name", "token_id", "user_id", "expires",
            "created_at", "created_by", "updated_at", "updated_by", "budget_reset_at", "model_spend",
            "soft_budget_cooldown", "rotation_count", "last_rotation_at", "key_rotation_at", "last_active",
            "object_permission_id", "litellm_budget_table", "litellm_organization_table", "litellm_project_table",
            "jwt_key_mappings", "deleted_at", "deleted_by", "deleted_by_api_key");
    /**
     * Every other column with a value cannot be carried: {@code /key/generate} ignores fields it does not declare
     * ({@code policies} and {@code budget_limits} of the newest line are such columns; generate puts a
     * {@code policies} request field into metadata), and a restriction must never be dropped silently.
     */
    /** Metadata marks on a key that was rotated with a grace period. */
    static final String ROTATED_TO = "rotated_to";
    static final String ROTATED_AT = "rotated_at";

    private final LiteLlmClient litellm;
    private final KeyService keys;
    private final RegenerationLimiter limiter;
    private final RotationClaims claims;
    private final RotationRecovery recovery;
    private final OrchestratorConfig config;
    private final OrchestratorMetrics metrics;
    private final LongSupplier nanoTime;
    /** Keys this replica is rotating right now. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Until when (nanoTime) LiteLLM is taken to be unlicensed; 0 = try its own regeneration. */
    private volatile long unlicensedUntil;
    private volatile boolean unlicensedSeen;

    @Inject
    public KeyRotationService(LiteLlmClient litellm, KeyService keys, RegenerationLimiter limiter,
            RotationClaims claims, RotationRecovery recovery, OrchestratorConfig config, OrchestratorMetrics metrics) {
        this(litellm, keys, limiter, claims, recovery, config, metrics, System::nanoTime);
    }

    KeyRotationService(LiteLlmClient litellm, KeyService keys, RegenerationLimiter limiter, RotationClaims claims,
            RotationRecovery recovery, OrchestratorConfig config, OrchestratorMetrics metrics, LongSupplier nanoTime) {
        this.litellm = litellm;
        this.keys = keys;
        this.limiter = limiter;
        this.claims = claims;
        this.recovery = recovery;
        this.config = config;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    public Uni<UserKey> regenerate(Caller caller, String userId, String keyId, RegenerateUserKeyRequest request) {
        return regenerate(caller, keys.owner(caller, userId), keyId, request);
    }

    /**
     * Rotates a key of {@code owner} (a user's or a team's): the answer's {@code userId} is the owner's name.
     */
    public Uni<UserKey> regenerate(Caller caller, KeyOwner owner, String keyId, RegenerateUserKeyRequest request) {
        UpdateUserKeyRequest changes = request.changes();
        Duration grace = gracePeriod(request.gracePeriod());
        limiter.acquire(caller.principal(), keyId);
        if (!inFlight.add(keyId)) {
            throw RotationClaims.beingRotated();
        }
        String changedBy = caller.principal();
        return owner.requireKey(keyId)
                .call(row -> owner.checkChanges(row, changes))
                .call(row -> requireAliasFree(changes.keyAlias(), row, keyId))
                // an expired claim met here is an interrupted rotation: claiming undoes it first
                .flatMap(row -> claims.claim(keyId, text(row, "key_alias"), changedBy).flatMap(claim -> owner.requireKey(keyId)
                        // gone since we looked: another rotation finished first
                        .onFailure(ApiException.class).transform(f -> ((ApiException) f).kind() == ErrorKind.NOT_FOUND
                                ? ApiException.conflict("This key was rotated meanwhile; use its new id")
                                : f)
                        .flatMap(fresh -> {
                            ObjectNode fields = keys.upstreamChanges(caller, fresh, changes);
                            // the new key keeps the reference, one more rotation on record (KeyRefs)
                            String keyRef = KeyRefs.stampRotation(fields, fresh, Instant.now());
                            return rotate(changedBy, owner, keyId, fresh, changes, fields, grace, claim)
                                    .map(issued -> issued.withKeyRef(keyRef));
                        })
                        .onTermination().call((issued, failure, cancelled) -> claims.release(claim, issued != null,
                                changedBy))))
                .onTermination().invoke(() -> inFlight.remove(keyId))
                .invoke(issued -> {
                    limiter.moved(changedBy, keyId, issued.keyId());
                    LOG.infof("Key %s of %s regenerated as %s by %s", keyId, owner.name(), issued.keyId(), changedBy);
                });
    }

    private Uni<UserKey> rotate(String changedBy, KeyOwner owner, String keyId, ObjectNode old,
            UpdateUserKeyRequest changes, ObjectNode fields, Duration grace, RotationClaims.Claim claim) {
        // LiteLLM's regeneration replaces the secret in place, and its own grace_period is unreliable upstream:
        // a grace period is always done by copy and expiry
        if (grace != null || !tryNative()) {
            return rotateByCopy(changedBy, owner, keyId, old, changes, fields, grace, claim);
        }
        ObjectNode body = fields.deepCopy();
        // "0s", not absent or empty: LiteLLM falls back to LITELLM_KEY_ROTATION_GRACE_PERIOD for those, which
        // would keep the old secret alive although we promise it dies now
        body.put("grace_period", "0s");
        // LiteLLM's auth serves a key's row from each replica's in-memory cache, and regenerate evicts it under
        // hash_token(<its argument>): given the hash, it evicts sha256(hash), i.e. nothing, and the old secret keeps
        // authenticating until the cached row expires. /key/block rewrites the cached row under the real hash, so
        // the old secret is refused at once on that replica. Regenerate keeps the row's columns, blocked included:
        // the new key gets its own value explicitly (the requested one, else the old key's).
        boolean wasBlocked = old.path("blocked").asBoolean(false);
        if (!body.hasNonNull("blocked")) {
            body.put("blocked", wasBlocked);
        }
        return litellm.setBlocked(keyId, true, changedBy)
                .flatMap(blocked -> litellm.regenerateKey(keyId, body, changedBy)
                        .onFailure().call(f -> wasBlocked ? Uni.createFrom().voidItem()
                                : unblockAfterFailedRegenerate(keyId, changedBy)))
                .invoke(regenerated -> unlicensedUntil = 0)
                .map(regenerated -> issued(owner.name(), regenerated))
                .invoke(issued -> metrics.keyRegenerated("native"))
                .onFailure(KeyService::isAliasConflict).transform(f -> KeyService.aliasTaken(changes.keyAlias()))
                .onFailure(UpstreamException.Unlicensed.class).recoverWithUni(f -> {
                    unlicensedSeen = true;
                    unlicensedUntil = nanoTime.getAsLong() + Math.max(1, config.regenerate().licenceRecheck().toNanos());
                    return rotateByCopy(changedBy, owner, keyId, old, changes, fields, null, claim);
                });
    }

    /**
     * Gives the old key its unblocked state back when regenerate failed. A regenerate that happened despite the error
     * (a timeout after LiteLLM acted) leaves no old row to unblock: that failure is only logged.
     */
    private Uni<Void> unblockAfterFailedRegenerate(String keyId, String changedBy) {
        return litellm.setBlocked(keyId, false, changedBy).replaceWithVoid()
                .onFailure().recoverWithUni(f -> {
                    LOG.warnf("Rotation of key %s: could not unblock it after a failed regeneration (%s)", keyId,
                            f.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** False while LiteLLM recently said it has no licence (until {@code licence-recheck} has passed). */
    boolean tryNative() {
        return !unlicensedSeen || nanoTime.getAsLong() - unlicensedUntil >= 0;
    }

    private Duration gracePeriod(String value) {
        if (value == null) {
            return null;
        }
        Duration grace;
        try {
            grace = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.input("gracePeriod: " + Durations.MESSAGE);
        }
        Duration max = config.regenerate().maxGracePeriod();
        if (grace.compareTo(max) > 0) {
            throw ApiException.input("gracePeriod: at most " + max.toString().substring(2).toLowerCase()
                    + " (orchestrator.regenerate.max-grace-period)");
        }
        return grace;
    }

    /** LiteLLM's regeneration does not check that a new alias is unique (its generate and update do): we do. */
    private Uni<Void> requireAliasFree(String alias, ObjectNode row, String keyId) {
        if (alias == null || alias.equals(text(row, "key_alias"))) {
            return Uni.createFrom().voidItem();
        }
        return litellm.listKeysByAlias(alias).invoke(found -> {
            List<JsonNode> rows = found.keys() != null ? found.keys() : List.of();
            for (JsonNode other : rows) {
                String token = other.isObject() ? other.path("token").asText(null) : other.asText(null);
                // LiteLLM releases without the key_alias filter list everything: only an exact alias counts
                boolean sameAlias = !other.isObject() || alias.equals(other.path("key_alias").asText(null));
                if (sameAlias && token != null && !token.equals(keyId)) {
                    throw KeyService.aliasTaken(alias);
                }
            }
        }).replaceWithVoid();
    }

    /**
     * Create a copy with the changes, then delete the old key (or, with a grace period, let it expire then), then
     * commit: take the copy's in-flight mark off. Undo on any failure. The copy's secret was chosen with the claim,
     * so its id is known before it exists: a creation that failed yet happened is undone too, and whatever a crash
     * leaves before the commit is undone after the lease by {@link RotationRecovery}.
     */
    private Uni<UserKey> rotateByCopy(String changedBy, KeyOwner owner, String keyId, ObjectNode old,
            UpdateUserKeyRequest changes, ObjectNode fields, Duration grace, RotationClaims.Claim claim) {
        if (config.regenerate().fallback() == Fallback.NEVER) {
            return Uni.createFrom().failure(new ApiException(ErrorKind.NOT_IMPLEMENTED, (grace != null
                    ? "A grace period needs rotation by copy"
                    : "This LiteLLM has no Enterprise licence, so it cannot regenerate keys")
                    + ", and rotation by copy is switched off (orchestrator.regenerate.fallback=never); "
                    + "create a new key and delete the old one instead"));
        }
        String rotatedTo = old.path("metadata").path(ROTATED_TO).asText(null);
        if (rotatedTo != null) {
            return Uni.createFrom().failure(ApiException.conflict("This key was already rotated to " + rotatedTo
                    + " and only lives out its grace period; rotate " + rotatedTo + " instead"));
        }
        String oldAlias = text(old, "key_alias");
        String newAlias = changes.keyAlias() != null ? changes.keyAlias() : oldAlias;
        // LiteLLM keeps aliases unique: the alias can only move to the new key once the old one lets go of it
        boolean moveAlias = oldAlias != null && oldAlias.equals(newAlias);
        ObjectNode copy;
        Duration oldGrace;
        String copyHash = claim.copyHash();
        try {
            copy = copyOf(owner.userId(), old, fields, newAlias);
            oldGrace = grace == null ? null : shorterOf(grace, remaining(old));
            copy.put("key", claim.copySecret());
            ObjectNode metadata = copy.path("metadata").isObject() ? (ObjectNode) copy.get("metadata")
                    : copy.putObject("metadata");
            metadata.set(RotationRecovery.COPY_MARK, recovery.copyMark(copyHash, keyId, moveAlias ? oldAlias : null,
                    expiresAt(old), claim.leaseEnd()));
        } catch (ApiException refused) {
            return Uni.createFrom().failure(refused);
        }
        if (needsLicenceToCopy(copy) && !tryNative()) {
            return Uni.createFrom().failure(modelMaxBudgetUnlicensed());
        }
        Uni<Void> freeAlias = moveAlias ? setAlias(keyId, null, changedBy) : Uni.createFrom().voidItem();

        return freeAlias
                .onFailure().transform(f -> rotationFailed("freeing the key alias", f, ""))
                .flatMap(freed -> litellm.generateKey(copy, changedBy)
                        // a creation that failed may still have happened (a timeout after LiteLLM acted): look
                        .onFailure().recoverWithUni(f -> litellm.findKey(copyHash)
                                // unknown: the copy, if any, is marked, and recovery undoes it after the lease
                                .onFailure().recoverWithItem(Optional.empty())
                                .flatMap(found -> found.isPresent()
                                        ? undo(copyHash, moveAlias, keyId, oldAlias, changedBy)
                                        : restoreAlias(moveAlias, keyId, oldAlias, changedBy))
                                .flatMap(note -> Uni.createFrom().failure(KeyService.isAliasConflict(f)
                                        ? KeyService.aliasTaken(newAlias)
                                        : f instanceof UpstreamException.Unlicensed && needsLicenceToCopy(copy)
                                                ? modelMaxBudgetUnlicensed()
                                                : rotationFailed("creating the new key", f, note)))))
                .flatMap(created -> {
                    if (created.key() == null || created.keyHash() == null) {
                        return undo(copyHash, moveAlias, keyId, oldAlias, changedBy)
                                .flatMap(note -> Uni.createFrom().failure(rotationFailed(
                                        "reading the new key", null, note)));
                    }
                    UserKey issued = new UserKey(owner.name(), created.keyHash(), created.key());
                    return verifyCopy(copy, created.keyHash())
                            .onFailure().recoverWithUni(f -> undo(created.keyHash(), moveAlias, keyId, oldAlias,
                                    changedBy).flatMap(note -> Uni.createFrom().failure(
                                            rotationFailed("checking the new key"
                                                    + (f instanceof IllegalStateException ? " (" + f.getMessage() + ")" : ""),
                                                    f, note))))
                            .flatMap(checked -> oldGrace == null
                                    ? litellm.deleteKey(keyId, changedBy).replaceWith(issued)
                                            .onFailure().recoverWithUni(f -> afterFailedRetire(f, issued, keyId,
                                                    null, moveAlias, oldAlias, changedBy))
                                    : expireOld(keyId, old, created.keyHash(), oldGrace, changedBy).replaceWith(issued)
                                            .onFailure().recoverWithUni(f -> afterFailedRetire(f, issued, keyId,
                                                    created.keyHash(), moveAlias, oldAlias, changedBy))
                                            .invoke(done -> endGraceLater(keyId, created.keyHash(), oldGrace,
                                                    changedBy)))
                            .flatMap(retired -> commit(retired, keyId, copy, claim, changedBy))
                            .invoke(done -> metrics.keyRegenerated("fallback"));
                });
    }

    /**
     * The commit: the copy's mark comes off, and from then on the copy is the key. Never past the lease (recovery
     * may undo the rotation then); a failed commit is undone while the old key exists, and kept once it is gone.
     */
    private Uni<UserKey> commit(UserKey issued, String keyId, ObjectNode copy, RotationClaims.Claim claim,
            String changedBy) {
        String copyHash = issued.keyId();
        ObjectNode mark = (ObjectNode) copy.path("metadata").path(RotationRecovery.COPY_MARK);
        // a margin for clocks that differ between this replica and LiteLLM
        Instant latest = claim.leaseEnd().minus(config.regenerate().claimTtl().dividedBy(4));
        Uni<Void> committed = Instant.now().isBefore(latest)
                ? recovery.commit(copyHash, copy.path("metadata"), changedBy)
                : Uni.createFrom().failure(new IllegalStateException("it took longer than the rotation's claim "
                        + "allows (orchestrator.regenerate.claim-ttl)"));
        return committed.replaceWith(issued)
                .onFailure().recoverWithUni(f -> litellm.findKey(keyId)
                        .onFailure().recoverWithItem(Optional.of(JSON.createObjectNode()))
                        .flatMap(found -> {
                            if (found.isEmpty()) {
                                // the old key is gone: the copy is the key; recovery takes the mark off later
                                LOG.warnf("Rotation of key %s: could not confirm the new key %s (%s); it stays",
                                        keyId, copyHash, f.getMessage());
                                return Uni.createFrom().item(issued);
                            }
                            return recovery.undo(copyHash, mark)
                                    .replaceWith("")
                                    .onFailure().recoverWithItem(e -> " The new key " + copyHash + " is undone once "
                                            + "its rotation's claim expires.")
                                    .flatMap(note -> Uni.createFrom().failure(rotationFailed("confirming the new key"
                                            + (f instanceof IllegalStateException ? " (" + f.getMessage() + ")" : ""),
                                            f, note)));
                        }));
    }

    /**
     * The successor as LiteLLM stored it must carry every field we sent: a field LiteLLM dropped would leave the
     * new key less restricted than the old one.
     */
    private Uni<Void> verifyCopy(ObjectNode sent, String newKeyId) {
        return litellm.findKey(newKeyId).map(found -> {
            ObjectNode stored = found.orElseThrow(() -> new IllegalStateException("the new key cannot be read"));
            List<String> lost = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = sent.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                // the secret is not stored as such (its hash is the id)
                if (field.getKey().equals("duration") || field.getKey().equals("key")) {
                    continue;
                }
                JsonNode value = field.getValue();
                JsonNode kept = stored.get(field.getKey());
                if (field.getKey().equals("metadata") && value.isObject() && kept != null && kept.isObject()) {
                    // our own in-flight mark, reference and rotation record restrict nothing (rows show the last two)
                    ObjectNode sentMetadata = ((ObjectNode) value).deepCopy();
                    ObjectNode keptMetadata = ((ObjectNode) kept).deepCopy();
                    sentMetadata.remove(RotationRecovery.COPY_MARK);
                    keptMetadata.remove(RotationRecovery.COPY_MARK);
                    sentMetadata.remove(KeyRefs.OWNED);
                    keptMetadata.remove(KeyRefs.OWNED);
                    value = sentMetadata;
                    kept = keptMetadata;
                }
                if (!sameValue(value, kept)) {
                    lost.add(field.getKey());
                }
            }
            if (!lost.isEmpty()) {
                throw new IllegalStateException("LiteLLM did not keep " + String.join(", ", lost) + " on it");
            }
            return null;
        });
    }

    /** With a grace period: the old key expires then, gives up nothing else, and says what replaced it. */
    private Uni<Void> expireOld(String keyId, ObjectNode old, String newKeyId, Duration grace, String changedBy) {
        ObjectNode body = JSON.createObjectNode().put("key", keyId).put("duration", grace.toSeconds() + "s");
        ObjectNode metadata = old.path("metadata").isObject() ? ((ObjectNode) old.get("metadata")).deepCopy()
                : JSON.createObjectNode();
        metadata.put(ROTATED_TO, newKeyId).put(ROTATED_AT, Instant.now().toString());
        body.set("metadata", metadata);
        return litellm.updateKey(body, changedBy);
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
                        && newKeyId.equals(found.get().path("metadata").path(ROTATED_TO).asText(null))
                                ? litellm.deleteKey(keyId, changedBy).replaceWith(true)
                                : Uni.createFrom().item(false))
                .subscribe().with(
                        deleted -> LOG.infof("Grace period of key %s ended%s", keyId,
                                deleted ? ": deleted" : "; it was already gone"),
                        f -> LOG.warnf("Grace period of key %s ended but it could not be deleted (%s); it expires "
                                + "all the same", keyId, f.getMessage()));
    }

    /** A failed delete or expiry may still have happened (a timeout after LiteLLM acted): look before undoing. */
    private Uni<UserKey> afterFailedRetire(Throwable failure, UserKey issued, String keyId, String expectedRotatedTo,
            boolean moveAlias, String oldAlias, String changedBy) {
        return litellm.findKey(keyId)
                // when we cannot tell, assume the old key is still there unchanged: undoing is the safe side
                .onFailure().recoverWithItem(Optional.of(JSON.createObjectNode()))
                .flatMap(found -> {
                    boolean retired = found.isEmpty() || (expectedRotatedTo != null && expectedRotatedTo.equals(
                            found.get().path("metadata").path(ROTATED_TO).asText(null)));
                    if (retired) {
                        return Uni.createFrom().item(issued);
                    }
                    return undo(issued.keyId(), moveAlias, keyId, oldAlias, changedBy)
                            .flatMap(note -> Uni.createFrom().failure(rotationFailed(expectedRotatedTo == null
                                    ? "deleting the old key" : "setting the old key's expiry", failure, note)));
                });
    }

    /** Deletes the new key and gives the alias back; answers what could not be undone, for the error message. */
    private Uni<String> undo(String newKeyId, boolean moveAlias, String keyId, String oldAlias, String changedBy) {
        Uni<String> deleteNew = newKeyId == null ? Uni.createFrom().item("")
                : litellm.deleteKey(newKeyId, changedBy).replaceWith("")
                        .onFailure().recoverWithItem(f -> {
                            LOG.errorf("Rotation of key %s: could not delete the new key %s (%s); delete it by hand",
                                    keyId, newKeyId, f.getMessage());
                            return " The new key " + newKeyId + " could not be deleted; an admin should delete it.";
                        });
        return deleteNew.flatMap(note -> restoreAlias(moveAlias, keyId, oldAlias, changedBy).map(more -> note + more));
    }

    private Uni<String> restoreAlias(boolean moveAlias, String keyId, String oldAlias, String changedBy) {
        if (!moveAlias) {
            return Uni.createFrom().item("");
        }
        return setAlias(keyId, oldAlias, changedBy).replaceWith("")
                .onFailure().recoverWithItem(f -> {
                    LOG.errorf("Rotation of key %s: could not restore its alias (%s)", keyId, f.getMessage());
                    return " Its alias could not be restored: set keyAlias to " + oldAlias + " again.";
                });
    }

    private Uni<Void> setAlias(String keyId, String alias, String changedBy) {
        ObjectNode body = JSON.createObjectNode().put("key", keyId);
        if (alias == null) {
            // an explicit null: LiteLLM clears fields that are sent, and keeps those that are not
            body.putNull("key_alias");
        } else {
            body.put("key_alias", alias);
        }
        return litellm.updateKey(body, changedBy);
    }

    /**
     * {@code /key/generate}'s body for the successor: every field of the old row except identity, secret and
     * LiteLLM's own bookkeeping ({@link #NOT_COPIED}), the requested changes on top ({@code fields}: LiteLLM's names,
     * metadata as the field policy writes it), the old expiry as a duration.
     * Spend is kept, so a rotation resets no budget.
     */
    static ObjectNode copyOf(String userId, ObjectNode old, ObjectNode fields, String alias) {
        ObjectNode copy = JSON.createObjectNode();
        List<String> uncopyable = new ArrayList<>();
        old.fields().forEachRemaining(field -> {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (COPIED.contains(name)) {
                if (!value.isNull()) {
                    copy.set(name, value.deepCopy());
                }
            } else if (!NOT_COPIED.contains(name) && !fields.has(name) && isSet(value)) {
                uncopyable.add(name);
            }
        });
        if (!uncopyable.isEmpty()) {
            throw new ApiException(ErrorKind.NOT_IMPLEMENTED, "This key has " + String.join(", ", uncopyable)
                    + ", which LiteLLM's /key/generate does not take, so rotation by copy would drop "
                    + (uncopyable.size() == 1 ? "it" : "them") + "; nothing was changed. Rotate it on a LiteLLM "
                    + "with an Enterprise licence and without gracePeriod, or create a new key", null, null);
        }
        // the permissions object is created anew from its content, under a new id
        if (copy.path("object_permission").isObject()) {
            ((ObjectNode) copy.get("object_permission")).remove("object_permission_id");
        }
        if (userId != null) {
            copy.put("user_id", userId);
        }
        copy.setAll(fields.deepCopy());
        if (copy.path("metadata").isObject()) {
            ((ObjectNode) copy.get("metadata")).remove(List.of(ROTATED_TO, ROTATED_AT));
        }
        if (alias != null) {
            copy.put("key_alias", alias);
        } else {
            copy.remove("key_alias");
        }
        Duration remaining = remaining(old);
        // a duration asked with the rotation (within the caller's ceiling, checked with the changes) wins
        if (remaining != null && !fields.has("duration")) {
            copy.put("duration", remaining.toSeconds() + "s");
        }
        return copy;
    }

    /** A column value that says something: not null, not an empty list or object, not false. */
    private static boolean isSet(JsonNode value) {
        return !(value == null || value.isNull() || (value.isContainerNode() && value.isEmpty())
                || (value.isBoolean() && !value.asBoolean()));
    }

    /** {@code model_max_budget} is refused by /key/generate without a licence (validate_model_max_budget). */
    static boolean needsLicenceToCopy(ObjectNode copy) {
        return isSet(copy.get("model_max_budget"));
    }

    /** Time left before the old key expires, or null when it never does; 409 when it already has. */
    static Duration remaining(ObjectNode old) {
        Instant at = expiresAt(old);
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

    /** The row's {@code expires}, or null when it has none. */
    static Instant expiresAt(JsonNode row) {
        String expires = text(row, "expires");
        if (expires == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(expires.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            try {
                // LiteLLM stores UTC and sometimes prints it without an offset
                return LocalDateTime.parse(expires.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw new ApiException(ErrorKind.BAD_GATEWAY,
                        "LiteLLM gave the key an expiry we cannot read; nothing was changed", null, null);
            }
        }
    }

    /** JSON equality where LiteLLM's defaults (null, [] and {}) are all "nothing", and 5 equals 5.0. */
    static boolean sameValue(JsonNode sent, JsonNode stored) {
        boolean sentEmpty = sent == null || sent.isNull() || (sent.isContainerNode() && sent.isEmpty());
        boolean storedEmpty = stored == null || stored.isNull() || (stored.isContainerNode() && stored.isEmpty());
        if (sentEmpty || storedEmpty) {
            return sentEmpty == storedEmpty;
        }
        if (sent.isNumber() && stored.isNumber()) {
            return sent.decimalValue().compareTo(stored.decimalValue()) == 0;
        }
        if (sent.isObject() && stored.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = sent.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!sameValue(field.getValue(), stored.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (sent.isArray() && stored.isArray()) {
            if (sent.size() != stored.size()) {
                return false;
            }
            for (int i = 0; i < sent.size(); i++) {
                if (!sameValue(sent.get(i), stored.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return sent.equals(stored);
    }

    private static UserKey issued(String userId, GenerateKeyResponse regenerated) {
        if (regenerated.key() == null || regenerated.keyHash() == null) {
            throw new ApiException(ErrorKind.BAD_GATEWAY,
                    "LiteLLM regenerated the key but did not return it; regenerate it again", null, null);
        }
        return new UserKey(userId, regenerated.keyHash(), regenerated.key());
    }

    private static ApiException modelMaxBudgetUnlicensed() {
        return new ApiException(ErrorKind.NOT_IMPLEMENTED, "This key has model_max_budget, which LiteLLM sets on a "
                + "new key only with an Enterprise licence, so it cannot be rotated by copy here; nothing was changed",
                null, null);
    }

    private static ApiException rotationFailed(String step, Throwable cause, String note) {
        if (cause != null) {
            LOG.warnf("Key rotation failed while %s: %s (%s)", step, cause.getMessage(),
                    cause.getClass().getSimpleName());
        }
        return new ApiException(ErrorKind.BAD_GATEWAY, "Key rotation failed while " + step
                + "; it was undone and the old key is still valid." + note, null, cause);
    }

    private static String text(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }
}
