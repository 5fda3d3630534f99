package io.litellm.orchestrator.security;

/**
 * Who is calling: the token principal, and whether it holds the admin role.
 */
public record Caller(String principal, boolean admin) {

    /** Self means the principal equals the user id exactly: no case folding, no trimming. */
    public boolean isSelf(String userId) {
        return principal.equals(userId);
    }

    /** How the caller acts on a user, for audit lines and metrics. */
    public String actingAs(String userId) {
        return isSelf(userId) ? "self" : admin ? "admin" : "other";
    }
}
