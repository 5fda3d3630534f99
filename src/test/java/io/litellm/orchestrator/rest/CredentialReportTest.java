package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.ownCredentialIsMasterKey;
import static io.litellm.orchestrator.support.LiteLlmStubs.ownCredentialIsVirtualKey;
import static io.litellm.orchestrator.support.LiteLlmStubs.readiness;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.LiteLlmStubs;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * {@code /health/connection} says which kind of credential {@code litellm.master-key} holds (LiteLLM's {@code /key/info}
 * without {@code key} answers the caller's own row, or 404 for the master key, which has none) and whether LiteLLM's
 * audit log honours our {@code LiteLLM-Changed-By} with it; never the credential, nor its hash.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class CredentialReportTest extends ApiTest {

    private static final String OWN_HASH = hash("orchestrator-admin-key");

    @BeforeEach
    void liteLlmAnswers() {
        litellm().stubFor(get(urlPathEqualTo("/health/liveliness")).willReturn(okJson("\"I'm alive!\"")));
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson("{\"keys\":[],\"total_pages\":0}")));
    }

    private static ValidatableResponse report() {
        return as(TestTokens.admin("root")).get(BASE + "/health/connection").then().statusCode(200)
                .body("reachable", org.hamcrest.Matchers.equalTo(true))
                .body("masterKeyAccepted", org.hamcrest.Matchers.equalTo(true))
                .body(not(containsString(LiteLlmStubs.MASTER_KEY)))
                .body(not(containsString(OWN_HASH)));
    }

    @Test
    void theMasterKeyCannotOptInOnTheNewestLine() {
        readiness("1.84.2");
        ownCredentialIsMasterKey();
        report().body("credential", org.hamcrest.Matchers.equalTo("master_key"))
                .body("changedByHonoured", org.hamcrest.Matchers.equalTo(false))
                .body("litellmVersion", org.hamcrest.Matchers.equalTo("1.84.2"));
    }

    @Test
    void beforeTheGateEveryCallerWasHonoured() {
        readiness("1.80.11");
        ownCredentialIsMasterKey();
        report().body("credential", org.hamcrest.Matchers.equalTo("master_key"))
                .body("changedByHonoured", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void anAdminVirtualKeyWithTheOptInIsHonoured() {
        readiness("1.90.0");
        ownCredentialIsVirtualKey(OWN_HASH, "{\"allow_litellm_changed_by_header\":true}", null);
        report().body("credential", org.hamcrest.Matchers.equalTo("virtual_key"))
                .body("changedByHonoured", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void aVirtualKeyWithoutTheOptInIsNotHonouredUnlessItsTeamOptedIn() {
        readiness("1.90.0");
        // LiteLLM checks "is True": a string does not count
        ownCredentialIsVirtualKey(OWN_HASH, "{\"allow_litellm_changed_by_header\":\"true\"}", null);
        report().body("credential", org.hamcrest.Matchers.equalTo("virtual_key"))
                .body("changedByHonoured", org.hamcrest.Matchers.equalTo(false));

        ownCredentialIsVirtualKey(OWN_HASH, "{}", "ops");
        litellm().stubFor(get(urlPathEqualTo("/team/info")).withQueryParam("team_id", equalTo("ops"))
                .willReturn(okJson("""
                        {"team_id":"ops","team_info":{"team_id":"ops","metadata":{"allow_litellm_changed_by_header":true}},
                         "keys":[],"team_memberships":[]}""")));
        report().body("credential", org.hamcrest.Matchers.equalTo("virtual_key"))
                .body("changedByHonoured", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void unknownWhenLiteLlmCannotSay() {
        litellm().stubFor(get(urlPathEqualTo("/key/info")).willReturn(aResponse().withStatus(500)));
        litellm().stubFor(get(urlPathEqualTo("/health/readiness")).willReturn(aResponse().withStatus(503)));
        report().body("credential", nullValue()).body("changedByHonoured", nullValue())
                .body("litellmVersion", nullValue());
    }
}
