package io.litellm.orchestrator.security;

import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The member/admin decision for group routes. Membership is the group ref among the caller's roles
 * ({@link SecurityIdentity#getRoles()}: the token's role claim, and whatever else the identity is augmented with),
 * matched exactly, like the self check.
 */
@ApplicationScoped
public class GroupAccess {

    private final AccessControl access;
    private final SecurityIdentity identity;
    private final OrchestratorConfig config;
    private final OrchestratorMetrics metrics;

    public GroupAccess(AccessControl access, SecurityIdentity identity, OrchestratorConfig config,
            OrchestratorMetrics metrics) {
        this.access = access;
        this.identity = identity;
        this.config = config;
        this.metrics = metrics;
    }

    /** The groups the caller is a member of, sorted: their roles that count as groups. */
    public List<String> groups() {
        Pattern pattern = config.groupRolePattern().filter(p -> !p.isBlank()).map(Pattern::compile).orElse(null);
        return identity.getRoles().stream()
                .filter(role -> pattern == null || pattern.matcher(role).matches())
                .sorted().toList();
    }

    public boolean isMember(String groupRef) {
        return groups().contains(groupRef);
    }

    /** The caller, if a member of the group or an admin; 403 otherwise. */
    public GroupCaller requireMemberOrAdmin(String groupRef) {
        Caller caller = access.caller();
        boolean member = isMember(groupRef);
        if (!member && !caller.admin()) {
            metrics.refusal("not_member");
            throw ApiException.notAllowed("You may only act on groups you are a member of");
        }
        return new GroupCaller(caller, member);
    }

    /** The caller, if an admin; 403 otherwise. */
    public GroupCaller requireAdmin(String groupRef) {
        return new GroupCaller(access.requireAdmin(), isMember(groupRef));
    }

    /** A caller allowed on a group, and whether through membership. */
    public record GroupCaller(Caller caller, boolean member) {

        public String principal() {
            return caller.principal();
        }

        public boolean admin() {
            return caller.admin();
        }
    }
}
