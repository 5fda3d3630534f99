package io.litellm.orchestrator.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.security.RandomSource;
import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.KeyListResponse;
import io.smallrye.mutiny.Uni;

/**
 * A key's stable reference ({@code keyRef}): one handle for a key's whole life, kept while its id (LiteLLM's token
 * hash) changes with every rotation. Opaque and random ({@code kr_} and 26 base32 characters, 130 bits), never
 * derived from the secret. LiteLLM has no such column, so it lives in the key's {@code metadata}, with how often the
 * key was rotated and when last; every rotation carries all three to the new key (see README, "Stable key
 * references").
 * <p>
 * A reference is resolved only among the path owner's keys (a user's, a group's team's), by listing them: another
 * owner's reference is not found, like any key that is not theirs.
 */
@ApplicationScoped
public class KeyRefs {

    /** The metadata fields we own on a key; callers never set them (see {@link KeyFieldPolicy}). */
    public static final String REF = "orchestrator_key_ref";
    public static final String ROTATIONS = "orchestrator_rotation_count";
    public static final String ROTATED_AT = "orchestrator_last_rotated_at";
    /** The lifecycle events' "already sent" marks (events/Findings): kept with the key so every replica sees them. */
    public static final String NOTIFIED = "orchestrator_notified";
    public static final Set<String> OWNED = Set.of(REF, ROTATIONS, ROTATED_AT, NOTIFIED);

    /** A key id, LiteLLM's token hash. */
    public static final String KEY_ID = "[0-9a-fA-F]{64}";
    /** A key reference as we make them. */
    public static final String KEY_REF = "kr_[a-z2-7]{26}";
    private static final Pattern REF_PATTERN = Pattern.compile(KEY_REF);
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LiteLlmClient litellm;
    private final KeyService keys;

    public KeyRefs(LiteLlmClient litellm, KeyService keys) {
        this.litellm = litellm;
        this.keys = keys;
    }

    /** A new reference: {@code kr_} and 26 random base32 characters. */
    public static String newRef() {
        StringBuilder ref = new StringBuilder("kr_");
        for (int i = 0; i < 26; i++) {
            ref.append(BASE32[RandomSource.get().nextInt(BASE32.length)]);
        }
        return ref.toString();
    }

    public static boolean isRef(String value) {
        return value != null && REF_PATTERN.matcher(value).matches();
    }

    /** The reference a key row carries, or null (a key made before references, or outside us). */
    public static String refOf(JsonNode row) {
        JsonNode ref = row.isObject() ? KeyRow.of((ObjectNode) row).metadata(REF) : row.path(REF);
        return ref.isTextual() && !ref.asText().isEmpty() ? ref.asText() : null;
    }

    /** The metadata for a new key: the caller's, without fields we own, and a new reference. */
    public static Map<String, Object> forNewKey(Map<String, Object> metadata) {
        Map<String, Object> stamped = new LinkedHashMap<>();
        if (metadata != null) {
            stamped.putAll(metadata);
        }
        OWNED.forEach(stamped::remove);
        stamped.put(REF, newRef());
        return stamped;
    }

    /**
     * Changes about to be sent for {@code row} ({@code fields}, LiteLLM's names): a key without a reference gets one.
     * LiteLLM's update replaces metadata as a whole when it is sent (prepare_metadata_fields in
     * key_management_endpoints.py), so the row's metadata goes with it when the change has none.
     */
    public static void ensureRef(ObjectNode fields, ObjectNode row) {
        if (refOf(row) != null) {
            return;
        }
        metadataToSend(fields, row).put(REF, newRef());
    }

    /**
     * The changes sent with a rotation of {@code row}: the new key keeps the old key's reference (a new one for a key
     * without), its rotation count one up, and now as the last rotation. Sent as metadata with every rotation:
     * LiteLLM's regenerate keeps the row's metadata unless a request names it, and then replaces it
     * (regenerate_key_fn → prepare_key_update_data → prepare_metadata_fields); a copy is made from this metadata.
     *
     * @return the reference the new key has
     */
    public static String stampRotation(ObjectNode fields, ObjectNode row, Instant at) {
        String ref = refOf(row) != null ? refOf(row) : newRef();
        metadataToSend(fields, row)
                .put(REF, ref)
                .put(ROTATIONS, rotations(row) + 1)
                .put(ROTATED_AT, at.toString());
        return ref;
    }

