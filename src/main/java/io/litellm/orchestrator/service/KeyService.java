package io.litellm.orchestrator.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.KeyPage;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.api.UserKeyList;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.KeyListResponse;
import io.litellm.orchestrator.client.RequestDeadline;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Rules for virtual keys: a key is only ever touched through the user that owns it.
 */
@ApplicationScoped
public class KeyService {

    /** Fields of a key row that may hold a secret; they never leave this service. */
    private static final List<String> SECRET_FIELDS = List.of("key", "api_key");

    private final LiteLlmClient litellm;
    private final UserService users;
    private final KeyFieldPolicy policy;
    private final LiteLlmConfig litellmConfig;
    private final KnownUsers known;
    private final OrchestratorConfig config;
    private final RequestDeadline deadline;
    private final RotationRecovery recovery;

    public KeyService(LiteLlmClient litellm, UserService users, KeyFieldPolicy policy, LiteLlmConfig litellmConfig,
            KnownUsers known, OrchestratorConfig config, RequestDeadline deadline, RotationRecovery recovery) {
        this.litellm = litellm;
        this.users = users;
        this.policy = policy;
        this.litellmConfig = litellmConfig;
        this.known = known;
        this.config = config;
        this.deadline = deadline;
        this.recovery = recovery;
    }

    public Uni<UserKey> createKey(Caller caller, String userId, CreateUserKeyRequest request) {
        // /key/generate does not check that the user exists (generate_key_helper_fn skips the user table for keys):
        // without a look-up an unknown id would get a key with no user behind it. A user LiteLLM confirmed within
        // orchestrator.known-users.ttl is not looked up again, unless the field policy needs its row.
        // the ceilings first: they need no look-up, and they give a key asked without lifetime or models its own
        CreateUserKeyRequest bounded = policy.withinCeilings(caller, request);
        Uni<Void> ready;
        if (policy.createNeedsUser(caller, request) || !known.knows(userId)) {
            ready = users.requireUser(caller, userId).invoke(user -> policy.checkCreate(caller, user, request))
                    .replaceWithVoid();
        } else {
            ready = Uni.createFrom().voidItem().invoke(() -> policy.checkCreate(caller, null, request));
        }
        Map<String, Object> metadata = KeyRefs.forNewKey(bounded.metadata());
        return ready
                .flatMap(checked -> {
                    GenerateKeyRequest upstream = new GenerateKeyRequest(userId, bounded.keyAlias(), bounded.models(),
                            bounded.maxBudget(), bounded.budgetDuration(), bounded.duration(), metadata,
                            bounded.tpmLimit(), bounded.rpmLimit(), null, null);
                    return litellm.generateKey(upstream, caller.principal());
                })
                .onFailure(KeyService::isAliasConflict).transform(f -> aliasTaken(request.keyAlias()))
                .map(generated -> {
                    if (generated.key() == null || generated.keyHash() == null) {
                        throw new ApiException(ErrorKind.BAD_GATEWAY, "LiteLLM created the key but did not return it",
                                null, null);
                    }
                    return new UserKey(userId, generated.keyHash(), generated.key(),
                            (String) metadata.get(KeyRefs.REF));
                });
    }

    /** Every page of the user's keys, without secrets. */
    public Uni<UserKeyList> listKeys(String userId) {
        return listKeys(userId, KeyFilter.NONE);
    }

    /** Every page of the user's keys, without secrets, those that match {@code filter}. */
    public Uni<UserKeyList> listKeys(String userId, KeyFilter filter) {
        return readAllPages((page, size) -> litellm.listKeys(userId, page, size), "user_id", userId)
                .map(rows -> {
                    Instant now = Instant.now();
                    return new UserKeyList(filter.filters()
                            ? rows.stream().filter(row -> filter.matches(row, now)).toList()
                            : rows);
                });
    }

