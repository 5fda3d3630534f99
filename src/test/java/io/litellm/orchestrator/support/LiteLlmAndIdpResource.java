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

    /** The identity provider stand-in, for userinfo stubs and request counts. */
    public static WireMockServer idp() {
        return idp;
    }

    /** A Backstage auth backend's issuer: {@code <backend>/api/auth}. */
    public static String backstageIssuer() {
        return idp.baseUrl() + BACKSTAGE_PATH;
    }

    public static final String BACKSTAGE_PATH = "/api/auth";
    public static final String BACKSTAGE_USERINFO = BACKSTAGE_PATH + "/v1/userinfo";

    /**
     * Backstage's auth backend as it is (plugins/auth-backend OidcService/OidcRouter): discovery at
     * {@code <issuer>/.well-known/openid-configuration}, ES256 keys at {@code <issuer>/.well-known/jwks.json},
     * userinfo at {@code <issuer>/v1/userinfo}. Userinfo stubs are set per test ({@link #backstageUserInfo}).
     */
    static void stubBackstage() {
        String issuer = backstageIssuer();
        idp.stubFor(get(urlEqualTo(BACKSTAGE_PATH + "/.well-known/openid-configuration"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
                        {"issuer":"%1$s","token_endpoint":"%1$s/v1/token","userinfo_endpoint":"%1$s/v1/userinfo",
                         "jwks_uri":"%1$s/.well-known/jwks.json","response_types_supported":["code","id_token"],
                         "subject_types_supported":["public"],
                         "id_token_signing_alg_values_supported":["RS256","RS384","RS512","ES256","ES384","ES512",
                           "PS256","PS384","PS512","EdDSA"],
                         "scopes_supported":["openid"],
                         "token_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post"],
                         "claims_supported":["sub","ent"],"grant_types_supported":["authorization_code"],
                         "authorization_endpoint":"%1$s/v1/authorize","code_challenge_methods_supported":["S256","plain"]}
                        """.formatted(issuer))));
        idp.stubFor(get(urlEqualTo(BACKSTAGE_PATH + "/.well-known/jwks.json"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody(TestTokens.backstageJwks())));
    }

    /**
     * Backstage's userinfo answer for the bearer {@code token}: {@code {"claims":{"sub":…,"ent":[…]}}}, as
     * UserInfoDatabase stores it. Any other token gets Backstage's 404 "User info not found".
     */
    public static void backstageUserInfo(String token, String sub, java.util.List<String> ent) {
        String entJson = ent.stream().map(e -> "\"" + e + "\"").collect(java.util.stream.Collectors.joining(","));
        idp.stubFor(get(urlEqualTo(BACKSTAGE_USERINFO)).atPriority(1)
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + token))
                .willReturn(aResponse().withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"claims\":{\"sub\":\"" + sub + "\",\"ent\":[" + entJson + "]}}")));
        idp.stubFor(get(urlEqualTo(BACKSTAGE_USERINFO)).atPriority(10)
                .willReturn(aResponse().withStatus(404).withBody("User info not found")));
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
        stubBackstage();
        return Map.of(
                "test.idp.backstage-issuer", backstageIssuer(),
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
