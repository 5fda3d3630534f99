package io.litellm.orchestrator.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;


import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.Group;
import io.litellm.orchestrator.api.UpdateGroupRequest;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.NewTeamRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.TeamInfo;
import io.litellm.orchestrator.client.LiteLlmDtos.UpdateTeamRequest;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.client.UpstreamException.Reason;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.GroupAccess.GroupCaller;
import io.smallrye.mutiny.Uni;

/**
 * Groups as LiteLLM teams: their lifecycle (derived id, creation on first use, budget and models). Their keys are
 * team-owned ({@code team_id} set, {@code user_id} null) and handled by {@link KeyService} through
 * {@link KeyOwner.Group}.
 */
@ApplicationScoped
public class TeamService {

    /** Prefix of every team id this service derives; keeps them apart from LiteLLM's own (UUID) team ids. */
    static final String TEAM_ID_PREFIX = "grp-";
    /** Metadata field naming who created a team key; set by us, never by the caller. */
    static final String CREATED_BY = "createdBy";

    private final LiteLlmClient litellm;
    private final OrchestratorConfig config;
    private final OrchestratorMetrics metrics;

    public TeamService(LiteLlmClient litellm, OrchestratorConfig config, OrchestratorMetrics metrics) {
        this.litellm = litellm;
        this.config = config;
        this.metrics = metrics;
    }

    /** Whether {@code teamId} is one this service derived for a group (not one of LiteLLM's own teams). */
    public static boolean isGroupTeam(String teamId) {
        return teamId != null && teamId.startsWith(TEAM_ID_PREFIX);
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
                .onFailure(UpstreamException.because(Reason.UNKNOWN_TEAM)).transform(failure -> notFound(groupRef))
                .flatMap(after -> after.isPresent() ? Uni.createFrom().item(after.get()) : requireTeam(groupRef))
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
                    .onFailure(UpstreamException.because(Reason.DUPLICATE_TEAM)).recoverWithItem((Void) null)
                    .invoke(() -> metrics.operation("createTeam(auto)", "success"))
                    .flatMap(created -> requireTeam(groupRef));
        });
    }

    /** The group's team, or 404; never creates it. */
    Uni<TeamInfo> requireTeam(String groupRef) {
        return litellm.findTeam(teamIdOf(groupRef))
                .map(found -> found.orElseThrow(() -> notFound(groupRef)));
    }

    static Group toGroup(String groupRef, TeamInfo team) {
        return new Group(groupRef, teamIdOf(groupRef), team.maxBudget(), team.budgetDuration(),
                team.spend() != null ? team.spend() : 0.0, team.models() != null ? team.models() : List.of());
    }

    private static ApiException notFound(String groupRef) {
        return ApiException.notFound("Group " + groupRef + " has no LiteLLM team");
    }
}
