package io.litellm.orchestrator.support;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Real RS256 tokens, signed with a key the test identity provider publishes, plus the usual attacks on them.
 */
public final class TestTokens {

    public static final String KEY_ID = "test-signing-key";
    public static final String BACKSTAGE_KEY_ID = "backstage-es256-key";
    private static final KeyPair SIGNING = rsa();
    /** Backstage's auth backend signs user tokens with ES256. */
    private static final KeyPair BACKSTAGE = ec();
    /** Same key id, different key: what a forger without our private key would produce. */
    private static final KeyPair FORGER = rsa();
    private static final KeyPair FORGER_EC = ec();

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

    /**
     * A token shaped like a Backstage user token: ES256, header {@code typ: vnd.backstage.user}, {@code sub} the
     * user entity ref, {@code ent} the ownership refs (user and groups), audience {@code backstage}.
     */
    public static String backstage(String userRef, List<String> ent, String audience) {
        return Jwt.issuer(LiteLlmAndIdpResource.issuer())
                .subject(userRef)
                .audience(audience)
                .claim("ent", ent)
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(3600))
                .jws().keyId(BACKSTAGE_KEY_ID).algorithm(SignatureAlgorithm.ES256).header("typ", "vnd.backstage.user")
                .sign(BACKSTAGE.getPrivate());
    }

    /**
     * A user token as current Backstage (auth-backend 0.28 and later) issues it: the Backstage issuer, ES256,
     * {@code typ: vnd.backstage.user}, audience {@code backstage}, no {@code ent} claim; the ownership refs come
     * from {@code <issuer>/v1/userinfo}. Lifetime in seconds.
     */
    public static String backstageCurrent(String userRef, long lifetimeSeconds) {
        Instant now = Instant.now();
        return Jwt.issuer(LiteLlmAndIdpResource.backstageIssuer())
                .subject(userRef)
                .audience("backstage")
                .claim("typ", "vnd.backstage.user")
                .issuedAt(now)
                .expiresAt(now.plusSeconds(lifetimeSeconds))
                .jws().keyId(BACKSTAGE_KEY_ID).algorithm(SignatureAlgorithm.ES256).header("typ", "vnd.backstage.user")
                .sign(BACKSTAGE.getPrivate());
    }

    /** A token as older Backstage (or {@code auth.omitIdentityTokenOwnershipClaim: false}) issues it, with {@code ent}. */
    public static String backstageWithEnt(String userRef, List<String> ent, String audience) {
        Instant now = Instant.now();
        return Jwt.issuer(LiteLlmAndIdpResource.backstageIssuer())
                .subject(userRef)
                .audience(audience)
                .claim("typ", "vnd.backstage.user")
                .claim("ent", ent)
                .issuedAt(now)
                .expiresAt(now.plusSeconds(3600))
                .jws().keyId(BACKSTAGE_KEY_ID).algorithm(SignatureAlgorithm.ES256).header("typ", "vnd.backstage.user")
                .sign(BACKSTAGE.getPrivate());
    }

    /** Same as {@link #backstageCurrent} but signed with a key the issuer never published, under its key id. */
    public static String backstageForged(String userRef) {
        return Jwt.issuer(LiteLlmAndIdpResource.backstageIssuer())
                .subject(userRef).audience("backstage")
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(3600))
                .jws().keyId(BACKSTAGE_KEY_ID).algorithm(SignatureAlgorithm.ES256).header("typ", "vnd.backstage.user")
                .sign(FORGER_EC.getPrivate());
    }

    /** A valid RS256 token whose lifetime is {@code seconds}, for expiry tests. */
    public static String userExpiringIn(String principal, long seconds) {
        return sign(principal, Set.of("user"), LiteLlmAndIdpResource.issuer(), Instant.now().plusSeconds(seconds),
                SIGNING);
    }

    /** Backstage's JWKS: only its ES256 key(s). */
    static String backstageJwks() {
        EllipticCurveJsonWebKey ec = new EllipticCurveJsonWebKey((ECPublicKey) BACKSTAGE.getPublic());
        ec.setKeyId(BACKSTAGE_KEY_ID);
        ec.setAlgorithm("ES256");
        ec.setUse("sig");
        return "{\"keys\":[" + ec.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}";
    }

    static String jwks() {
        try {
            RsaJsonWebKey rsa = new RsaJsonWebKey((RSAPublicKey) SIGNING.getPublic());
            rsa.setKeyId(KEY_ID);
            rsa.setAlgorithm("RS256");
            rsa.setUse("sig");
            EllipticCurveJsonWebKey ec = new EllipticCurveJsonWebKey((ECPublicKey) BACKSTAGE.getPublic());
            ec.setKeyId(BACKSTAGE_KEY_ID);
            ec.setAlgorithm("ES256");
            ec.setUse("sig");
            return "{\"keys\":[" + rsa.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + ","
                    + ec.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}";
        } catch (RuntimeException e) {
            throw e;
        }
    }

    private static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
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
