package io.litellm.orchestrator.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.Group;
import io.litellm.orchestrator.api.GroupKey;
import io.litellm.orchestrator.api.GroupKeyList;
import io.litellm.orchestrator.api.UpdateGroupRequest;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.NewTeamRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.TeamInfo;
import io.litellm.orchestrator.client.LiteLlmDtos.UpdateTeamRequest;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.GroupAccess.GroupCaller;
import io.smallrye.mutiny.Uni;

/**
 * Groups as LiteLLM teams, and their keys: team-owned ({@code team_id} set, {@code user_id} null), so they outlive
 * whoever created them. A key is only ever touched through the group whose team owns it.
 */
@ApplicationScoped
public class TeamService {

    /** Prefix of every team id this service derives; keeps them apart from LiteLLM's own (UUID) team ids. */
    static final String TEAM_ID_PREFIX = "grp-";
    /** Metadata field naming who created a team key; set by us, never by the caller. */
    static final String CREATED_BY = "createdBy";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiteLlmClient litellm;
    private final OrchestratorConfig config;
    private final LiteLlmConfig litellmConfig;
    private final OrchestratorMetrics metrics;
    private final KeyService keys;
    private final KeyFieldPolicy policy;

    public TeamService(LiteLlmClient litellm, OrchestratorConfig config, LiteLlmConfig litellmConfig,
            OrchestratorMetrics metrics, KeyService keys, KeyFieldPolicy policy) {
        this.litellm = litellm;
        this.config = config;
        this.litellmConfig = litellmConfig;
        this.metrics = metrics;
        this.keys = keys;
        this.policy = policy;
    }

    /**
     * The LiteLLM team id of a group: {@code grp-} and the first 40 hex digits (160 bits) of the SHA-256 of the
     * group ref as given (UTF-8, case kept). Deterministic, so no mapping is stored; of a fixed length and
     * alphabet, so any ref (slashes, colons, spaces) is safe in LiteLLM's URLs and UI; and never equal to a team
     * id LiteLLM generated itself, so a group cannot take over an existing team.
     */
    public static String teamIdOf(String groupRef) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(groupRef.getBytes(StandardCharsets.UTF_8));
            return TEAM_ID_PREFIX + HexFormat.of().formatHex(digest).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Uni<Group> getGroup(GroupCaller caller, String groupRef) {
        return requireTeam(caller, groupRef).map(team -> toGroup(groupRef, team));
    }

    /**
     * Admin only (checked by the caller of this method): changes the team and answers it as LiteLLM now holds it.
     * No look-up first: {@code /team/update} refuses an unknown team with 404 (it does not upsert) and answers the
     * row after the change; the team is read back only if an answer lacks it.
     */
    public Uni<Group> updateGroup(GroupCaller caller, String groupRef, UpdateGroupRequest changes) {
        if (changes.changesNothing()) {
            throw ApiException.input("body: give at least one field to change");
        }
        String teamId = teamIdOf(groupRef);
        return litellm.changeTeam(new UpdateTeamRequest(teamId, changes.maxBudget(), changes.budgetDuration(),
                changes.models()), caller.principal())
                .onFailure(TeamService::isUnknownTeam).transform(failure -> notFound(groupRef))
                .flatMap(answer -> {
                    JsonNode row = answer.path("data");
                    if (row.isObject() && teamId.equals(row.path("team_id").asText(null))) {
                        return Uni.createFrom().item(JSON.convertValue(row, TeamInfo.class));
                    }
                    return requireExisting(groupRef);
                })
                .map(team -> toGroup(groupRef, team));
    }

    /**
     * The group's team. Unknown: created with the configured defaults when {@code auto-create-teams} is on and the
     * caller is a member; 404 otherwise.
     */
    Uni<TeamInfo> requireTeam(GroupCaller caller, String groupRef) {
        String teamId = teamIdOf(groupRef);
        return litellm.findTeam(teamId).flatMap(found -> {
            if (found.isPresent()) {
                return Uni.createFrom().item(found.get());
            }
            if (!config.autoCreateTeams() || !caller.member()) {
                return Uni.createFrom().failure(notFound(groupRef));
            }
            OrchestratorConfig.TeamDefaults defaults = config.teamDefaults();
            NewTeamRequest create = new NewTeamRequest(teamId, groupRef, defaults.maxBudget().orElse(null),
                    defaults.budgetDuration().orElse(null), defaults.models().orElse(null),
                    Map.of("groupRef", groupRef, CREATED_BY, caller.principal()));
            return litellm.createTeam(create, caller.principal())
                    // two first requests at once: the second creation is refused as a duplicate, the team exists
                    .onFailure(TeamService::isDuplicateTeam).recoverWithItem((Void) null)
                    .invoke(() -> metrics.operation("createTeam(auto)", "success"))
                    .flatMap(created -> requireExisting(groupRef));
        });
    }

