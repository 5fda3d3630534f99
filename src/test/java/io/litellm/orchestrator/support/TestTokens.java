package io.litellm.orchestrator.support;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Set;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;

import io.smallrye.jwt.build.Jwt;

/**
 * Real RS256 tokens, signed with a key the test identity provider publishes, plus the usual attacks on them.
 */
public final class TestTokens {

    public static final String KEY_ID = "test-signing-key";
    private static final KeyPair SIGNING = rsa();
    /** Same key id, different key: what a forger without our private key would produce. */
    private static final KeyPair FORGER = rsa();

    private TestTokens() {
    }

    /** A valid token for a user with no special role. */
    public static String user(String principal) {
        return sign(principal, Set.of("user"), LiteLlmAndIdpResource.issuer(), Instant.now().plusSeconds(300),
                SIGNING);
    }

    /** A valid token carrying the admin role. */
    public static String admin(String principal) {
        return sign(principal, Set.of("user", "admin"), LiteLlmAndIdpResource.issuer(), Instant.now().plusSeconds(300),
                SIGNING);
    }

    public static String withRoles(String principal, Set<String> roles) {
        return sign(principal, roles, LiteLlmAndIdpResource.issuer(), Instant.now().plusSeconds(300), SIGNING);
    }

    public static String expired(String principal) {
        return sign(principal, Set.of("user"), LiteLlmAndIdpResource.issuer(), Instant.now().minusSeconds(600),
                SIGNING);
    }

    public static String wrongIssuer(String principal) {
        return sign(principal, Set.of("user", "admin"), "https://evil.example.com/realms/test",
                Instant.now().plusSeconds(300), SIGNING);
    }

    public static String forged(String principal) {
        return sign(principal, Set.of("user", "admin"), LiteLlmAndIdpResource.issuer(), Instant.now().plusSeconds(300),
                FORGER);
    }

    static String jwks() {
        try {
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) SIGNING.getPublic());
            jwk.setKeyId(KEY_ID);
            jwk.setAlgorithm("RS256");
            jwk.setUse("sig");
            return "{\"keys\":[" + jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}";
        } catch (RuntimeException e) {
            throw e;
        }
    }

    private static String sign(String principal, Set<String> roles, String issuer, Instant expiresAt, KeyPair key) {
        return Jwt.issuer(issuer)
                .subject(principal)
                .claim("preferred_username", principal)
                .groups(roles)
                .issuedAt(expiresAt.minusSeconds(900))
                .expiresAt(expiresAt)
                .jws().keyId(KEY_ID)
                .sign(key.getPrivate());
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
