package io.litellm.orchestrator.rest;

import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.security.VerifiedTokenCache;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The verified-token cache with real signed tokens: a repeated token is served from it, with the same roles; an
 * expired token fails the moment it expires although cached; a token that differs in any byte is verified in full
 * and fails if it is not genuine.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class TokenCacheTest extends ApiTest {

    @Inject
    VerifiedTokenCache cache;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void emptyCache() {
        cache.clear();
    }

    private double count(String result) {
        Counter counter = registry.find("orchestrator.token.cache").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void repeatedTokenIsServedFromTheCacheWithItsRoles() {
        userExists("bob");
        String admin = TestTokens.admin("root");
        double hits = count("hit");
        double misses = count("miss");
        for (int i = 0; i < 3; i++) {
            // bob's user is readable only by an admin: the cached identity must still hold the admin role
            as(admin).get(BASE + "/users/bob").then().statusCode(200).body("userId", equalTo("bob"));
        }
        assertThat(count("miss") - misses).isEqualTo(1);
        assertThat(count("hit") - hits).isEqualTo(2);
        assertThat(cache.size()).isEqualTo(1);

        String user = TestTokens.user("alice");
        as(user).get(BASE + "/users/bob").then().statusCode(403);
        as(user).get(BASE + "/users/bob").then().statusCode(403);
    }

    @Test
    void cachedTokenFailsTheMomentItExpires() throws InterruptedException {
        userExists("alice");
        // warm the path first (JWKS fetched, code loaded) so the short-lived token is used within its life
        as(TestTokens.user("alice")).get(BASE + "/users/alice").then().statusCode(200);
        cache.clear();
        String token = TestTokens.userExpiringIn("alice", 4);
        long exp = expOf(token);
        as(token).get(BASE + "/users/alice").then().statusCode(200);
        as(token).get(BASE + "/users/alice").then().statusCode(200);
        assertThat(cache.size()).isEqualTo(1);

        long wait = exp * 1000 - System.currentTimeMillis() + 20;
        assertThat(wait).isLessThan(5000);
        Thread.sleep(Math.max(0, wait));
        double expired = count("expired");
        as(token).get(BASE + "/users/alice").then().statusCode(401).body("name", equalTo("AuthenticationError"));
        assertThat(count("expired") - expired).isEqualTo(1);
        assertThat(cache.size()).isZero();
    }

    @Test
    void tamperedSignatureByteIsAMissAndFails() {
        userExists("alice");
        String token = TestTokens.user("alice");
        as(token).get(BASE + "/users/alice").then().statusCode(200);
        String[] parts = token.split("\\.");
        // a character in the middle of the signature: its bits are all significant
        int at = parts[2].length() / 2;
        char flipped = parts[2].charAt(at) == 'A' ? 'B' : 'A';
        String tampered = parts[0] + "." + parts[1] + "." + parts[2].substring(0, at) + flipped
                + parts[2].substring(at + 1);
        double misses = count("miss");
        as(tampered).get(BASE + "/users/alice").then().statusCode(401);
        assertThat(count("miss") - misses).isEqualTo(1);
        as(token).get(BASE + "/users/alice").then().statusCode(200);
    }

    @Test
    void tamperedPayloadWithTheGenuineSignatureFails() {
        userExists("alice");
        userExists("mallory");
        String token = TestTokens.user("alice");
        as(token).get(BASE + "/users/alice").then().statusCode(200);
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"mallory\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        as(forged).get(BASE + "/users/mallory").then().statusCode(401);
        as(forged).get(BASE + "/users/mallory").then().statusCode(401);
    }

    @Test
    void forgedAndWrongIssuerTokensAreNeverServedFromTheCache() {
        userExists("bob");
        as(TestTokens.admin("root")).get(BASE + "/users/bob").then().statusCode(200);
        int before = cache.size();
        for (int i = 0; i < 2; i++) {
            as(TestTokens.forged("root")).get(BASE + "/users/bob").then().statusCode(401);
            as(TestTokens.wrongIssuer("root")).get(BASE + "/users/bob").then().statusCode(401);
            as(TestTokens.expired("root")).get(BASE + "/users/bob").then().statusCode(401);
        }
        assertThat(cache.size()).isEqualTo(before);
    }

    private static long expOf(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"exp\":(\\d+)").matcher(payload);
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }
}