    private Uni<TeamInfo> requireExisting(String groupRef) {
        return litellm.findTeam(teamIdOf(groupRef))
                .map(found -> found.orElseThrow(() -> notFound(groupRef)));
    }

    public Uni<GroupKey> createKey(GroupCaller caller, String groupRef, CreateUserKeyRequest request) {
        String teamId = teamIdOf(groupRef);
        CreateUserKeyRequest bounded = policy.withinCeilings(caller.caller(), request);
        Map<String, Object> metadata = KeyRefs.forNewKey(withCreator(bounded.metadata(), caller.principal()));
        return requireTeam(caller, groupRef)
                .flatMap(team -> {
                    if (!caller.admin()) {
                        counted(() -> {
                            checkBudget(team, request.maxBudget());
                            checkModels(team, request.models());
                        });
                    }
                    GenerateKeyRequest upstream = new GenerateKeyRequest(null, bounded.keyAlias(), bounded.models(),
                            bounded.maxBudget(), bounded.budgetDuration(), bounded.duration(), metadata,
                            bounded.tpmLimit(), bounded.rpmLimit(), null, null, null, teamId);
                    return litellm.generateKey(upstream, caller.principal());
                })
                .onFailure(KeyService::isAliasConflict).transform(f -> KeyService.aliasTaken(request.keyAlias()))
                .map(generated -> {
                    if (generated.key() == null || generated.keyHash() == null) {
                        throw new ApiException(ErrorKind.BAD_GATEWAY, "LiteLLM created the key but did not return it",
                                null, null);
                    }
                    return new GroupKey(groupRef, generated.keyHash(), generated.key(),
                            (String) metadata.get(KeyRefs.REF));
                });
    }

    /** Every page of the team's keys, without secrets. An unknown team has no keys. */
    public Uni<GroupKeyList> listKeys(String groupRef) {
        String teamId = teamIdOf(groupRef);
        return keys.readAllPages((page, size) -> litellm.listTeamKeys(teamId, page, size), "team_id", teamId)
                .map(GroupKeyList::new);
    }

    /** One of the group's keys as listed (no secret); 404 for a key that is not the group's. */
    public Uni<ObjectNode> getKey(String groupRef, String keyId) {
        return requireTeamKey(groupRef, keyId).map(KeyRefs::show);
    }

    public Uni<Void> deleteKey(GroupCaller caller, String groupRef, String keyId) {
        return requireTeamKey(groupRef, keyId).flatMap(row -> litellm.deleteKey(keyId, caller.principal()));
    }

    /**
     * Changes a team key exactly as a personal key is changed (block/unblock, LiteLLM's metadata controls kept for a
     * member, the row as LiteLLM now holds it, no secret). A key of another team, or a personal key, is 404 and
     * nothing is sent. A member is held to the team's limits; who created the key stays on record.
     */
    public Uni<ObjectNode> updateKey(GroupCaller caller, String groupRef, String keyId, UpdateUserKeyRequest changes) {
        if (changes.changesNothing()) {
            throw ApiException.input("body: give at least one field to change");
        }
        return requireTeamKey(groupRef, keyId)
                .call(row -> checkChanges(caller, groupRef, row, changes))
                .flatMap(row -> keys.applyChanges(caller.caller(), keyId, row, changes.metadata() == null ? changes
                        : changes.withMetadata(withCreator(changes.metadata(),
                                row.path("metadata").path(CREATED_BY).asText(null)))));
    }

    /** The group's team as a key owner, for operations shared with personal keys (rotation). */
    public KeyOwner owner(GroupCaller caller, String groupRef) {
        return new KeyOwner() {
            @Override
            public String name() {
                return groupRef;
            }

            @Override
            public String userId() {
                return null;
            }

            @Override
            public Uni<ObjectNode> requireKey(String keyId) {
                return requireTeamKey(groupRef, keyId);
            }

            @Override
            public Uni<Void> checkChanges(ObjectNode row, UpdateUserKeyRequest changes) {
                return TeamService.this.checkChanges(caller, groupRef, row, changes);
            }
        };
    }

