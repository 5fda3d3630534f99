package io.litellm.orchestrator.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.client.Durations;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.RegenerateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.client.KeyBody;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyResponse;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.client.UpstreamException.Reason;
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

    /** Metadata marks on a key that was rotated with a grace period (see {@link CopyRotation}). */
    static final String ROTATED_TO = CopyRotation.ROTATED_TO;
    static final String ROTATED_AT = CopyRotation.ROTATED_AT;

    private final LiteLlmClient litellm;
    private final KeyService keys;
    private final RegenerationLimiter limiter;
    private final RotationClaims claims;
    private final OrchestratorConfig config;
    private final OrchestratorMetrics metrics;
    private final CopyRotation copies;
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
        this.config = config;
        this.metrics = metrics;
        this.copies = new CopyRotation(litellm, recovery, config, metrics);
        this.nanoTime = nanoTime;
    }

    public Uni<UserKey> regenerate(Caller caller, String userId, String keyId, RegenerateUserKeyRequest request) {
        return regenerate(caller, KeyOwner.user(userId), keyId, request);
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
        return keys.requireKey(owner, keyId)
                .call(row -> keys.checkChanges(caller, owner, row, changes))
                .call(row -> requireAliasFree(changes.keyAlias(), row, keyId))
                // an expired claim met here is an interrupted rotation: claiming undoes it first
                .flatMap(row -> claims.claim(keyId, KeyRow.of(row).aliasText(), changedBy).flatMap(claim -> keys.requireKey(owner, keyId)
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

    /** Native or copy: the decision. */
    private Uni<UserKey> rotate(String changedBy, KeyOwner owner, String keyId, ObjectNode old,
            UpdateUserKeyRequest changes, ObjectNode fields, Duration grace, RotationClaims.Claim claim) {
        // LiteLLM's regeneration replaces the secret in place, and its own grace_period is unreliable upstream:
        // a grace period is always done by copy and expiry
        if (grace != null || !tryNative()) {
            return byCopy(changedBy, owner, keyId, old, changes, fields, grace, claim);
        }
        // LiteLLM's auth serves a key's row from each replica's in-memory cache, and regenerate evicts it under
        // hash_token(<its argument>): given the hash, it evicts sha256(hash), i.e. nothing, and the old secret keeps
        // authenticating until the cached row expires. /key/block rewrites the cached row under the real hash, so
        // the old secret is refused at once on that replica.
        boolean wasBlocked = KeyRow.of(old).blocked();
        ObjectNode body = KeyBody.regenerateNow(fields, wasBlocked);
        return litellm.setBlocked(keyId, true, changedBy)
                .flatMap(blocked -> litellm.regenerateKey(keyId, body, changedBy)
                        .onFailure().call(f -> wasBlocked ? Uni.createFrom().voidItem()
                                : unblockAfterFailedRegenerate(keyId, changedBy)))
                .invoke(regenerated -> unlicensedUntil = 0)
                .map(regenerated -> issued(owner.name(), regenerated))
                .invoke(issued -> metrics.keyRegenerated("native"))
                .onFailure(UpstreamException.because(Reason.ALIAS_TAKEN))
                .transform(f -> KeyService.aliasTaken(changes.keyAlias()))
                .onFailure(UpstreamException.Unlicensed.class).recoverWithUni(f -> {
                    unlicensedSeen = true;
                    unlicensedUntil = nanoTime.getAsLong() + Math.max(1, config.regenerate().licenceRecheck().toNanos());
                    return byCopy(changedBy, owner, keyId, old, changes, fields, null, claim);
                });
    }

    /** Rotation by copy ({@link CopyRotation}), unless it is switched off. */
    private Uni<UserKey> byCopy(String changedBy, KeyOwner owner, String keyId, ObjectNode old,
            UpdateUserKeyRequest changes, ObjectNode fields, Duration grace, RotationClaims.Claim claim) {
        if (config.regenerate().fallback() == Fallback.NEVER) {
            return Uni.createFrom().failure(new ApiException(ErrorKind.NOT_IMPLEMENTED, (grace != null
                    ? "A grace period needs rotation by copy"
                    : "This LiteLLM has no Enterprise licence, so it cannot regenerate keys")
                    + ", and rotation by copy is switched off (orchestrator.regenerate.fallback=never); "
                    + "create a new key and delete the old one instead"));
        }
        return copies.rotate(changedBy, owner, keyId, old, changes.keyAlias(), fields, grace, claim, tryNative());
    }

    /** Arms the end of a grace period again (after a restart: {@link RecoverySweep}). */
    void endGraceLater(String keyId, String newKeyId, Duration grace, String changedBy) {
        copies.endGraceLater(keyId, newKeyId, grace, changedBy);
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
        if (alias == null || alias.equals(KeyRow.of(row).aliasText())) {
            return Uni.createFrom().voidItem();
        }
        return litellm.listKeysByAlias(alias).invoke(found -> {
            List<JsonNode> rows = found.keys() != null ? found.keys() : List.of();
            for (JsonNode other : rows) {
                String token = other.isObject() ? KeyRow.view(other).token() : other.asText(null);
                // LiteLLM releases without the key_alias filter list everything: only an exact alias counts
                boolean sameAlias = !other.isObject() || alias.equals(KeyRow.view(other).alias());
                if (sameAlias && token != null && !token.equals(keyId)) {
                    throw KeyService.aliasTaken(alias);
                }
            }
        }).replaceWithVoid();
    }

    private static UserKey issued(String userId, GenerateKeyResponse regenerated) {
        if (regenerated.key() == null || regenerated.keyHash() == null) {
            throw new ApiException(ErrorKind.BAD_GATEWAY,
                    "LiteLLM regenerated the key but did not return it; regenerate it again", null, null);
        }
        return new UserKey(userId, regenerated.keyHash(), regenerated.key());
    }
}
