package io.litellm.orchestrator.dev;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.config.OrchestratorConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;

/**
 * A dev identity provider: an RSA key made at start-up (never written anywhere), RS256 tokens for the demo users
 * {@code alice}, {@code bob} and the admin {@code root}, served at {@code GET /dev/tokens[/{user}]}. The tokens are
 * verified by quarkus-oidc exactly as production tokens are; only the key source differs (see
 * {@link DevTenantConfigResolver}). Dev and test builds only.
 */
@Singleton
@IfBuildProfile(anyOf = { "dev", "test" })
public class DevIdentity {

    /** Issuer of dev tokens; {@code .invalid} so it can never be a real host. */
    public static final String ISSUER = "https://dev-identity.litellm-orchestrator.invalid";
    public static final String PATH = "/dev/tokens";
    public static final List<String> DEMO_USERS = List.of("alice", "bob", "root");
    private static final String KEY_ID = "dev-identity";
    private static final Logger LOG = Logger.getLogger(DevIdentity.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair keys;
    private final OrchestratorConfig orchestrator;
    private final DevStackConfig dev;

    public DevIdentity(OrchestratorConfig orchestrator, DevStackConfig dev) {
        this.orchestrator = orchestrator;
        this.dev = dev;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as quarkus-oidc's {@code public-key} expects it (Base64 of the X.509 encoding). */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /** A token for a demo user; {@code root} carries the admin role. */
    public String token(String user) {
        if (!DEMO_USERS.contains(user)) {
            throw new IllegalArgumentException("not a demo user: " + user);
        }
        List<String> roles = "root".equals(user) ? List.of("user", orchestrator.adminRole()) : List.of("user");
        Instant now = Instant.now();
        ObjectNode claims = JSON.createObjectNode()
                .put("iss", ISSUER)
                .put("sub", user)
                .put("preferred_username", user)
                .put("iat", now.getEpochSecond())
                .put("exp", now.plus(dev.tokenLifetime()).getEpochSecond());
        roles.forEach(claims.putArray("groups")::add);
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT").put("kid", KEY_ID);
        String signingInput = encode(header) + "." + encode(claims);
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(keys.getPrivate());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a bearer token claims to come from this dev issuer (its signature is checked by quarkus-oidc). */
    static boolean claimsDevIssuer(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return ISSUER.equals(claims.path("iss").asText(null));
        } catch (Exception e) {
            return false;
        }
    }

    void routes(@Observes Router router) {
        router.get(PATH).handler(context -> {
            Map<String, String> tokens = new LinkedHashMap<>();
            DEMO_USERS.forEach(user -> tokens.put(user, token(user)));
            context.response().putHeader("Content-Type", "application/json").end(JSON.valueToTree(tokens).toString());
        });
        router.get(PATH + "/:user").handler(context -> {
            String user = context.pathParam("user");
            if (!DEMO_USERS.contains(user)) {
                context.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end(JSON.createObjectNode().put("message", "Demo users are " + DEMO_USERS).toString());
                return;
            }
            context.response().putHeader("Content-Type", "text/plain").end(token(user));
        });
    }

    void announce(@Observes StartupEvent event) {
        LOG.infof("Dev identity ready: demo users %s (root is admin, role '%s'). Get a token with: "
                + "TOKEN=$(curl -s localhost:8080%s/alice)", DEMO_USERS, orchestrator.adminRole(), PATH);
    }

    private static String encode(JsonNode json) {
        return URL.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }
}
