package io.litellm.orchestrator.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Two WireMock servers on free ports: one plays LiteLLM, one plays the OIDC identity provider (discovery and
 * JWKS, serving {@link TestTokens}' public keys). The app talks to both over HTTP exactly as in production.
 */
public class LiteLlmAndIdpResource implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer litellm;
    private static WireMockServer idp;

    /** The LiteLLM stand-in of the running test. */
    public static WireMockServer litellm() {
        return litellm;
    }

    public static String issuer() {
        return idp.baseUrl() + "/realms/test";
    }

    @Override
    public Map<String, String> start() {
        litellm = new WireMockServer(wireMockConfig().dynamicPort().extensions(new RotationClaimStubs()));
        litellm.start();
        idp = new WireMockServer(wireMockConfig().dynamicPort());
        idp.start();
        String issuer = issuer();
        idp.stubFor(get(urlEqualTo("/realms/test/.well-known/openid-configuration"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
                        {"issuer":"%1$s","jwks_uri":"%1$s/protocol/openid-connect/certs",
                         "authorization_endpoint":"%1$s/protocol/openid-connect/auth",
                         "token_endpoint":"%1$s/protocol/openid-connect/token",
                         "id_token_signing_alg_values_supported":["RS256","ES256"]}
                        """.formatted(issuer))));
        idp.stubFor(get(urlEqualTo("/realms/test/protocol/openid-connect/certs"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(TestTokens.jwks())));
        return Map.of(
                "litellm.base-url", litellm.baseUrl(),
                "quarkus.oidc.auth-server-url", issuer,
                "test.idp.issuer", issuer);
    }

    @Override
    public void stop() {
        if (litellm != null) {
            litellm.stop();
        }
        if (idp != null) {
            idp.stop();
        }
    }
}
