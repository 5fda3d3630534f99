package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.KeyFixtures.calls;
import static io.litellm.orchestrator.support.KeyFixtures.keyInfo;
import static io.litellm.orchestrator.support.KeyFixtures.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * How a {@code keyRef} in a key route is resolved: only among the path owner's keys (one {@code /key/list?user_id=}
 * listing), the live key only (not one living out a grace period), and then checked like any key id.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KeyRefRoutesTest extends ApiTest {

    private static final String REF = "kr_abcdefghijklmnopqrstuvwxyz";
    private static final String OTHER_REF = "kr_zyxwvutsrqponmlkjihgfedcba";

    private static ObjectNode keyWithRef(String seed, String user, String ref, String moreMetadata) {
        return row(hash(seed), user, "{\"metadata\":{\"orchestrator_key_ref\":\"" + ref + "\""
                + moreMetadata + ",\"orchestrator_rotation_count\":2,"
                + "\"orchestrator_last_rotated_at\":\"2026-12-01T10:00:00Z\"}}");
    }

    private static void listed(String user, ObjectNode... rows) {
        StringBuilder keys = new StringBuilder();
        for (ObjectNode row : rows) {
            keys.append(keys.isEmpty() ? "" : ",").append(row);
        }
        litellm().stubFor(get(urlPathEqualTo("/key/list")).withQueryParam("user_id", WireMock.equalTo(user))
                .willReturn(okJson("{\"keys\":[" + keys + "],\"total_count\":" + rows.length
                        + ",\"current_page\":1,\"total_pages\":1}")));
    }

    @Test
    void aKeyRefNamesTheLiveKeyAmongTheOwnersKeys() {
        ObjectNode retired = keyWithRef("ref-retired", "bob", REF, ",\"rotated_to\":\"" + hash("ref-live") + "\"");
        ObjectNode live = keyWithRef("ref-live", "bob", REF, "");
        ObjectNode other = keyWithRef("ref-other", "bob", OTHER_REF, "");
        listed("bob", retired, live, other);
        keyInfo(live);

        as(TestTokens.user("bob")).get(BASE + "/users/bob/keys/" + REF).then().statusCode(200)
                .body("token", equalTo(hash("ref-live")))
                .body("keyRef", equalTo(REF))
                .body("rotations", equalTo(2))
                .body("lastRotatedAt", equalTo("2026-12-01T10:00:00Z"));
        // one listing of bob's keys (pages as large as LiteLLM allows), then the usual ownership check by id
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/key/list")).withQueryParam("user_id", WireMock.equalTo("bob"))
                .withQueryParam("size", WireMock.equalTo("100")).withQueryParam("return_full_object", WireMock.equalTo("true")));
        assertEquals(List.of("GET /key/list?user_id=bob&page=1&size=100&return_full_object=true",
                "GET /key/info?key=" + hash("ref-live")), calls());
    }

    @Test
    void anotherUsersKeyRefIsNotFoundAndNothingIsTouched() {
        listed("bob", keyWithRef("bobs-key", "bob", REF, ""));
        listed("alice", keyWithRef("alices-key", "alice", OTHER_REF, ""));

        as(TestTokens.user("bob")).get(BASE + "/users/bob/keys/" + OTHER_REF).then().statusCode(404)
                .body("error.name", equalTo("NotFoundError"));
        as(TestTokens.user("bob")).delete(BASE + "/users/bob/keys/" + OTHER_REF).then().statusCode(404);
        as(TestTokens.user("bob")).body("{\"keyAlias\":\"x\"}").patch(BASE + "/users/bob/keys/" + OTHER_REF)
                .then().statusCode(404);
        as(TestTokens.user("bob")).post(BASE + "/users/bob/keys/" + OTHER_REF + "/regenerate").then().statusCode(404);
        as(TestTokens.admin("root")).get(BASE + "/users/bob/keys/" + OTHER_REF).then().statusCode(404);
        // only bob's keys were looked at, and nothing was read, changed or deleted by id
        litellm().verify(0, getRequestedFor(urlPathEqualTo("/key/list")).withQueryParam("user_id", WireMock.equalTo("alice")));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/info")));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/update")));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/delete")));
        // and naming alice's keys at all stays someone else's business
        as(TestTokens.user("bob")).get(BASE + "/users/alice/keys/" + OTHER_REF).then().statusCode(403);
    }

    @Test
    void aKeyRefOnTwoLiveKeysIsAConflict() {
        listed("bob", keyWithRef("twin-1", "bob", REF, ""), keyWithRef("twin-2", "bob", REF, ""));
        as(TestTokens.user("bob")).get(BASE + "/users/bob/keys/" + REF).then().statusCode(409)
                .body("error.message", containsString("a rotation is under way"));
    }

    @Test
    void somethingThatIsNeitherAKeyIdNorAKeyRefIsRefused() {
        as(TestTokens.user("bob")).get(BASE + "/users/bob/keys/kr_NOT-A-REF").then().statusCode(400)
                .body("error.message", containsString("key reference"));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/list")));
    }
}
