package io.litellm.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.LiteLlmStubs;
import io.litellm.orchestrator.support.PackagedAppResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.smallrye.jwt.build.Jwt;

/**
 * Against the packaged prod app: the dev stack (LiteLLM simulator, dev identity) is not in it. The app is wired to
 * WireMock as LiteLLM and identity provider, and the control requests show it is up and serving.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class DevEndpointsAbsentIT {

    @BeforeEach
    void reset() {
        LiteLlmStubs.litellm().resetAll();
    }

    @Test
    void devTokenEndpointDoesNotExist() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/dev/tokens").then().statusCode(404);
        given().when().get("/dev/tokens/alice").then().statusCode(404);
        given().when().get("/dev/tokens/root").then().statusCode(404);
    }

    @Test
    void litellmSimulatorDoesNotExist() {
        given().auth().oauth2(LiteLlmStubs.MASTER_KEY).when().get("/dev/litellm/health/liveliness")
                .then().statusCode(404);
        given().auth().oauth2(LiteLlmStubs.MASTER_KEY).contentType("application/json").body("{\"user_id\":\"x\"}")
                .when().post("/dev/litellm/user/new").then().statusCode(404);
        given().auth().oauth2(LiteLlmStubs.MASTER_KEY).when().get("/dev/litellm/key/list").then().statusCode(404);
    }

    @Test
    void onlyTheConfiguredIssuerIsTrusted() {
        LiteLlmStubs.userExists("alice");
        given().auth().oauth2(TestTokens.user("alice")).when().get("/api/litellm-orchestrator/users/alice")
                .then().statusCode(200).body("userId", equalTo("alice"));
        // a token naming the dev issuer has no tenant to go to in prod
        given().auth().oauth2(devIssuerToken()).when().get("/api/litellm-orchestrator/users/alice")
                .then().statusCode(401);
    }

    private static String devIssuerToken() {
        return Jwt.issuer("https://dev-identity.litellm-orchestrator.invalid")
                .subject("alice").claim("preferred_username", "alice").groups(Set.of("admin"))
                .expiresIn(300).jws().keyId("dev-identity").sign(rsaKey());
    }

    private static PrivateKey rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
