package io.litellm.orchestrator.service;

import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.KeyPage;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.api.UserKeyList;
import io.litellm.orchestrator.client.KeyBody;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.KeyListResponse;
import io.litellm.orchestrator.client.RequestDeadline;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.client.UpstreamException.Reason;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.security.GroupAccess.GroupCaller;
import io.smallrye.mutiny.Uni;

/**
 * Rules for virtual keys, whoever owns them: a key is only ever touched through its owner ({@link KeyOwner}: a user,
 * or a group's team), and everything else is the same for both.
 */
@ApplicationScoped
public class KeyService {

    private final LiteLlmClient litellm;
    private final UserService users;
    private final KeyFieldPolicy policy;
    private final LiteLlmConfig litellmConfig;
    private final KnownUsers known;
    private final OrchestratorConfig config;
    private final RequestDeadline deadline;
    private final RotationRecovery recovery;
    private final TeamService teams;

    public KeyService(LiteLlmClient litellm, UserService users, TeamService teams, KeyFieldPolicy policy,
            LiteLlmConfig litellmConfig, KnownUsers known, OrchestratorConfig config, RequestDeadline deadline,
            RotationRecovery recovery) {
        this.litellm = litellm;
        this.users = users;
        this.teams = teams;
        this.policy = policy;
        this.litellmConfig = litellmConfig;
        this.known = known;
        this.config = config;
        this.deadline = deadline;
        this.recovery = recovery;
    }

    /** A new key of the user's; its secret is in the answer only. */
    public Uni<UserKey> createKey(Caller caller, String userId, CreateUserKeyRequest request) {
        return createKey(caller, KeyOwner.user(userId), request);
    }

    /**
     * A new key of {@code owner}'s within the caller's ceilings and the owner's limits; its secret is in the answer
     * only, whose {@code userId} is the owner's name.
     */
    public Uni<UserKey> createKey(Caller caller, KeyOwner owner, CreateUserKeyRequest request) {
        // the ceilings first: they need no look-up, and they give a key asked without lifetime or models its own
        CreateUserKeyRequest bounded = policy.withinCeilings(caller, request);
        Map<String, Object> metadata = KeyRefs.forNewKey(owner.newKeyMetadata(bounded.metadata(), caller.principal()));
        return checkNew(caller, owner, request)
                .flatMap(checked -> litellm.generateKey(owner.newKey(bounded, metadata), caller.principal()))
                .onFailure(UpstreamException.because(Reason.ALIAS_TAKEN)).transform(f -> aliasTaken(request.keyAlias()))
                .map(generated -> {
                    if (generated.key() == null || generated.keyHash() == null) {
                        throw new ApiException(ErrorKind.BAD_GATEWAY, "LiteLLM created the key but did not return it",
                                null, null);
                    }
                    return new UserKey(owner.name(), generated.keyHash(), generated.key(),
                            (String) metadata.get(KeyRefs.REF));
                });
    }

    /**
     * The field policy for a new key. A user: {@code /key/generate} does not check that the user exists
     * (generate_key_helper_fn skips the user table for keys), so without a look-up an unknown id would get a key with
     * no user behind it; a user LiteLLM confirmed within orchestrator.known-users.ttl is not looked up again, unless
     * the policy needs its row. A group: its team, made on first use when a member asks.
     */
    private Uni<Void> checkNew(Caller caller, KeyOwner owner, CreateUserKeyRequest request) {
        if (owner instanceof KeyOwner.Group group) {
            return teams.requireTeam(new GroupCaller(caller, group.member()), group.ref())
                    .invoke(team -> policy.checkCreate(caller, owner, KeyFieldPolicy.Limits.of(team), request))
                    .replaceWithVoid();
        }
        String userId = owner.userId();
        if (policy.createNeedsLimits(caller, request) || !known.knows(userId)) {
            return users.requireUser(caller, userId)
                    .invoke(user -> policy.checkCreate(caller, owner, KeyFieldPolicy.Limits.of(user), request))
                    .replaceWithVoid();
        }
        return Uni.createFrom().voidItem().invoke(() -> policy.checkCreate(caller, owner, null, request));
    }

    /** Every page of the user's keys, without secrets. */
    public Uni<UserKeyList> listKeys(String userId) {
        return listKeys(userId, KeyFilter.NONE);
    }

    /** Every page of the user's keys, without secrets, those that match {@code filter}. */
    public Uni<UserKeyList> listKeys(String userId, KeyFilter filter) {
        return listKeys(KeyOwner.user(userId), filter).map(UserKeyList::new);
    }

    /** Every page of the owner's keys, without secrets, those that match {@code filter}. */
    public Uni<List<ObjectNode>> listKeys(KeyOwner owner, KeyFilter filter) {
        return readAllPages(pagesOf(owner), owner.listedBy(), owner.listedId())
                .map(rows -> {
                    Instant now = Instant.now();
                    return filter.filters()
                            ? rows.stream().filter(row -> filter.matches(KeyRow.of(row), now)).toList()
                            : rows;
                });
    }

