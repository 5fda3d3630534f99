package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/** One deadline for the whole workshop call: attendees not started in time are listed, nothing started is lost. */
@QuarkusTest
// the profile's 3 s workshop deadline and 5 s call timeout (the test profile's 500 ms would cut a 4 s key); shared
// with SharedGuardTest so that Quarkus starts once for both
@TestProfile(SharedGuardTest.LongTimeouts.class)
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class WorkshopDeadlineTest extends ApiTest {

    @Test
    void attendeesNotStartedBeforeTheDeadlineAreListedForARerun() {
        // lookups are quick; each key takes 4 s, so attendees 1 and 2 (started well within the 3 s deadline) end
        // after it, and 3 to 6 are never started. Only "three quick calls within 3 s" depends on the machine.
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson(WorkshopTest.page(List.of()))));
        litellm().stubFor(post(urlPathEqualTo("/user/new")).willReturn(okJson("{\"user_id\":\"x\"}")));
        // the keys made are confirmed after the deadline, within the call's budget
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        IntStream.rangeClosed(1, 6).forEach(i -> litellm().stubFor(post(urlPathEqualTo("/key/generate"))
                .withRequestBody(matchingJsonPath("$.key_alias", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                        WorkshopTest.alias(i))))
                .willReturn(okJson("{\"key\":\"%s\",\"token\":\"%s\"}".formatted(WorkshopTest.secret(i),
                        WorkshopTest.keyHash(i))).withFixedDelay(4000))));
        // warm the client and its connections: the first call after start-up is slow on a loaded machine
        as(TestTokens.admin("root")).get(BASE + "/workshops/warm-up").then().statusCode(404);

        JsonPath answer = as(TestTokens.admin("root")).body("""
                {"attendees": 6, "userPrefix": "participant", "userDomain": "workshop.example.com"}""")
                .put(BASE + "/workshops/llm-intro").then().statusCode(200).extract().jsonPath();

        assertThat(answer.getInt("created")).isEqualTo(2);
        assertThat(answer.getInt("failed")).isEqualTo(4);
        assertThat(answer.getList("attendees.keySecret")).containsExactly(WorkshopTest.secret(1),
                WorkshopTest.secret(2), null, null, null, null);
        assertThat(answer.getList("attendees.error", String.class).subList(2, 6))
                .allSatisfy(error -> assertThat(error).startsWith("not started: the deadline"));
        litellm().verify(2, postRequestedFor(urlPathEqualTo("/key/generate")));
    }
}
