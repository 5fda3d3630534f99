package io.litellm.orchestrator.security;

import java.util.Set;

/**
 * Who is calling: the token principal, whether it holds the admin role, and its roles (for the key ceilings).
 */
public record Caller(String principal, boolean admin, Set<String> roles) {

    public Caller {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    /** A caller whose roles do not matter beyond admin (tests, internal callers). */
    public Caller(String principal, boolean admin) {
        this(principal, admin, Set.of());
    }

    /** Self means the principal equals the user id exactly: no case folding, no trimming. */
    public boolean isSelf(String userId) {
        return principal.equals(userId);
    }

    /** How the caller acts on a user, for audit lines and metrics. */
    public String actingAs(String userId) {
        return isSelf(userId) ? "self" : admin ? "admin" : "other";
    }
}