    /**
     * An admin's scan of every key (users' and groups'), from LiteLLM page {@code fromPage} on: the rows that match
     * {@code filter}, and the page to go on from. Never an unbounded scan in one request: it stops after
     * {@code orchestrator.key-scan.pages-per-request} pages, or before a page that might not finish within the
     * request's deadline, and answers with a cursor.
     */
    public Uni<KeyPage> scanKeys(KeyFilter filter, int fromPage) {
        Instant now = Instant.now();
        int last = fromPage + Math.max(1, config.keyScan().pagesPerRequest()) - 1;
        java.time.Duration perCall = java.time.Duration.ofMillis(litellmConfig.resilience().timeoutMs());
        return readPages((page, size) -> litellm.listAllKeys(page, size), row -> filter.matches(row, now), fromPage,
                new ArrayList<>(), next -> next <= last
                        // one more page only if a whole LiteLLM call still fits before the deadline
                        && deadline.remaining().map(left -> left.compareTo(perCall) > 0).orElse(true))
                // a rotation's copy in flight is no one's key yet (an orphan past its lease is undone on the way)
                .call(read -> recovery.screen(read.rows()))
                .map(read -> new KeyPage(read.rows(), read.nextPage() == null ? null : read.nextPage().toString()));
    }

    /**
     * Every page of a key listing, rows without secrets. Only rows whose {@code ownerField} is {@code owner} (or that
     * lack the field) are kept: LiteLLM filters by owner, but a row of someone else must never be shown. The copy of
     * a rotation in flight is not the owner's key yet and is left out; one left by an interrupted rotation is undone
     * on the way, and the listing read again (see {@link RotationRecovery}).
     */
    Uni<List<ObjectNode>> readAllPages(BiFunction<Integer, Integer, Uni<KeyListResponse>> pageOf, String ownerField,
            String owner) {
        return readOwnedPages(pageOf, ownerField, owner)
                .flatMap(rows -> recovery.screen(rows).flatMap(recovered -> !recovered ? Uni.createFrom().item(rows)
                        : readOwnedPages(pageOf, ownerField, owner).call(again -> recovery.screen(again))));
    }

    private Uni<List<ObjectNode>> readOwnedPages(BiFunction<Integer, Integer, Uni<KeyListResponse>> pageOf,
            String ownerField, String owner) {
        Predicate<ObjectNode> owned = row -> row.path(ownerField).isMissingNode()
                || owner.equals(row.path(ownerField).asText());
        return readPages(pageOf, owned, 1, new ArrayList<>(), next -> {
            if (next > litellmConfig.listMaxPages()) {
                throw new ApiException(ErrorKind.BAD_GATEWAY,
                        "LiteLLM reported more than " + litellmConfig.listMaxPages() + " pages of keys", null, null);
            }
            return true;
        }).map(Pages::rows);
    }

    /** Rows read so far, and the page to read next (null: there is none). */
    record Pages(List<ObjectNode> rows, Integer nextPage) {
    }

    /**
     * Reads pages from {@code page} on, keeping the rows {@code keep} accepts, until the last page, or until
     * {@code mayRead} refuses the next one (which is then answered as {@link Pages#nextPage}).
     */
    private Uni<Pages> readPages(BiFunction<Integer, Integer, Uni<KeyListResponse>> pageOf, Predicate<ObjectNode> keep,
            int page, List<ObjectNode> rows, IntPredicate mayRead) {
        int size = litellmConfig.listPageSize();
        return pageOf.apply(page, size).flatMap(response -> {
            List<JsonNode> keys = response.keys() != null ? response.keys() : List.of();
            for (JsonNode key : keys) {
                ObjectNode row = toRow(key);
                if (keep.test(row)) {
                    rows.add(row);
                }
            }
            if (!hasMorePages(response, page, keys.size(), size)) {
                return Uni.createFrom().item(new Pages(rows, null));
            }
            boolean goOn;
            try {
                goOn = mayRead.test(page + 1);
            } catch (ApiException refused) {
                return Uni.createFrom().failure(refused);
            }
            return goOn ? readPages(pageOf, keep, page + 1, rows, mayRead)
                    : Uni.createFrom().item(new Pages(rows, page + 1));
        });
    }

