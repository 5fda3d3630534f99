package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The service configured as README's Backstage recipe "tokens with ent" says (auth-backend before 0.28, or
 * {@code auth.omitIdentityTokenOwnershipClaim: false}): Backstage-issued ES256 user tokens from a stand-in of
 * Backstage's auth backend, ownership from the token's {@code ent}, the allowed-group gate, and CORS for the
 * Backstage app origin. The "current Backstage" recipe (ownership from userinfo) is {@link BackstageUserInfoDropInTest}.
 */
@QuarkusTest
@TestProfile(BackstageDropInTest.BackstageIssuer.class)
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class BackstageDropInTest extends ApiTest {

    static final String APP_ORIGIN = "https://backstage.example.com";
    static final String ADMINS = "group:default/admins";
    static final String LLM_USERS = "group:default/llm-users";

    public static class BackstageIssuer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("quarkus.oidc.auth-server-url", "${test.idp.backstage-issuer}"),
                    Map.entry("quarkus.oidc.token.audience", "backstage"),
                    Map.entry("quarkus.oidc.token.principal-claim", "sub"),
                    Map.entry("quarkus.oidc.roles.role-claim-path", "ent"),
                    Map.entry("orchestrator.admin-role", ADMINS),
                    Map.entry("orchestrator.allowed-role", LLM_USERS),
                    Map.entry("quarkus.http.cors.enabled", "true"),
                    Map.entry("quarkus.http.cors.origins", APP_ORIGIN),
                    Map.entry("quarkus.http.cors.methods", "GET,POST,PATCH,DELETE"),
                    Map.entry("quarkus.http.cors.headers", "Authorization,Content-Type"));
        }
    }

    private static String jane(String... groups) {
        return TestTokens.backstageWithEnt(JANE, concat("user:default/jane.doe", groups), "backstage");
    }

    private static List<String> concat(String first, String... rest) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }

    @Test
    void backstageUserTokenIsSelf() {
        userExists(JANE);
        as(jane(LLM_USERS)).get(BASE + "/users/" + JANE_PATH).then().statusCode(200).body("userId", equalTo(JANE));
        userExists("user:default/bob");
        as(jane(LLM_USERS)).get(BASE + "/users/user%3Adefault%2Fbob").then().statusCode(403);
    }

    @Test
    void adminGroupInEntMakesAnAdmin() {
        userExists("user:default/bob");
        as(jane(ADMINS)).get(BASE + "/users/user%3Adefault%2Fbob").then().statusCode(200);
    }

    @Test
    void callerOutsideTheAllowedGroupIsRefusedBeforeLiteLlm() {
        as(jane()).get(BASE + "/users/" + JANE_PATH).then().statusCode(403)
                .body("name", equalTo("NotAllowedError"))
                .body("message", equalTo("You are not authorized to use this service"));
        as(jane("group:default/other")).body("{}").post(BASE + "/users/" + JANE_PATH + "/keys").then().statusCode(403);
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void tokensOfTheBackstageIssuerAreVerifiedAgainstItsJwksWithoutUserinfo() {
        userExists(JANE);
        as(jane(LLM_USERS)).get(BASE + "/users/" + JANE_PATH).then().statusCode(200);
        as(TestTokens.backstageForged(JANE)).get(BASE + "/users/" + JANE_PATH).then().statusCode(401);
        LiteLlmAndIdpResource.idp().verify(0, getRequestedFor(urlEqualTo(LiteLlmAndIdpResource.BACKSTAGE_USERINFO)));
    }

    @Test
    void wrongAudienceIsRefused() {
        as(TestTokens.backstageWithEnt(JANE, List.of(JANE, LLM_USERS), "some-other-service"))
                .get(BASE + "/users/" + JANE_PATH).then().statusCode(401);
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void preflightFromTheBackstageAppIsAllowed() {
        given().header("Origin", APP_ORIGIN)
                .header("Access-Control-Request-Method", "DELETE")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options(BASE + "/users/" + JANE_PATH + "/keys/abc")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(APP_ORIGIN))
                .header("Access-Control-Allow-Methods", containsString("DELETE"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"))
                .header("Access-Control-Allow-Origin", not(equalTo("*")));
    }

    @Test
    void preflightFromAnotherOriginIsRefused() {
        given().header("Origin", "https://evil.example.com")
                .header("Access-Control-Request-Method", "DELETE")
                .options(BASE + "/users/bob/keys/abc")
                .then().header("Access-Control-Allow-Origin", nullValue());
    }
}
