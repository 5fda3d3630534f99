package io.litellm.orchestrator.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The self/admin decision, in one place. Every route asks here before anything reaches LiteLLM.
 */
@ApplicationScoped
public class AccessControl {

    private final SecurityIdentity identity;
    private final OrchestratorConfig config;
    private final OrchestratorMetrics metrics;

    public AccessControl(SecurityIdentity identity, OrchestratorConfig config, OrchestratorMetrics metrics) {
        this.identity = identity;
        this.config = config;
        this.metrics = metrics;
    }

    /** The caller, if allowed to use the service at all (the allowed-role gate); 403 otherwise. */
    public Caller caller() {
        refuseControlCharacters();
        Caller caller = new Caller(identity.getPrincipal().getName(), identity.hasRole(config.adminRole()),
                identity.getRoles());
        String allowedRole = config.allowedRole().filter(role -> !role.isBlank()).orElse(null);
        if (allowedRole != null && !caller.admin() && !identity.hasRole(allowedRole)) {
            metrics.refusal("not_allowed_role");
            throw ApiException.notAllowed("You are not authorized to use this service");
        }
        return caller;
    }

    /**
     * A principal or role holding CR, LF, NUL or another control character cannot name a LiteLLM user, would split
     * the {@code litellm-changed-by} header and forge audit lines: refused with a 400 that says so, before anything.
     */
    private void refuseControlCharacters() {
        String principal = identity.getPrincipal().getName();
        String where = ControlCharacters.find(principal);
        if (where != null) {
            metrics.refusal("control_characters");
            throw ApiException.input("token principal: contains a control character (" + where
                    + "); such a name cannot be used as a LiteLLM user id or in a header");
        }
        for (String role : identity.getRoles()) {
            where = ControlCharacters.find(role);
            if (where != null) {
                metrics.refusal("control_characters");
                throw ApiException.input("token roles: a role contains a control character (" + where + ")");
            }
        }
    }

    /** The caller, if it is the user itself or an admin; 403 otherwise. */
    public Caller requireSelfOrAdmin(String userId) {
        Caller caller = caller();
        if (!caller.isSelf(userId) && !caller.admin()) {
            metrics.refusal("not_self");
            throw ApiException.notAllowed("You may only act on your own user");
        }
        return caller;
    }

    /** The caller, if it is an admin; 403 otherwise. */
    public Caller requireAdmin() {
        Caller caller = caller();
        if (!caller.admin()) {
            metrics.refusal("not_admin");
            throw ApiException.notAllowed("Only an admin may do this");
        }
        return caller;
    }
}
