package io.litellm.orchestrator.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What LiteLLM lets us carry from a key row to a new key made by {@code /key/generate} (a rotation by copy), and how
 * to tell that LiteLLM stored what we sent. Only the columns are LiteLLM's knowledge; what is carried is decided in
 * {@code service/}.
 */
public final class KeyCopy {

    /**
     * Key columns that {@code /key/generate} accepts under the same name and stores in the same column
     * (GenerateKeyRequest in proxy/_types.py and generate_key_helper_fn, newest line and 1.80.x): copied to the
     * successor. {@code object_permission} is the content {@code /key/info} attaches; generate creates its row anew.
     */
    public static final Set<String> COPIED = Set.of("key_alias", "spend", "models", "aliases", "config",
            "router_settings", "team_id", "agent_id", "project_id", "organization_id", "permissions",
            "max_parallel_requests", "metadata", "blocked", "tpm_limit", "rpm_limit", "max_budget", "budget_duration",
            "allowed_cache_controls", "allowed_routes", "access_group_ids", "model_max_budget", "budget_id",
            "object_permission", "auto_rotate", "rotation_interval");
    /**
     * Key columns (LiteLLM_VerificationToken in schema.prisma) and /key/info additions that are the key's identity,
     * its secret, or bookkeeping LiteLLM computes itself: not copied ({@code expires} becomes a duration).
     * Every other column with a value cannot be carried: {@code /key/generate} ignores fields it does not declare
     * ({@code policies} and {@code budget_limits} of the newest line are such columns; generate puts a
     * {@code policies} request field into metadata), and a restriction must never be dropped silently.
     */
    public static final Set<String> NOT_COPIED = Set.of("token", "key", "key_name", "token_id", "user_id", "expires",
            "created_at", "created_by", "updated_at", "updated_by", "budget_reset_at", "model_spend",
            "soft_budget_cooldown", "rotation_count", "last_rotation_at", "key_rotation_at", "last_active",
            "object_permission_id", "litellm_budget_table", "litellm_organization_table", "litellm_project_table",
            "jwt_key_mappings", "deleted_at", "deleted_by", "deleted_by_api_key");

    private static final String DURATION = "duration";
    private static final String SECRET = "key";
    private static final String OBJECT_PERMISSION = "object_permission";
    private static final String OBJECT_PERMISSION_ID = "object_permission_id";
    /** {@code model_max_budget} is refused by /key/generate without a licence (validate_model_max_budget). */
    private static final String MODEL_MAX_BUDGET = "model_max_budget";

    private KeyCopy() {
    }

    /** The columns of {@code old} with a value that cannot be carried and that {@code fields} does not set anew. */
    public static List<String> uncopyable(ObjectNode old, ObjectNode fields) {
        List<String> uncopyable = new ArrayList<>();
        old.fields().forEachRemaining(field -> {
            String name = field.getKey();
            if (!COPIED.contains(name) && !NOT_COPIED.contains(name) && !fields.has(name) && isSet(field.getValue())) {
                uncopyable.add(name);
            }
        });
        return uncopyable;
    }

    /**
     * {@code /key/generate}'s body for a successor of {@code old}: its copied columns, {@code userId} when given,
     * {@code fields} on top (LiteLLM's names), metadata without {@code dropMetadata}, {@code alias} (none when null),
     * and {@code lifetimeSeconds} as its duration unless {@code fields} sets one (null: no expiry).
     */
    public static ObjectNode body(ObjectNode old, String userId, ObjectNode fields, String alias,
            Collection<String> dropMetadata, Long lifetimeSeconds) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        old.fields().forEachRemaining(field -> {
            if (COPIED.contains(field.getKey()) && !field.getValue().isNull()) {
                copy.set(field.getKey(), field.getValue().deepCopy());
            }
        });
        // the permissions object is created anew from its content, under a new id
        if (copy.path(OBJECT_PERMISSION).isObject()) {
            ((ObjectNode) copy.get(OBJECT_PERMISSION)).remove(OBJECT_PERMISSION_ID);
        }
        if (userId != null) {
            copy.put(KeyRow.USER_ID, userId);
        }
        copy.setAll(fields.deepCopy());
        if (copy.path(KeyRow.METADATA).isObject()) {
            ((ObjectNode) copy.get(KeyRow.METADATA)).remove(dropMetadata);
        }
        if (alias != null) {
            copy.put(KeyRow.ALIAS, alias);
        } else {
            copy.remove(KeyRow.ALIAS);
        }
        if (lifetimeSeconds != null && !fields.has(DURATION)) {
            copy.put(DURATION, lifetimeSeconds + "s");
        }
        return copy;
    }

    /** Whether {@code fields} (changes in LiteLLM's names) set the key's lifetime. */
    public static boolean setsLifetime(ObjectNode fields) {
        return fields.has(DURATION);
    }

    /** The secret the new key is to have. */
    public static void withSecret(ObjectNode body, String secret) {
        body.put(SECRET, secret);
    }

    /** The body's metadata object, made when it has none. */
    public static ObjectNode metadataOf(ObjectNode body) {
        return body.path(KeyRow.METADATA).isObject() ? (ObjectNode) body.get(KeyRow.METADATA)
                : body.putObject(KeyRow.METADATA);
    }

    /** Whether /key/generate takes this body only with an Enterprise licence. */
    public static boolean needsLicence(ObjectNode body) {
        return isSet(body.get(MODEL_MAX_BUDGET));
    }

    /**
     * The fields of {@code sent} that LiteLLM did not keep in {@code stored} (the new key's row): a field dropped
     * would leave the new key less restricted than the old one. Metadata keys in {@code ignoredMetadata} restrict
     * nothing and are not compared.
     */
    public static List<String> lost(ObjectNode sent, ObjectNode stored, Collection<String> ignoredMetadata) {
        List<String> lost = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = sent.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            // the secret is not stored as such (its hash is the id); the lifetime becomes an expiry
            if (field.getKey().equals(DURATION) || field.getKey().equals(SECRET)) {
                continue;
            }
            JsonNode value = field.getValue();
            JsonNode kept = stored.get(field.getKey());
            if (field.getKey().equals(KeyRow.METADATA) && value.isObject() && kept != null && kept.isObject()) {
                ObjectNode sentMetadata = ((ObjectNode) value).deepCopy();
                ObjectNode keptMetadata = ((ObjectNode) kept).deepCopy();
                sentMetadata.remove(ignoredMetadata);
                keptMetadata.remove(ignoredMetadata);
                value = sentMetadata;
                kept = keptMetadata;
            }
            if (!sameValue(value, kept)) {
                lost.add(field.getKey());
            }
        }
        return lost;
    }

    /** A column value that says something: not null, not an empty list or object, not false. */
    static boolean isSet(JsonNode value) {
        return !(value == null || value.isNull() || (value.isContainerNode() && value.isEmpty())
                || (value.isBoolean() && !value.asBoolean()));
    }

    /** JSON equality where LiteLLM's defaults (null, [] and {}) are all "nothing", and 5 equals 5.0. */
    public static boolean sameValue(JsonNode sent, JsonNode stored) {
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
}
