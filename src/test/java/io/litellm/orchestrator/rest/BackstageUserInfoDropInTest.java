package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.litellm.orchestrator.support.LiteLlmAndIdpResource.BACKSTAGE_USERINFO;
import static io.litellm.orchestrator.support.LiteLlmAndIdpResource.backstageUserInfo;
import static io.litellm.orchestrator.support.LiteLlmAndIdpResource.idp;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Fault;

import io.litellm.orchestrator.security.VerifiedTokenCache;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * README's "current Backstage" recipe (auth-backend 0.28 and later): user tokens carry no {@code ent}; ownership
 * comes from the issuer's {@code /v1/userinfo} as {@code {"claims":{"sub":…,"ent":[…]}}}, read once per token.
 */
@QuarkusTest
@TestProfile(BackstageUserInfoDropInTest.CurrentBackstage.class)
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class BackstageUserInfoDropInTest extends ApiTest {

    static final String ADMINS = "group:default/admins";
    static final String LLM_USERS = "group:default/llm-users";
    static final String BOB = "user:default/bob";

    /** Exactly the README recipe. */
    public static class CurrentBackstage implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("quarkus.oidc.auth-server-url", "${test.idp.backstage-issuer}"),
                    Map.entry("quarkus.oidc.token.audience", "backstage"),
                    Map.entry("quarkus.oidc.token.principal-claim", "sub"),
                    Map.entry("quarkus.oidc.roles.source", "userinfo"),
                    Map.entry("quarkus.oidc.authentication.user-info-required", "true"),
                    Map.entry("quarkus.oidc.roles.role-claim-path", "claims/ent"),
                    Map.entry("orchestrator.admin-role", ADMINS),
                    Map.entry("orchestrator.allowed-role", LLM_USERS));
        }
    }

    @Inject
    VerifiedTokenCache tokenCache;

    @BeforeEach
    void cleanIdp() {
        idp().resetRequests();
        idp().getStubMappings().stream()
                .filter(stub -> BACKSTAGE_USERINFO.equals(stub.getRequest().getUrl()))
                .toList().forEach(idp()::removeStub);
        tokenCache.clear();
    }

    private static String signedIn(String userRef, String... groups) {
        String token = TestTokens.backstageCurrent(userRef, 3600);
        java.util.ArrayList<String> ent = new java.util.ArrayList<>(List.of(userRef));
        ent.addAll(List.of(groups));
        backstageUserInfo(token, userRef, ent);
        return token;
    }

    @Test
    void tokensCarryNoEntAndOwnershipComesFromUserinfo() {
        String token = signedIn(JANE, LLM_USERS);
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(payload).doesNotContain("\"ent\"").contains("vnd.backstage.user");

        userExists(JANE);
        as(token).get(BASE + "/users/" + JANE_PATH).then().statusCode(200).body("userId", equalTo(JANE));
        userExists(BOB);
        as(token).get(BASE + "/users/user%3Adefault%2Fbob").then().statusCode(403);
        idp().verify(getRequestedFor(urlEqualTo(BACKSTAGE_USERINFO))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + token)));
    }

    @Test
    void adminGroupFromUserinfoMakesAnAdmin() {
        userExists(BOB);
        as(signedIn(JANE, ADMINS)).get(BASE + "/users/user%3Adefault%2Fbob").then().statusCode(200);
    }

    @Test
    void callerOutsideTheAllowedGroupIsRefusedBeforeLiteLlm() {
        as(signedIn(JANE, "group:default/other")).get(BASE + "/users/" + JANE_PATH).then().statusCode(403)
                .body("message", equalTo("You are not authorized to use this service"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void userinfoIsReadOncePerTokenNotPerRequest() {
        userExists(JANE);
        String first = signedIn(JANE, LLM_USERS);
        for (int i = 0; i < 4; i++) {
            as(first).get(BASE + "/users/" + JANE_PATH).then().statusCode(200);
        }
        idp().verify(1, getRequestedFor(urlEqualTo(BACKSTAGE_USERINFO)));

        // without our verified-token cache, quarkus-oidc's own token cache still holds the userinfo
        tokenCache.clear();
        as(first).get(BASE + "/users/" + JANE_PATH).then().statusCode(200);
        idp().verify(1, getRequestedFor(urlEqualTo(BACKSTAGE_USERINFO)));

        String second = signedIn(JANE, LLM_USERS);
        as(second).get(BASE + "/users/" + JANE_PATH).then().statusCode(200);
        as(second).get(BASE + "/users/" + JANE_PATH).then().statusCode(200);
        idp().verify(2, getRequestedFor(urlEqualTo(BACKSTAGE_USERINFO)));
    }

    @Test
    void unreachableUserinfoIs503NotA401() {
        String token = TestTokens.backstageCurrent(JANE, 3600);
        idp().stubFor(get(urlEqualTo(BACKSTAGE_USERINFO))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        as(token).get(BASE + "/users/" + JANE_PATH).then().statusCode(503)
                .body("name", equalTo("ServiceUnavailableError"))
                .body("message", containsString("userinfo could not be read"));

        String other = TestTokens.backstageCurrent(JANE, 3600);
        idp().stubFor(get(urlEqualTo(BACKSTAGE_USERINFO)).willReturn(aResponse().withStatus(500)));
        as(other).get(BASE + "/users/" + JANE_PATH).then().statusCode(503)
                .body("message", containsString("userinfo could not be read"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void forgedTokenIsRefusedBeforeUserinfo() {
        as(TestTokens.backstageForged(JANE)).get(BASE + "/users/" + JANE_PATH).then().statusCode(401);
        idp().verify(0, getRequestedFor(urlEqualTo(BACKSTAGE_USERINFO)));
    }
}
