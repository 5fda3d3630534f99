package io.litellm.orchestrator.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.litellm.orchestrator.api.GroupKey;
import io.litellm.orchestrator.api.User;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.security.Caller;

/**
 * Turns what the service did into events. Called by {@code observability/AuditLog} when a mutation ended well, so
 * every route that changes something is covered in one place; nothing here may fail or slow the request: events are
 * queued (see {@link EventDelivery}), an error is logged and swallowed.
 */
@ApplicationScoped
public class LifecycleEvents {

    private static final Logger LOG = Logger.getLogger("io.litellm.orchestrator.events");
    private static final String KEY_REF_PREFIX = "kr_";

    private final EventDelivery delivery;
    private final LiteLlmClient litellm;

    public LifecycleEvents(EventDelivery delivery, LiteLlmClient litellm) {
        this.delivery = delivery;
        this.litellm = litellm;
    }

    /**
     * A mutation that succeeded: {@code operation} as audited, {@code target} the user id or group ref of the path,
     * {@code targetKey} the key id or ref of the path (null when the key is new), {@code item} the result.
     */
    public void mutation(String operation, String target, String targetKey, Object item) {
        if (!delivery.enabled()) {
            return;
        }
        try {
            boolean group = operation.contains("Group");
            Owner owner = group ? Owner.group(target) : Owner.user(target);
            switch (operation) {
                case "createUserKey", "createGroupKey" -> issued(EventKind.KEY_CREATED, owner, item, null);
                case "regenerateUserKey", "regenerateGroupKey" -> issued(EventKind.KEY_ROTATED, owner, item, targetKey);
                case "deleteUserKey", "deleteGroupKey" -> delivery.publish(new LifecycleEvent(
                        LifecycleEvent.idOf(EventKind.KEY_DELETED.type, owner.id(), targetKey), EventKind.KEY_DELETED,
                        Instant.now(), owner, isRef(targetKey) ? null : targetKey, isRef(targetKey) ? targetKey : null,
                        null, null, "The key was deleted; it no longer works.", null));
                case "updateUserKey", "updateGroupKey" -> RequestedChange.blocked()
                        .ifPresent(blocked -> blockedOrNot(blocked, owner, item));
                case "updateUser" -> {
                    // a PATCH that only resets spend changes no budget
                    if (RequestedChange.budget()) {
                        budgetChanged(owner, item);
                    }
                }
                default -> {
                    // createUser, updateGroup: nothing an owner needs to hear about
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("No event for %s: %s", operation, e.getClass().getSimpleName());
        }
    }

    /** A workshop call that answered; the event goes to whoever made it. */
    public void workshop(String operation, Caller caller, String workshopId, String counts) {
        if (!delivery.enabled() || !"provisionWorkshop".equals(operation) && !"deleteWorkshop".equals(operation)) {
            return;
        }
        EventKind kind = "provisionWorkshop".equals(operation) ? EventKind.WORKSHOP_PROVISIONED
                : EventKind.WORKSHOP_REMOVED;
        Instant now = Instant.now();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("workshopId", workshopId);
        details.put("counts", counts);
        delivery.publish(new LifecycleEvent(LifecycleEvent.idOf(kind.type, workshopId, counts, now.toEpochMilli()),
                kind, now, Owner.user(caller.principal()), null, null, null, null,
                "Workshop " + workshopId + ": " + counts, details));
    }

    /** A new or rotated key: its alias is read back from LiteLLM (off the request path) so the owner knows which. */
    private void issued(EventKind kind, Owner owner, Object item, String previousKey) {
        String keyId;
        String keyRef;
        if (item instanceof UserKey key) {
            keyId = key.keyId();
            keyRef = key.keyRef();
        } else if (item instanceof GroupKey key) {
            keyId = key.keyId();
            keyRef = key.keyRef();
        } else {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (previousKey != null) {
            details.put("previousKey", previousKey);
        }
        String description = kind == EventKind.KEY_CREATED ? "A new key was issued."
                : "The key got a new secret; the old one stops working (at once or after its grace period).";
        litellm.findKey(keyId)
                .map(row -> row.map(ScannedKey::of).map(ScannedKey::keyAlias).orElse(null))
                .onFailure().recoverWithItem((String) null)
                .subscribe().with(alias -> delivery.publish(new LifecycleEvent(LifecycleEvent.idOf(kind.type, keyId),
                        kind, Instant.now(), owner, keyId, keyRef, alias, null, description, details)));
    }

    private void blockedOrNot(boolean blocked, Owner owner, Object item) {
        if (!(item instanceof JsonNode node)) {
            return;
        }
        ScannedKey row = ScannedKey.of(node);
        EventKind kind = blocked ? EventKind.KEY_BLOCKED : EventKind.KEY_UNBLOCKED;
        Instant now = Instant.now();
        delivery.publish(new LifecycleEvent(LifecycleEvent.idOf(kind.type, row.keyId(), now.toEpochMilli()), kind, now,
                owner, row.keyId(), row.keyRef(), row.keyAlias(), null,
                blocked ? "The key was blocked: requests with it are refused." : "The key was unblocked.", null));
    }

    private void budgetChanged(Owner owner, Object item) {
        if (!(item instanceof User user)) {
            return;
        }
        Instant now = Instant.now();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("maxBudget", user.maxBudget());
        details.put("budgetDuration", user.budgetDuration());
        details.put("spend", user.spend());
        EventKind kind = EventKind.USER_BUDGET_CHANGED;
        delivery.publish(new LifecycleEvent(LifecycleEvent.idOf(kind.type, owner.id(), user.maxBudget(),
                user.budgetDuration(), now.toEpochMilli()), kind, now, owner, null, null, null, null,
                "Your LiteLLM budget is now " + (user.maxBudget() == null ? "unlimited" : user.maxBudget() + " USD")
                        + (user.budgetDuration() == null ? "" : " per " + user.budgetDuration()) + ".",
                details));
    }

    private static boolean isRef(String key) {
        return key != null && key.startsWith(KEY_REF_PREFIX);
    }
}
