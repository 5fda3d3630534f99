package io.litellm.orchestrator.contract;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.MASTER_KEY;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyDeleted;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyOwnedBy;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyUnknown;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.userCreated;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.contract.client.ApiClient;
import io.litellm.orchestrator.contract.client.ApiException;
import io.litellm.orchestrator.contract.client.api.UsersApi;
import io.litellm.orchestrator.contract.client.model.CreateUserKeyRequest;
import io.litellm.orchestrator.contract.client.model.CreateUserRequest;
import io.litellm.orchestrator.contract.client.model.UpdateUserKeyRequest;
import io.litellm.orchestrator.contract.client.model.Error;
import io.litellm.orchestrator.contract.client.model.User;
import io.litellm.orchestrator.contract.client.model.UserAPIKeyAuth;
import io.litellm.orchestrator.contract.client.model.UserKey;
import io.litellm.orchestrator.contract.client.model.UserKeyList;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * A Java client generated at build time from the committed {@code openapi/openapi.yaml} drives the packaged app
 * (WireMock plays LiteLLM, tokens are signed by the test identity provider). If the contract stops describing
 * what the service does (a path, a status, a field), the client fails to call it or to read the answer.
 */
@QuarkusIntegrationTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class GeneratedClientIT {

    private static final String JANE = "user:default/jane.doe";
    private static final String SECRET = "sk-Gen3rat3dCli3ntRoundTrip";

    @TestHTTPResource("/api/litellm-orchestrator")
    URL base;

    @BeforeEach
    void cleanUpstream() {
        litellm().resetAll();
    }

    @Test
    void createUserThenKeyThenListUpdateRegenerateAndDelete() throws ApiException {
        UsersApi jane = client(TestTokens.user(JANE));
        String keyId = hash("jane-client");

        // /user/new answers no created_at: the service reads the new user back
        io.litellm.orchestrator.support.LiteLlmStubs.userCreatedOnDemand(
                io.litellm.orchestrator.support.LiteLlmStubs.line(), JANE);
        User user = jane.createUser(new CreateUserRequest().userId(JANE));
        assertEquals(JANE, user.getUserId());
        assertEquals("2026-11-23T10:00:00Z", user.getCreatedAt());
        assertEquals(0.0, user.getSpend());

        userExists(JANE);
        keyGenerated(JANE, SECRET, keyId);
        UserKey key = jane.createUserKey(JANE, new CreateUserKeyRequest());
        assertEquals(JANE, key.getUserId());
        assertEquals(keyId, key.getKeyId());
        assertEquals(SECRET, key.getKeySecret());
        // the empty request went out as the frontend's {} and reached LiteLLM as a key for jane only
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate"))
                .withHeader("Authorization", equalTo("Bearer " + MASTER_KEY))
                .withRequestBody(equalToJson("{\"user_id\":\"" + JANE + "\"}")));

        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson("{\"keys\":[" + row(keyId, JANE)
                + "],\"total_count\":1,\"current_page\":1,\"total_pages\":1}")));
        UserKeyList list = jane.getUserKeys(JANE);
        List<UserAPIKeyAuth> keys = list.getKeys();
        assertEquals(1, keys.size());
        assertEquals(keyId, keys.get(0).getToken());
        assertEquals(JANE, keys.get(0).getUserId());
        assertEquals("sk-...wxyz", keys.get(0).getKeyName());

        keyOwnedBy(keyId, JANE);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{\"key\":\"" + keyId + "\"}")));
        UserAPIKeyAuth updated = jane.updateUserKey(keyId, JANE, new UpdateUserKeyRequest().keyAlias("laptop"));
        assertEquals(keyId, updated.getToken());
        assertEquals("laptop", updated.getKeyAlias());
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update"))
                .withRequestBody(equalToJson("{\"key\":\"" + keyId + "\",\"key_alias\":\"laptop\"}", false, true)));

        String rotatedId = hash("jane-client-rotated");
        String rotatedSecret = "sk-R0tat3dCli3ntRoundTrip";
        litellm().stubFor(post(urlPathEqualTo("/key/" + keyId + "/regenerate")).willReturn(okJson("""
                {"key":"%s","token":"%s","key_alias":"laptop","user_id":"%s"}""".formatted(rotatedSecret, rotatedId,
                JANE))));
        UserKey rotated = jane.regenerateUserKey(keyId, JANE, null);
        assertEquals(JANE, rotated.getUserId());
        assertEquals(rotatedId, rotated.getKeyId());
        assertEquals(rotatedSecret, rotated.getKeySecret());

        keyOwnedBy(rotatedId, JANE);
        keyDeleted();
        jane.deleteUserKey(rotatedId, JANE);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + rotatedId + "\"]}")));
    }

    @Test
    void anotherUsersUserIs403DecodedAsError() throws Exception {
        UsersApi bob = client(TestTokens.user("bob"));
        ApiException e = assertThrows(ApiException.class, () -> bob.getUser(JANE));
        assertEquals(403, e.getCode());
        Error error = decode(e);
        assertEquals("NotAllowedError", error.getName());
        assertEquals("NotAllowedError", error.getError().getName());
        assertEquals(403, error.getResponse().getStatusCode());
    }

    @Test
    void unknownKeyIs404DecodedAsError() throws Exception {
        String missing = hash("nobody-has-this");
        keyUnknown(missing);
        ApiException e = assertThrows(ApiException.class, () -> client(TestTokens.user(JANE)).deleteUserKey(missing, JANE));
        assertEquals(404, e.getCode());
        Error error = decode(e);
        assertEquals("NotFoundError", error.getName());
        assertEquals(404, error.getResponse().getStatusCode());
    }

    private UsersApi client(String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(base.toString());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        return new UsersApi(client);
    }

    private static Error decode(ApiException e) throws Exception {
        return ApiClient.createDefaultObjectMapper().readValue(e.getResponseBody(), Error.class);
    }
}
