package io.litellm.orchestrator.service;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.smallrye.mutiny.Uni;

/**
 * Whose key an operation acts on: a user (personal keys) or a group's team (team keys). Rotation asks it for the
 * ownership check and the field policy, so both kinds of key rotate by the same rules.
 */
public interface KeyOwner {

    /** The owner as shown in answers and logs: the user id or the group ref. */
    String name();

    /** The {@code user_id} of the owner's keys; null for team keys (their {@code team_id} is copied with the row). */
    String userId();

    /** The key row if the key belongs to this owner; 404 otherwise (someone else's key and no key alike). */
    Uni<ObjectNode> requireKey(String keyId);

    /** The field policy for changes sent with an operation on {@code row}. */
    Uni<Void> checkChanges(ObjectNode row, UpdateUserKeyRequest changes);
}