    private BiFunction<Integer, Integer, Uni<KeyListResponse>> pagesOf(KeyOwner owner) {
        return owner instanceof KeyOwner.Group group
                ? (page, size) -> litellm.listTeamKeys(group.teamId(), page, size)
                : (page, size) -> litellm.listKeys(owner.userId(), page, size);
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
        return KeyPages.read((page, size) -> litellm.listAllKeys(page, size), row -> filter.matches(KeyRow.of(row), now),
                fromPage, litellmConfig.listPageSize(), next -> next <= last
                        // one more page only if a whole LiteLLM call still fits before the deadline
                        && deadline.remaining().map(left -> left.compareTo(perCall) > 0).orElse(true))
                // a rotation's copy in flight is no one's key yet (an orphan past its lease is undone on the way)
                .call(read -> recovery.screen(read.rows()))
                .map(read -> new KeyPage(read.rows(), read.nextPage() == null ? null : read.nextPage().toString()));
    }

    /**
     * Every page of a key listing, rows without secrets. Only rows of {@code owner} by {@code ownerField} (or that
     * lack the field) are kept: LiteLLM filters by owner, but a row of someone else must never be shown. The copy of
     * a rotation in flight is not the owner's key yet and is left out; one left by an interrupted rotation is undone
     * on the way, and the listing read again (see {@link RotationRecovery}).
     */
    Uni<List<ObjectNode>> readAllPages(BiFunction<Integer, Integer, Uni<KeyListResponse>> pageOf,
            KeyRow.Owner ownerField, String owner) {
        return readOwnedPages(pageOf, ownerField, owner)
                .flatMap(rows -> recovery.screen(rows).flatMap(recovered -> !recovered ? Uni.createFrom().item(rows)
                        : readOwnedPages(pageOf, ownerField, owner).call(again -> recovery.screen(again))));
    }

    private Uni<List<ObjectNode>> readOwnedPages(BiFunction<Integer, Integer, Uni<KeyListResponse>> pageOf,
            KeyRow.Owner ownerField, String owner) {
        Predicate<ObjectNode> owned = row -> KeyRow.of(row).listedFor(ownerField, owner);
        return KeyPages.read(pageOf, owned, 1, litellmConfig.listPageSize(), next -> {
            if (next > litellmConfig.listMaxPages()) {
                throw new ApiException(ErrorKind.BAD_GATEWAY,
                        "LiteLLM reported more than " + litellmConfig.listMaxPages() + " pages of keys", null, null);
            }
            return true;
        }).map(KeyPages.Pages::rows);
    }

    /** One owned key's row as listed (no secret); 404 for a key that is not the user's. */
    /**
     * Every key, users' and groups' alike, without secrets: the first {@code maxPages} pages of LiteLLM's list, read
     * {@code concurrency} at once (for the lifecycle scans; no caller's request waits on it).
     */
    public Uni<List<ObjectNode>> everyKey(int maxPages, int concurrency) {
        return KeyPages.readConcurrently(litellm::listAllKeys, row -> true, litellmConfig.listPageSize(), maxPages,
                concurrency, null);
    }

    public Uni<ObjectNode> getKey(String userId, String keyId) {
        return getKey(KeyOwner.user(userId), keyId);
    }

    /** One of the owner's keys as listed (no secret); 404 for a key that is not the owner's. */
    public Uni<ObjectNode> getKey(KeyOwner owner, String keyId) {
        return requireKey(owner, keyId).map(KeyRefs::show);
    }

    public Uni<Void> deleteKey(Caller caller, String userId, String keyId) {
        return deleteKey(caller, KeyOwner.user(userId), keyId);
    }

    public Uni<Void> deleteKey(Caller caller, KeyOwner owner, String keyId) {
        return requireKey(owner, keyId).flatMap(row -> litellm.deleteKey(keyId, caller.principal()));
    }

    public Uni<ObjectNode> updateKey(Caller caller, String userId, String keyId, UpdateUserKeyRequest changes) {
        return updateKey(caller, KeyOwner.user(userId), keyId, changes);
    }

    /**
     * Changes one of the owner's keys and answers its row (no secret). Ownership is checked first: someone else's key
     * is 404 and nothing is sent. A non-admin is held to the owner's limits; what the owner keeps on record (who
     * created a team key) stays. The answer is the row read for that check with what LiteLLM reports it wrote on
     * top, so no second read is needed. {@code blocked} goes through {@code /key/block} / {@code /key/unblock}, which
     * LiteLLM applies to its cached key row at once; everything else through {@code /key/update} (see README,
     * "Changes take effect").
     */
    public Uni<ObjectNode> updateKey(Caller caller, KeyOwner owner, String keyId, UpdateUserKeyRequest changes) {
        if (changes.changesNothing()) {
            throw ApiException.input("body: give at least one field to change");
        }
        return requireKey(owner, keyId)
                .call(row -> checkChanges(caller, owner, row, changes))
                .flatMap(row -> applyChanges(caller, keyId, row, owner.changesToSend(KeyRow.of(row), changes)));
    }