    private static boolean hasMorePages(KeyListResponse response, int page, int received, int size) {
        if (response.totalPages() != null) {
            return page < response.totalPages();
        }
        return received >= size && received > 0;
    }

    /** One owned key's row as listed (no secret); 404 for a key that is not the user's. */
    public Uni<ObjectNode> getKey(String userId, String keyId) {
        return requireOwnedKey(userId, keyId).map(KeyRefs::show);
    }

    public Uni<Void> deleteKey(Caller caller, String userId, String keyId) {
        return requireOwnedKey(userId, keyId)
                .flatMap(row -> litellm.deleteKey(keyId, caller.principal()));
    }

    /**
     * Changes an owned key and answers its row (no secret). Ownership is checked first: someone else's key is 404 and
     * nothing is sent. The answer is the row read for that check with what LiteLLM reports it wrote on top, so no
     * second read is needed. {@code blocked} goes through {@code /key/block} / {@code /key/unblock}, which LiteLLM
     * applies to its cached key row at once; everything else through {@code /key/update} (see README, "Changes take
     * effect").
     */
    public Uni<ObjectNode> updateKey(Caller caller, String userId, String keyId, UpdateUserKeyRequest changes) {
        if (changes.changesNothing()) {
            throw ApiException.input("body: give at least one field to change");
        }
        return requireOwnedKey(userId, keyId)
                .call(row -> checkChanges(caller, userId, row, changes))
                .flatMap(row -> applyChanges(caller, keyId, row, changes));
    }

    /**
     * Sends the changes of a key whose ownership and field policy were already checked, and answers its row as LiteLLM
     * now holds it (no secret). Personal and team keys alike.
     */
    public Uni<ObjectNode> applyChanges(Caller caller, String keyId, ObjectNode row, UpdateUserKeyRequest changes) {
        ObjectNode fields = upstreamChanges(caller, row, changes);
        fields.remove("blocked");
        // a key made before references gets one with its first change
        KeyRefs.ensureRef(fields, row);
        ObjectNode result = row.deepCopy();
        // LiteLLM sets updated_at on every write; the answers below bring the new one when they carry it
        result.remove("updated_at");
        Uni<Void> steps = Uni.createFrom().voidItem();
        Boolean blocked = changes.blocked();
        // a block bites first; an unblock comes last, once the other changes are stored
        if (Boolean.TRUE.equals(blocked)) {
            steps = steps.call(() -> litellm.setBlocked(keyId, true, caller.principal()).invoke(r -> merge(result, r)));
        }
        if (!fields.isEmpty()) {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("key", keyId);
            body.setAll(fields);
            steps = steps.call(() -> litellm.changeKey(body, caller.principal()).invoke(r -> merge(result, r))
                    .onFailure(KeyService::isAliasConflict).transform(f -> aliasTaken(changes.keyAlias())));
        }
        if (Boolean.FALSE.equals(blocked)) {
            steps = steps.call(() -> litellm.setBlocked(keyId, false, caller.principal()).invoke(r -> merge(result, r)));
        }
        return steps
                .onFailure(KeyService::isGone).transform(f -> ApiException.conflict("Key " + keyId
                        + " no longer exists: it was deleted or rotated while this change was being made"))
                .map(done -> {
                    stripSecrets(result);
                    // /key/info and /key/update leave the hash out of the row; it is the key's id
                    result.put("token", keyId);
                    return KeyRefs.show(result);
                });
    }

