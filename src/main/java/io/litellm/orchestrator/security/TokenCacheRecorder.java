package io.litellm.orchestrator.security;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Runs last on every identity Quarkus produces and keeps, for the verified-token cache, those quarkus-oidc just
 * verified from a bearer token (with their roles, from the token or from userinfo). Identities served from the
 * cache are not stored again, so an entry's life is counted from its one full verification.
 */
@ApplicationScoped
public class TokenCacheRecorder implements SecurityIdentityAugmentor {

    private final VerifiedTokenCache cache;

    public TokenCacheRecorder(VerifiedTokenCache cache) {
        this.cache = cache;
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (cache.enabled() && !identity.isAnonymous() && !CachedIdentity.servedFromCache(identity)
                && identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getRawToken() != null) {
            cache.store(jwt.getRawToken(), CachedIdentity.of(identity));
        }
        return Uni.createFrom().item(identity);
    }
}