    /** The metadata in {@code fields}, else a copy of the row's put there; fields we own as the row has them. */
    private static ObjectNode metadataToSend(ObjectNode fields, ObjectNode row) {
        JsonNode current = KeyRow.of(row).metadata();
        if (!fields.path(KeyRow.METADATA).isObject()) {
            fields.set(KeyRow.METADATA, current.isObject() ? current.deepCopy() : NODES.objectNode());
        }
        ObjectNode metadata = (ObjectNode) fields.get(KeyRow.METADATA);
        metadata.remove(OWNED);
        for (String owned : OWNED) {
            if (current.hasNonNull(owned)) {
                metadata.set(owned, current.get(owned).deepCopy());
            }
        }
        return metadata;
    }

    static int rotations(JsonNode row) {
        return row.isObject() ? KeyRow.of((ObjectNode) row).metadata(ROTATIONS).asInt(0) : 0;
    }

    /**
     * The row as we show it: LiteLLM's row with {@code keyRef}, {@code rotations} and {@code lastRotatedAt} added
     * from its metadata. Not LiteLLM columns, and named apart from its {@code rotation_count} (which counts only its
     * scheduled rotations): a generated client maps {@code rotation_count} and {@code rotationCount} to one name.
     */
    public static ObjectNode show(ObjectNode row) {
        JsonNode metadata = KeyRow.of(row).metadata();
        if (refOf(row) != null) {
            row.put("keyRef", refOf(row));
        } else {
            row.putNull("keyRef");
        }
        row.put("rotations", rotations(row));
        JsonNode at = metadata.path(ROTATED_AT);
        if (at.isTextual()) {
            row.put("lastRotatedAt", at.asText());
        } else {
            row.putNull("lastRotatedAt");
        }
        return row;
    }

    /** The id of the user's key that {@code keyIdOrRef} names: a key id as it is, a reference looked up. */
    public Uni<String> ofUser(String userId, String keyIdOrRef) {
        if (!isRef(keyIdOrRef)) {
            return Uni.createFrom().item(keyIdOrRef);
        }
        return resolve((page, size) -> litellm.listKeys(userId, page, size), KeyRow.Owner.USER, userId, keyIdOrRef,
                "user " + userId);
    }

    /** The id of the group's key that {@code keyIdOrRef} names: a key id as it is, a reference looked up. */
    public Uni<String> ofGroup(String groupRef, String keyIdOrRef) {
        if (!isRef(keyIdOrRef)) {
            return Uni.createFrom().item(keyIdOrRef);
        }
        String teamId = TeamService.teamIdOf(groupRef);
        return resolve((page, size) -> litellm.listTeamKeys(teamId, page, size), KeyRow.Owner.TEAM, teamId, keyIdOrRef,
                "group " + groupRef);
    }

    /**
     * Lists the owner's keys and picks the live one with the reference. A key living out a grace period after a
     * rotation still carries its reference (its row says which handle it was) but is marked {@code rotated_to}: it is
     * never the one a reference names. Ownership is checked again on the id by the route, as for any key id.
     */
    private Uni<String> resolve(BiFunction<Integer, Integer, Uni<KeyListResponse>> pageOf, KeyRow.Owner ownerField,
            String owner, String ref, String whose) {
        return keys.readAllPages(pageOf, ownerField, owner).map(rows -> {
            List<String> ids = new ArrayList<>();
            for (ObjectNode row : rows) {
                KeyRow key = KeyRow.of(row);
                if (ref.equals(refOf(row)) && !key.metadata().hasNonNull(KeyRotationService.ROTATED_TO)
                        && key.json().path(KeyRow.TOKEN).isTextual()) {
                    ids.add(key.token());
                }
            }
            if (ids.isEmpty()) {
                throw ApiException.notFound("Key " + ref + " not found for " + whose);
            }
            if (ids.size() > 1) {
                // only for a moment during a rotation by copy (the new key exists, the old one is not retired yet)
                throw ApiException.conflict("Key reference " + ref + " names " + ids.size()
                        + " keys right now (a rotation is under way); try again");
            }
            return ids.get(0);
        });
    }
}