    /**
     * The key row, if the key exists and is a key of the group's team (team id equal, no user); 404 otherwise. A
     * personal key, another team's key and no key answer alike.
     */
    public Uni<ObjectNode> requireTeamKey(String groupRef, String keyId) {
        String teamId = teamIdOf(groupRef);
        return litellm.findKey(keyId).map(found -> found
                .filter(row -> Objects.equals(teamId, row.path("team_id").asText(null)))
                .filter(row -> row.path("user_id").isNull() || row.path("user_id").isMissingNode())
                .map(KeyService::stripSecrets)
                // /key/info leaves the hash out of the row: it is the id we asked with
                .map(row -> row.put("token", keyId))
                .orElseThrow(() -> ApiException.notFound("Key " + keyId + " not found for group " + groupRef)));
    }

    /**
     * The field policy for a member's changes of a team key. The team's row is read only when a change is measured
     * against it ({@code maxBudget}, {@code models}); the key row proves the team exists (LiteLLM deletes a team's
     * keys with it).
     */
    private Uni<Void> checkChanges(GroupCaller caller, String groupRef, ObjectNode row, UpdateUserKeyRequest changes) {
        if (caller.admin() || changes.changesNothing()) {
            return Uni.createFrom().voidItem();
        }
        counted(() -> checkKeyChange(row, changes));
        policy.checkCeilings(caller.caller(), row, changes);
        if (changes.maxBudget() == null && changes.models() == null) {
            return Uni.createFrom().voidItem();
        }
        return requireExisting(groupRef).invoke(team -> counted(() -> checkUpdate(team, row, changes)))
                .replaceWithVoid();
    }

    /** The checks of a member's change that need only the key's row. */
    private void checkKeyChange(ObjectNode key, UpdateUserKeyRequest changes) {
        policy.checkMetadata(changes.metadata());
        if (Boolean.FALSE.equals(changes.blocked()) && key.path("blocked").asBoolean(false)) {
            throw ApiException.notAllowed("blocked: only an admin may unblock a key");
        }
    }

    /** The checks of a member's change measured against the team's row. */
    private void checkUpdate(TeamInfo team, ObjectNode key, UpdateUserKeyRequest changes) {
        checkBudget(team, changes.maxBudget());
        if (changes.models() != null && restrictsModels(team)) {
            if (changes.models().isEmpty()) {
                throw ApiException.notAllowed("models: an empty list means every model; name the models instead");
            }
            List<String> current = new ArrayList<>();
            key.path("models").forEach(model -> current.add(model.asText()));
            checkModels(team, changes.models().stream().filter(model -> !current.contains(model)).toList());
        }
    }

    private static void checkBudget(TeamInfo team, Double maxBudget) {
        if (maxBudget != null && team.maxBudget() != null && maxBudget > team.maxBudget()) {
            throw ApiException.notAllowed("maxBudget may not exceed the team's budget of " + team.maxBudget());
        }
    }

    private static void checkModels(TeamInfo team, List<String> models) {
        if (models == null || !restrictsModels(team)) {
            return;
        }
        for (String model : models) {
            if (!team.models().contains(model)) {
                throw ApiException.notAllowed("models: the team may not use model " + model);
            }
        }
    }

    private static boolean restrictsModels(TeamInfo team) {
        List<String> allowed = team.models();
        return allowed != null && !allowed.isEmpty() && !allowed.contains("all-proxy-models");
    }

    private void counted(Runnable checks) {
        try {
            checks.run();
        } catch (ApiException refused) {
            metrics.refusal("field_policy");
            throw refused;
        }
    }

    private static Map<String, Object> withCreator(Map<String, Object> metadata, String creator) {
        Map<String, Object> merged = new LinkedHashMap<>();
        if (metadata != null) {
            merged.putAll(metadata);
        }
        merged.remove(CREATED_BY);
        if (creator != null) {
            merged.put(CREATED_BY, creator);
        }
        return merged;
    }

    static Group toGroup(String groupRef, TeamInfo team) {
        return new Group(groupRef, teamIdOf(groupRef), team.maxBudget(), team.budgetDuration(),
                team.spend() != null ? team.spend() : 0.0, team.models() != null ? team.models() : List.of());
    }

    private static ApiException notFound(String groupRef) {
        return ApiException.notFound("Group " + groupRef + " has no LiteLLM team");
    }

    /** LiteLLM's answer to {@code /team/update} of an unknown team: 404 "Team not found, passed team_id=…". */
    static boolean isUnknownTeam(Throwable failure) {
        return failure instanceof UpstreamException.Rejected rejected && rejected.status() == 404
                && String.valueOf(failure.getMessage()).toLowerCase().contains("team not found");
    }

    /** LiteLLM's answer to {@code /team/new} for an id that exists: 400 "Team id = … already exists". */
    static boolean isDuplicateTeam(Throwable failure) {
        return failure instanceof UpstreamException.Rejected rejected && rejected.status() == 400
                && String.valueOf(failure.getMessage()).contains("already exists");
    }
}
