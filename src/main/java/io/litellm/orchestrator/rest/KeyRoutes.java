package io.litellm.orchestrator.rest;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.api.RegenerateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.service.KeyFilter;
import io.litellm.orchestrator.service.KeyOwner;
import io.litellm.orchestrator.service.KeyRotationService;
import io.litellm.orchestrator.service.KeyService;
import io.smallrye.mutiny.Uni;

/**
 * The body of the key routes, the same for a user's keys ({@link UserResource}) and a group's
 * ({@link GroupResource}): authorise first, then resolve a key reference, then act through the key's owner, audited.
 * What differs between them is the {@link Scope}.
 */
@ApplicationScoped
public class KeyRoutes {

    /** Who may act and as whom, and whose keys: the caller as authorised, and the owner of the keys. */
    public record Acting(Caller caller, KeyOwner owner) {
    }

    /** What differs between a user's and a group's key routes. */
    public interface Scope {

        /** The caller if allowed on these keys (403 otherwise), and the keys' owner. */
        Acting authorize();

        /** The key id that a key id or key reference names among these keys. */
        Uni<String> resolve(String keyIdOrRef);

        /** The mutation, audited under {@code operation}. */
        <T> Uni<T> audited(String operation, String keyId, Function<T, String> keyOf, Uni<T> mutation);
    }

    private final KeyService keys;
    private final KeyRotationService rotation;

    public KeyRoutes(KeyService keys, KeyRotationService rotation) {
        this.keys = keys;
        this.rotation = rotation;
    }

    Uni<UserKey> create(Scope scope, String operation, CreateUserKeyRequest request) {
        CreateUserKeyRequest body = request != null ? request : CreateUserKeyRequest.EMPTY;
        return scope.audited(operation, null, UserKey::keyId, deferred(() -> {
            Acting acting = scope.authorize();
            return keys.createKey(acting.caller(), acting.owner(), body);
        }));
    }

    /** The filter is read once the caller is allowed: a refusal comes before a bad parameter. */
    Uni<List<ObjectNode>> list(Scope scope, Supplier<KeyFilter> filter) {
        KeyOwner owner = scope.authorize().owner();
        return keys.listKeys(owner, filter.get());
    }

    Uni<ObjectNode> get(Scope scope, String keyId) {
        KeyOwner owner = scope.authorize().owner();
        return scope.resolve(keyId).flatMap(id -> keys.getKey(owner, id));
    }

    Uni<ObjectNode> update(Scope scope, String operation, String keyId, UpdateUserKeyRequest request) {
        return scope.audited(operation, keyId, null, deferred(() -> {
            Acting acting = scope.authorize();
            return scope.resolve(keyId).flatMap(id -> keys.updateKey(acting.caller(), acting.owner(), id, request));
        }));
    }

    Uni<Void> delete(Scope scope, String operation, String keyId) {
        return scope.audited(operation, keyId, null, deferred(() -> {
            Acting acting = scope.authorize();
            return scope.resolve(keyId).flatMap(id -> keys.deleteKey(acting.caller(), acting.owner(), id));
        }));
    }

    /** The audit names the key acted upon; the rotation's own log line names its new id. */
    Uni<UserKey> regenerate(Scope scope, String operation, String keyId, RegenerateUserKeyRequest request) {
        RegenerateUserKeyRequest body = request != null ? request : RegenerateUserKeyRequest.EMPTY;
        return scope.audited(operation, keyId, null, deferred(() -> {
            Acting acting = scope.authorize();
            return scope.resolve(keyId).flatMap(id -> rotation.regenerate(acting.caller(), acting.owner(), id, body));
        }));
    }

    private static <T> Uni<T> deferred(Supplier<Uni<? extends T>> mutation) {
        // the authorisation inside: a refusal is audited like any failure of the mutation
        return Uni.createFrom().deferred(mutation);
    }
}
