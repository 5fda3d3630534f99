package io.litellm.orchestrator.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.smallrye.mutiny.Uni;

/**
 * Asked before quarkus-oidc's own provider: answers the identity of a bearer token verified before, or null, and
 * Quarkus then asks the next provider (OIDC), which verifies the token in full.
 */
@ApplicationScoped
public class TokenCacheIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final VerifiedTokenCache cache;

    public TokenCacheIdentityProvider(VerifiedTokenCache cache) {
        this.cache = cache;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        // providers are asked highest first; quarkus-oidc's has the default, 1001
        return 2000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!cache.enabled() || request.getToken() == null || request.getToken().getToken() == null) {
            return Uni.createFrom().nullItem();
        }
        SecurityIdentity cached = cache.lookup(request.getToken().getToken());
        if (cached instanceof CachedIdentity identity) {
            return Uni.createFrom().item(identity.forRequest(request.getAttribute(CachedIdentity.ROUTING_CONTEXT)));
        }
        return Uni.createFrom().nullItem();
    }
}
