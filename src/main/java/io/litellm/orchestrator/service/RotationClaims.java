package io.litellm.orchestrator.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.security.RandomSource;
import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.client.KeyBody;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.smallrye.mutiny.Uni;

/**
 * A claim on a key, held in LiteLLM so that every replica sees it, taken before a rotation creates the key's
 * successor.
 * <p>
 * LiteLLM offers no conditional update, and key aliases are unique only by a read-then-write check. What it does
 * offer atomically is the key table's primary key: {@code /key/generate} with a chosen secret inserts the row with
 * {@code upsert(create=…, update={})}, so of several concurrent inserts of one token exactly one row results, holding
 * the first writer's values, and later writers change nothing. A claim is such a row: its secret is derived from the
 * rotated key's id with an HMAC under the master key (every replica computes the same one, nobody else can), it is
 * blocked, has no budget, no owner, and expires after {@code orchestrator.regenerate.claim-ttl}; its metadata carries
 * a random nonce. Whoever reads back their own nonce holds the claim. A claim that expired (its holder crashed) is
 * skipped by moving to the next generation of the derived secret, never deleted while the key can still be rotated,
 * so two holders can never coexist; once a rotation took effect (the key is gone, or lives out a grace period and is
 * refused further rotations) the skipped ones go with its own.
 * <p>
 * A claim also records what is needed to undo its rotation if the holder dies midway (see {@link RotationRecovery}):
 * the id the key's copy will have (its secret is chosen here, so the copy can be found before it exists) and the
 * alias the key had. The claim's expiry is the holder's lease: until then nobody else touches the rotation, after it
 * the next rotation of the key undoes what was left before claiming the next generation.
 */
@ApplicationScoped
public class RotationClaims {

    /** The metadata field of a claim row. */
    static final String MARK = "orchestrator_rotation_claim";
    /** Expired claims (crashed holders) skipped before giving up. */
    static final int MAX_GENERATIONS = 4;

    private static final Logger LOG = Logger.getLogger(RotationClaims.class);

    private final LiteLlmClient litellm;
    private final OrchestratorConfig config;
    private final RotationRecovery recovery;
    private final byte[] derivationKey;

    /**
     * A claim held by this request on {@code keyId}; {@code claimHash} is the claim row's token, {@code copySecret}
     * the secret the key's copy is to get (its id is recorded in the claim), {@code leaseEnd} when the claim expires
     * in LiteLLM, and {@code stale} the expired claims of earlier, interrupted rotations of the key that were skipped.
     */
    public record Claim(String keyId, String claimHash, String copySecret, Instant leaseEnd, List<String> stale) {

        /** The copy's id: LiteLLM's token of {@link #copySecret}. */
        public String copyHash() {
            return sha256(copySecret);
        }
    }

    public RotationClaims(LiteLlmClient litellm, OrchestratorConfig config, LiteLlmConfig litellmConfig,
            RotationRecovery recovery) {
        this.litellm = litellm;
        this.config = config;
        this.recovery = recovery;
        this.derivationKey = litellmConfig.masterKey().getBytes(StandardCharsets.UTF_8);
    }

    /** Claims the key, or fails with 409 when another rotation holds it. */
    public Uni<Claim> claim(String keyId, String changedBy) {
        return claim(keyId, null, changedBy);
    }

    /**
     * Claims the key, recording {@code alias} (the key's alias now) so that a rotation interrupted after freeing it
     * can give it back; an expired claim met on the way is recovered first (its rotation undone). Fails with 409 when
     * another rotation holds the key.
     */
    public Uni<Claim> claim(String keyId, String alias, String changedBy) {
        return attempt(keyId, 0, alias, newSecret(), new ArrayList<>(), changedBy);
    }

