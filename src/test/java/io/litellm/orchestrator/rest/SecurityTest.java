package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Attacks on every route: no token, bad tokens, and a valid token of someone else. None may reach LiteLLM.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SecurityTest extends ApiTest {

    private static final String KEY = hash("bob-key");

    /** Every route, acting on bob's user. */
    static Stream<Arguments> routes() {
        return Stream.of(
                route("createUser", r -> r.body("{\"userId\":\"bob\"}").post(BASE + "/users")),
                route("getUser", r -> r.get(BASE + "/users/bob")),
                route("createUserKey", r -> r.body("{}").post(BASE + "/users/bob/keys")),
                route("getUserKeys", r -> r.get(BASE + "/users/bob/keys")),
                route("deleteUserKey", r -> r.delete(BASE + "/users/bob/keys/" + KEY)),
                route("createUser (entity ref)", r -> r.body("{\"userId\":\"user:default/bob\"}").post(BASE + "/users")),
                route("getUser (entity ref)", r -> r.get(BASE + "/users/user%3Adefault%2Fbob")),
                route("createUserKey (entity ref)", r -> r.body("{}").post(BASE + "/users/user%3Adefault%2Fbob/keys")),
                route("getUserKeys (entity ref)", r -> r.get(BASE + "/users/user%3Adefault%2Fbob/keys")),
                route("deleteUserKey (entity ref)", r -> r.delete(BASE + "/users/user%3Adefault%2Fbob/keys/" + KEY)));
    }

    private static Arguments route(String name, Function<RequestSpecification, Response> call) {
        return Arguments.of(name, call);
    }

    @ParameterizedTest(name = "{0}: no token → 401")
    @MethodSource("routes")
    void noToken(String name, Function<RequestSpecification, Response> call) {
        call.apply(anonymous()).then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error.name", equalTo("AuthenticationError"))
                .body("name", equalTo("AuthenticationError"))
                .body("response.statusCode", equalTo(401));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "{0}: expired token → 401")
    @MethodSource("routes")
    void expiredToken(String name, Function<RequestSpecification, Response> call) {
        call.apply(as(TestTokens.expired("bob"))).then().statusCode(401).body("name", equalTo("AuthenticationError"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "{0}: token of another issuer → 401")
    @MethodSource("routes")
    void wrongIssuer(String name, Function<RequestSpecification, Response> call) {
        call.apply(as(TestTokens.wrongIssuer("bob"))).then().statusCode(401).body("name", equalTo("AuthenticationError"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "{0}: forged signature (admin claims) → 401")
    @MethodSource("routes")
    void forgedSignature(String name, Function<RequestSpecification, Response> call) {
        call.apply(as(TestTokens.forged("bob"))).then().statusCode(401).body("name", equalTo("AuthenticationError"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "{0}: garbage bearer → 401")
    @MethodSource("routes")
    void garbageToken(String name, Function<RequestSpecification, Response> call) {
        call.apply(as("not-a-jwt")).then().statusCode(401).body("name", equalTo("AuthenticationError"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "{0}: another user → 403")
    @MethodSource("routes")
    void otherUser(String name, Function<RequestSpecification, Response> call) {
        call.apply(as(TestTokens.user("alice"))).then().statusCode(403)
                .body("error.name", equalTo("NotAllowedError"))
                .body("message", not(containsString("Exception")));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "{0}: near-miss principal (case, prefix) → 403")
    @MethodSource("routes")
    void nearMissPrincipal(String name, Function<RequestSpecification, Response> call) {
        call.apply(as(TestTokens.user(name.contains("entity ref") ? "user:default/BOB" : "Bob"))).then().statusCode(403);
        call.apply(as(TestTokens.user(name.contains("entity ref") ? "user:default/bo" : "bo"))).then().statusCode(403);
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }
}