    /**
     * Sends the changes of a key whose ownership and field policy were already checked, and answers its row as LiteLLM
     * now holds it (no secret).
     */
    private Uni<ObjectNode> applyChanges(Caller caller, String keyId, ObjectNode row, UpdateUserKeyRequest changes) {
        ObjectNode fields = upstreamChanges(caller, row, changes);
        // blocking has routes of its own (below)
        fields.remove(KeyRow.BLOCKED);
        // a key made before references gets one with its first change
        KeyRefs.ensureRef(fields, row);
        // LiteLLM sets updated_at on every write; the answers below bring the new one when they carry it
        KeyRow result = KeyRow.of(row).copy().withoutUpdatedAt();
        Uni<Void> steps = Uni.createFrom().voidItem();
        Boolean blocked = changes.blocked();
        // a block bites first; an unblock comes last, once the other changes are stored
        if (Boolean.TRUE.equals(blocked)) {
            steps = steps.call(() -> litellm.setBlocked(keyId, true, caller.principal()).invoke(result::merge));
        }
        if (!fields.isEmpty()) {
            ObjectNode body = KeyBody.update(keyId).with(fields).json();
            steps = steps.call(() -> litellm.changeKey(body, caller.principal()).invoke(result::merge)
                    .onFailure(UpstreamException.because(Reason.ALIAS_TAKEN))
                    .transform(f -> aliasTaken(changes.keyAlias())));
        }
        if (Boolean.FALSE.equals(blocked)) {
            steps = steps.call(() -> litellm.setBlocked(keyId, false, caller.principal()).invoke(result::merge));
        }
        return steps
                .onFailure(UpstreamException.because(Reason.KEY_GONE)).transform(f -> ApiException.conflict("Key "
                        + keyId + " no longer exists: it was deleted or rotated while this change was being made"))
                // /key/info and /key/update leave the hash out of the row; it is the key's id
                .map(done -> KeyRefs.show(result.withoutSecrets().withToken(keyId).json()));
    }

    /**
     * The changes in LiteLLM's field names, with the metadata to write: a non-admin's keeps the key's LiteLLM control
     * keys (see {@link KeyFieldPolicy#metadataToWrite}). For anything that sends changes of an owned key upstream.
     */
    ObjectNode upstreamChanges(Caller caller, ObjectNode row, UpdateUserKeyRequest changes) {
        ObjectNode fields = KeyBody.fieldsOf(changes);
        if (changes.metadata() != null) {
            fields.set(KeyRow.METADATA, policy.metadataToWrite(caller, row, changes.metadata()));
        }
        return fields;
    }

    /**
     * The field policy for changes to one of the owner's keys. A non-admin is held to the owner's limits (their
     * user's, or the team's); the owner's row is read only when a change is measured against it ({@code maxBudget},
     * {@code models}). For a team key the key row proves the team exists (LiteLLM deletes a team's keys with it).
     */
    Uni<Void> checkChanges(Caller caller, KeyOwner owner, ObjectNode row, UpdateUserKeyRequest changes) {
        if (caller.admin() || changes.changesNothing()) {
            return Uni.createFrom().voidItem();
        }
        policy.checkKeyChange(caller, row, changes);
        policy.checkCeilings(caller, row, changes);
        if (changes.maxBudget() == null && changes.models() == null) {
            return Uni.createFrom().voidItem();
        }
        return limitsOf(owner).invoke(limits -> policy.checkUpdate(caller, limits, row, changes)).replaceWithVoid();
    }

    /** The owner's budget and models, from its row (never created here). */
    private Uni<KeyFieldPolicy.Limits> limitsOf(KeyOwner owner) {
        if (owner instanceof KeyOwner.Group group) {
            return teams.requireTeam(group.ref()).map(KeyFieldPolicy.Limits::of);
        }
        return users.requireUser(owner.userId()).map(KeyFieldPolicy.Limits::of);
    }

    /**
     * The key row, if the key exists and belongs to the owner; 404 otherwise. Someone else's key and no key answer
     * alike, so the route tells nothing about keys the caller does not own.
     */
    public Uni<ObjectNode> requireKey(KeyOwner owner, String keyId) {
        return litellm.findKey(keyId).map(found -> found.map(KeyRow::of)
                .filter(owner::owns)
                // /key/info leaves the hash out of the row: it is the id we asked with
                .map(row -> row.withoutSecrets().withToken(keyId).json())
                .orElseThrow(() -> ApiException.notFound("Key " + keyId + " not found for " + owner.whose())));
    }

    static ApiException aliasTaken(String alias) {
        return ApiException.conflict("Key alias " + alias + " is already used by another key");
    }
}
