package io.litellm.orchestrator.security;

import java.security.Permission;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.quarkus.security.credential.Credential;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * A verified identity as kept by {@link VerifiedTokenCache}: the same principal, roles, credentials and attributes,
 * minus the request it was first seen on (its routing context), plus the current request's when served.
 * Permissions are the identity's possessed permissions; permission checkers built for the first request are not
 * replayed for another (this service grants nothing through checkers).
 */
final class CachedIdentity implements SecurityIdentity {

    /** Present on identities served from the cache; its value is "hit". */
    static final String MARKER = "io.litellm.orchestrator.token-cache";
    static final String ROUTING_CONTEXT = "io.vertx.ext.web.RoutingContext";

    private final Principal principal;
    private final Set<String> roles;
    private final Set<Credential> credentials;
    /** The verified identity's attributes, minus its routing context; shared by every request it is served to. */
    private final Map<String, Object> attributes;
    private final Set<Permission> permissions;
    /** Set on an identity served to a request: its routing context (may be null) and the marker. */
    private final boolean served;
    private final Object routingContext;
    /** The attributes as one map, built only if asked for (most requests ask only for single attributes). */
    private Map<String, Object> all;

    private CachedIdentity(Principal principal, Set<String> roles, Set<Credential> credentials,
            Map<String, Object> attributes, Set<Permission> permissions, boolean served, Object routingContext) {
        this.principal = principal;
        this.roles = roles;
        this.credentials = credentials;
        this.attributes = attributes;
        this.permissions = permissions;
        this.served = served;
        this.routingContext = routingContext;
    }

    /** What to keep of a freshly verified identity. */
    static CachedIdentity of(SecurityIdentity verified) {
        Map<String, Object> attributes = new HashMap<>(verified.getAttributes());
        attributes.remove(ROUTING_CONTEXT);
        attributes.values().removeIf(java.util.Objects::isNull);
        return new CachedIdentity(verified.getPrincipal(), Set.copyOf(verified.getRoles()),
                Set.copyOf(verified.getCredentials()), Map.copyOf(attributes), Set.copyOf(verified.getPermissions()),
                false, null);
    }

    /** This identity for the request now being served (no copy of the attributes: see {@link #getAttributes()}). */
    CachedIdentity forRequest(Object routingContext) {
        return new CachedIdentity(principal, roles, credentials, attributes, permissions, true, routingContext);
    }

    static boolean servedFromCache(SecurityIdentity identity) {
        return identity.getAttribute(MARKER) != null;
    }

    @Override
    public Principal getPrincipal() {
        return principal;
    }

    @Override
    public boolean isAnonymous() {
        return false;
    }

    @Override
    public Set<String> getRoles() {
        return roles;
    }

    @Override
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    @Override
    public <T extends Credential> T getCredential(Class<T> type) {
        for (Credential credential : credentials) {
            if (type.isInstance(credential)) {
                return type.cast(credential);
            }
        }
        return null;
    }

    @Override
    public Set<Credential> getCredentials() {
        return credentials;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getAttribute(String name) {
        if (all != null) {
            return (T) all.get(name);
        }
        if (served && MARKER.equals(name)) {
            return (T) "hit";
        }
        if (served && ROUTING_CONTEXT.equals(name)) {
            return (T) routingContext;
        }
        return (T) attributes.get(name);
    }

    /**
     * For a served identity: built on first call, a mutable map with the marker and the routing context (what the
     * copy made for every request used to hold).
     */
    @Override
    public Map<String, Object> getAttributes() {
        if (!served) {
            return attributes;
        }
        if (all == null) {
            Map<String, Object> now = new HashMap<>(attributes);
            now.put(MARKER, "hit");
            if (routingContext != null) {
                now.put(ROUTING_CONTEXT, routingContext);
            }
            all = now;
        }
        return all;
    }

    @Override
    public Set<Permission> getPermissions() {
        return permissions;
    }

    @Override
    public Uni<Boolean> checkPermission(Permission permission) {
        return Uni.createFrom().item(permissions.stream().anyMatch(possessed -> possessed.implies(permission)));
    }
}