    private Uni<Claim> attempt(String keyId, int generation, String alias, String copySecret, List<String> stale,
            String changedBy) {
        if (generation >= MAX_GENERATIONS) {
            return Uni.createFrom().failure(ApiException.conflict("This key is being rotated, or earlier rotations "
                    + "of it were interrupted " + MAX_GENERATIONS + " times; try again later or ask an admin"));
        }
        String secret = secret(keyId, generation);
        String claimHash = sha256(secret);
        String nonce = UUID.randomUUID().toString();
        KeyBody body = KeyBody.generate(secret).blocked(true).maxBudget(0.0)
                .expiresIn(Math.max(1, config.regenerate().claimTtl().toSeconds()));
        ObjectNode mark = body.newMetadata().putObject(MARK).put("key", keyId).put("nonce", nonce)
                .put("by", changedBy).put(RotationRecovery.COPY, sha256(copySecret));
        if (alias != null) {
            mark.put(RotationRecovery.ALIAS, alias);
        }
        Throwable[] sendFailure = new Throwable[1];
        return litellm.generateKey(body.json(), changedBy)
                .replaceWith(Boolean.TRUE)
                // a failed or timed-out insert may still have landed: the row is the judge
                .onFailure(failure -> !(failure instanceof UpstreamException.Unreachable)).recoverWithItem(failure -> {
                    sendFailure[0] = failure;
                    return Boolean.FALSE;
                })
                .flatMap(sent -> litellm.findKey(claimHash))
                .flatMap(found -> judge(found, nonce, sendFailure[0], keyId, generation, alias, copySecret, stale,
                        changedBy, claimHash));
    }

    private Uni<Claim> judge(Optional<ObjectNode> found, String nonce, Throwable sendFailure, String keyId,
            int generation, String alias, String copySecret, List<String> stale, String changedBy, String claimHash) {
        if (found.isEmpty()) {
            return Uni.createFrom().failure(new ApiException(ErrorKind.BAD_GATEWAY,
                    "Could not reserve the key for rotation in LiteLLM; nothing was changed", null, sendFailure));
        }
        JsonNode mark = KeyRow.of(found.get()).metadata(MARK);
        Instant expires = Expiry.of(found.get());
        if (nonce.equals(mark.path("nonce").asText(null))) {
            Instant leaseEnd = expires != null ? expires : Instant.now().plus(config.regenerate().claimTtl());
            return Uni.createFrom().item(new Claim(keyId, claimHash, copySecret, leaseEnd, List.copyOf(stale)));
        }
        if (expires != null && !expires.isAfter(Instant.now())) {
            // left by a rotation that never finished: undo what it left (its lease is over, its holder gone), then
            // move on, never reusing the claim
            stale.add(claimHash);
            return recovery.undoInterrupted(mark)
                    .flatMap(restoredAlias -> attempt(keyId, generation + 1,
                            alias != null ? alias : restoredAlias.orElse(null), copySecret, stale, changedBy));
        }
        return Uni.createFrom().failure(beingRotated());
    }

    /**
     * Gives the claim back; a failure only delays the next rotation of this key until the claim expires. Once the
     * rotation took effect ({@code done}: the key is gone or only lives out its grace period, so it is never
     * claimed again), the expired claims of earlier interrupted rotations go too.
     */
    public Uni<Void> release(Claim claim, boolean done, String changedBy) {
        Uni<Void> own = delete(claim.claimHash(), changedBy).onFailure().recoverWithItem(failure -> {
            LOG.warnf("Could not release the rotation claim on key %s (%s); it expires by itself", claim.keyId(),
                    failure.getMessage());
            return null;
        });
        if (!done || claim.stale().isEmpty()) {
            return own;
        }
        // one by one: a batch delete fails as a whole when one of them is gone already
        Uni<Void> all = own;
        for (String stale : claim.stale()) {
            all = all.call(() -> delete(stale, changedBy).onFailure().recoverWithNull());
        }
        return all;
    }

    private Uni<Void> delete(String claimHash, String changedBy) {
        return litellm.deleteKey(claimHash, changedBy);
    }

    public Uni<Void> release(Claim claim, String changedBy) {
        return release(claim, false, changedBy);
    }

    /** A random secret in LiteLLM's format, for a rotation's copy. */
    static String newSecret() {
        byte[] bytes = new byte[32];
        RandomSource.get().nextBytes(bytes);
        return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static ApiException beingRotated() {
        return ApiException.conflict("This key is being rotated; try again in a moment");
    }

    /** The claim secret of one generation: only holders of the master key can compute it. */
    String secret(String keyId, int generation) {
        return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(
                hmac(derivationKey, "litellm-orchestrator rotation claim\n" + keyId + "\n" + generation));
    }

    /** Whether {@code claimHash} is the token of one of the claims this service derives for {@code keyId}. */
    boolean isClaimOf(String claimHash, String keyId) {
        for (int generation = 0; generation < MAX_GENERATIONS; generation++) {
            if (sha256(secret(keyId, generation)).equals(claimHash)) {
                return true;
            }
        }
        return false;
    }

    static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** LiteLLM's token: SHA-256 hex of the secret. */
    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