    /**
     * The changes in LiteLLM's field names, with the metadata to write: a non-admin's keeps the key's LiteLLM control
     * keys (see {@link KeyFieldPolicy#metadataToWrite}). For anything that sends changes of an owned key upstream.
     */
    public ObjectNode upstreamChanges(Caller caller, ObjectNode row, UpdateUserKeyRequest changes) {
        ObjectNode fields = KeyChanges.toUpstream(changes);
        if (changes.metadata() != null) {
            fields.set("metadata", policy.metadataToWrite(caller, row, changes.metadata()));
        }
        return fields;
    }

    /** What LiteLLM reports it stored, over the row we had. */
    private static void merge(ObjectNode row, JsonNode written) {
        if (written != null && written.isObject()) {
            row.setAll((ObjectNode) written);
        }
    }

    /** A key that vanished between our ownership check and the change (404, or LiteLLM's 401 "not in db"). */
    static boolean isGone(Throwable failure) {
        return failure instanceof UpstreamException.Rejected rejected && rejected.status() == 404;
    }

    /**
     * The field policy for changes to an owned key. A non-admin is held to their user's limits; the user's row is read
     * only when a change is measured against it ({@code maxBudget}, {@code models}).
     */
    public Uni<Void> checkChanges(Caller caller, String userId, ObjectNode row, UpdateUserKeyRequest changes) {
        if (caller.admin() || changes.changesNothing()) {
            return Uni.createFrom().voidItem();
        }
        policy.checkKeyChange(caller, row, changes);
        policy.checkCeilings(caller, row, changes);
        if (changes.maxBudget() == null && changes.models() == null) {
            return Uni.createFrom().voidItem();
        }
        return users.requireUser(userId).invoke(user -> policy.checkUpdate(caller, user, row, changes))
                .replaceWithVoid();
    }

    /** The user as a key owner, for operations shared with team keys (rotation). */
    public KeyOwner owner(Caller caller, String userId) {
        return new KeyOwner() {
            @Override
            public String name() {
                return userId;
            }

            @Override
            public String userId() {
                return userId;
            }

            @Override
            public Uni<ObjectNode> requireKey(String keyId) {
                return requireOwnedKey(userId, keyId);
            }

            @Override
            public Uni<Void> checkChanges(ObjectNode row, UpdateUserKeyRequest changes) {
                return KeyService.this.checkChanges(caller, userId, row, changes);
            }
        };
    }

    /**
     * The key row, if the key exists and belongs to the user; 404 otherwise. Someone else's key and no key answer
     * alike, so the route tells nothing about keys the caller does not own.
     */
    public Uni<ObjectNode> requireOwnedKey(String userId, String keyId) {
        return litellm.findKey(keyId).map(found -> found
                .filter(row -> Objects.equals(userId, row.path("user_id").asText(null)))
                .map(KeyService::stripSecrets)
                // /key/info leaves the hash out of the row: it is the id we asked with
                .map(row -> row.put("token", keyId))
                .orElseThrow(() -> ApiException.notFound("Key " + keyId + " not found for user " + userId)));
    }

    static ObjectNode toRow(JsonNode key) {
        if (key.isObject()) {
            return KeyRefs.show(stripSecrets((ObjectNode) key));
        }
        // without full objects LiteLLM lists bare hashes
        return JsonNodeFactory.instance.objectNode().put("token", key.asText());
    }

    static ObjectNode stripSecrets(ObjectNode row) {
        row.remove(SECRET_FIELDS);
        return row;
    }

    static boolean isAliasConflict(Throwable failure) {
        if (!(failure instanceof UpstreamException upstream)
                || failure instanceof UpstreamException.Unreachable
                || failure instanceof UpstreamException.Interrupted) {
            return false;
        }
        String message = String.valueOf(upstream.getMessage()).toLowerCase();
        return message.contains("alias") && (message.contains("already exists") || message.contains("unique"));
    }

    static ApiException aliasTaken(String alias) {
        return ApiException.conflict("Key alias " + alias + " is already used by another key");
    }
}
