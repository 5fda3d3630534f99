package io.litellm.orchestrator.dev;

import jakarta.inject.Singleton;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TenantConfigResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Sends tokens of the dev issuer to an OIDC tenant that verifies them with {@link DevIdentity}'s public key (what
 * {@code quarkus.oidc.public-key} does); every other token goes to the configured default tenant. Signature,
 * issuer and expiry are checked by quarkus-oidc as in production. Dev and test builds only.
 */
@Singleton
@IfBuildProfile(anyOf = { "dev", "test" })
public class DevTenantConfigResolver implements TenantConfigResolver {

    private final OidcTenantConfig devTenant;

    public DevTenantConfigResolver(DevIdentity identity) {
        this.devTenant = OidcTenantConfig.builder()
                .tenantId("dev-identity")
                .publicKey(identity.publicKey())
                .token().issuer(DevIdentity.ISSUER).end()
                .build();
    }

    @Override
    public Uni<OidcTenantConfig> resolve(RoutingContext context, OidcRequestContext<OidcTenantConfig> requestContext) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && DevIdentity.claimsDevIssuer(authorization.substring(7).trim())) {
            return Uni.createFrom().item(devTenant);
        }
        return Uni.createFrom().nullItem();
    }
}
