package io.litellm.orchestrator.service;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.client.LiteLlmClient;

/**
 * Leaves LiteLLM as a rotation by copy leaves it when its replica dies ({@code kill -9}) at a given step: the steps
 * the saga takes, up to that one, with the claim and the copy's mark it writes, and none of its undo. The claim's
 * lease is shortened to {@code lease}, as if it had been taken that long before its {@code claim-ttl} ran out.
 */
@ApplicationScoped
public class CrashScenes {

    /** The step after which the replica died. */
    public enum Step {
        /** The claim is taken and the alias freed on the old key; no copy yet. */
        ALIAS_FREED,
        /** The copy exists and holds the alias; the old key is untouched otherwise. */
        COPY_CREATED,
        /** Grace rotation: the old key also expires soon and says {@code rotated_to} the copy. */
        GRACE_SET,
        /** The old key is deleted; only the commit (and the answer) is missing. */
        OLD_DELETED
    }

    /** What the crash left: the old key, its copy's id (it may not exist), the claim row's id. */
    public record Scene(String keyId, String copyHash, String claimHash, Instant leaseEnd) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final LiteLlmClient litellm;
    private final RotationClaims claims;
    private final RotationRecovery recovery;

    public CrashScenes(LiteLlmClient litellm, RotationClaims claims, RotationRecovery recovery) {
        this.litellm = litellm;
        this.claims = claims;
        this.recovery = recovery;
    }

    public Scene rotationDiedAfter(Step step, String userId, String keyId, Duration lease) {
        ObjectNode old = litellm.findKey(keyId).await().atMost(WAIT).orElseThrow();
        String alias = old.path("key_alias").asText(null);
        RotationClaims.Claim claim = claims.claim(keyId, alias, userId).await().atMost(WAIT);
        litellm.updateKey(JSON.createObjectNode().put("key", claim.claimHash())
                .put("duration", Math.max(1, lease.toSeconds()) + "s"), "test").await().atMost(WAIT);
        Instant leaseEnd = Instant.now().plus(Duration.ofSeconds(Math.max(1, lease.toSeconds())));
        Scene scene = new Scene(keyId, claim.copyHash(), claim.claimHash(), leaseEnd);

        litellm.updateKey(JSON.createObjectNode().put("key", keyId).putNull("key_alias"), userId).await().atMost(WAIT);
        if (step == Step.ALIAS_FREED) {
            return scene;
        }
        ObjectNode copy = CopyRotation.copyOf(userId, old, JSON.createObjectNode(), alias);
        copy.put("key", claim.copySecret());
        ObjectNode metadata = copy.path("metadata").isObject() ? (ObjectNode) copy.get("metadata")
                : copy.putObject("metadata");
        metadata.set(RotationRecovery.COPY_MARK, recovery.copyMark(claim.copyHash(), keyId, alias,
                Expiry.of(old), leaseEnd));
        litellm.generateKey(copy, userId).await().atMost(WAIT);
        if (step == Step.GRACE_SET) {
            ObjectNode marks = old.path("metadata").isObject() ? ((ObjectNode) old.get("metadata")).deepCopy()
                    : JSON.createObjectNode();
            marks.put(KeyRotationService.ROTATED_TO, claim.copyHash()).put(KeyRotationService.ROTATED_AT,
                    Instant.now().toString());
            ObjectNode expire = JSON.createObjectNode().put("key", keyId).put("duration", "600s");
            expire.set("metadata", marks);
            litellm.updateKey(expire, userId).await().atMost(WAIT);
        } else if (step == Step.OLD_DELETED) {
            litellm.deleteKey(keyId, userId).await().atMost(WAIT);
        }
        return scene;
    }

    /** Waits until the scene's lease is over. */
    public static void leaseOver(Scene scene) throws InterruptedException {
        long millis = Duration.between(Instant.now(), scene.leaseEnd()).toMillis();
        Thread.sleep(Math.max(0, millis) + 300);
    }
}
