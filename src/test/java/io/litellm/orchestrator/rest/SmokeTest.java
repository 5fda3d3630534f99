package io.litellm.orchestrator.rest;

import static io.litellm.orchestrator.support.LiteLlmStubs.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SmokeTest {

    @BeforeEach
    void reset() {
        litellm().resetAll();
    }

    @Test
    void entityRefUser() {
        userExists("user:default/jane.doe");
        given().urlEncodingEnabled(false).auth().oauth2(TestTokens.user("user:default/jane.doe"))
                .when().get("/api/litellm-orchestrator/users/user%3Adefault%2Fjane.doe")
                .then().log().all().statusCode(200).body("userId", equalTo("user:default/jane.doe"));
    }

    @Test
    void noToken() {
        given().when().get("/api/litellm-orchestrator/users/bob").then().log().all().statusCode(401);
    }

    @Test
    void badJson() {
        given().auth().oauth2(TestTokens.user("bob")).contentType("application/json").body("{\"userId\":\"bob\",\"maxBudget\":\"x\"}")
                .when().post("/api/litellm-orchestrator/users").then().log().all().statusCode(400);
        given().auth().oauth2(TestTokens.user("bob")).contentType("application/json").body("{\"userId\":\"bob\",\"foo\":1}")
                .when().post("/api/litellm-orchestrator/users").then().log().all().statusCode(400);
        given().auth().oauth2(TestTokens.user("bob")).contentType("application/json").body("{\"userId\":")
                .when().post("/api/litellm-orchestrator/users").then().log().all().statusCode(400);
        given().auth().oauth2(TestTokens.user("bob")).contentType("application/json").body("{\"maxBudget\":-1}")
                .when().post("/api/litellm-orchestrator/users/bob/keys").then().log().all().statusCode(400);
        given().auth().oauth2(TestTokens.user("bob")).contentType("application/json")
                .when().post("/api/litellm-orchestrator/users/bob/keys").then().log().all();
    }
}
