package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyUnknown;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Principals and roles holding CR, LF or NUL (real signed tokens): a 400 naming the problem before LiteLLM is
 * called, never a 500 or a split litellm-changed-by header; audit lines stay one line whatever the path holds.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class StrangeIdentityTest extends ApiTest {

    @Test
    void principalWithCrLfIsA400NamingIt() {
        String token = TestTokens.user("jane\r\nX-Injected: yes");
        as(token).get(BASE + "/users/jane").then().statusCode(400)
                .body("name", equalTo("InputError"))
                .body("message", containsString("token principal"))
                .body("message", containsString("U+000D at position 4"));
        as(token).body("{}").post(BASE + "/users/jane/keys").then().statusCode(400);
        as(TestTokens.admin("root\r\n")).body("{\"userId\":\"bob\"}").post(BASE + "/users").then().statusCode(400)
                .body("message", containsString("control character"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void principalWithNulIsA400NamingIt() {
        as(TestTokens.user("jane\u0000doe")).body("{}").post(BASE + "/users/jane/keys").then().statusCode(400)
                .body("message", containsString("U+0000 at position 4"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void roleWithAControlCharacterIsA400() {
        as(TestTokens.withRoles("alice", Set.of("user", "admin\nroot"))).get(BASE + "/users/alice").then()
                .statusCode(400).body("message", containsString("token roles"))
                .body("message", containsString("U+000A"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void auditLineStaysOneLineWhenThePathHoldsCrLf() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                Object[] params = record.getParameters();
                lines.add(params == null ? record.getMessage() : String.format(record.getMessage(), params));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger audit = Logger.getLogger("io.litellm.orchestrator.audit");
        audit.addHandler(capture);
        try {
            String key = hash("k1");
            keyUnknown(key);
            as(TestTokens.admin("root")).delete(BASE + "/users/bob%0D%0Aaudit%20operation=forged/keys/" + key)
                    .then().statusCode(404);
        } finally {
            audit.removeHandler(capture);
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("\r").doesNotContain("\n")
                .contains("targetUser=bob\\u000d\\u000aaudit operation=forged");
    }
}
