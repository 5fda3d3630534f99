import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Benchmark stand-ins, one process: a LiteLLM proxy answering the management API in LiteLLM's shapes (v1.80)
 * after a fixed latency, and an OIDC issuer (discovery + JWKS) whose tokens it mints with the JDK's crypto: shaped
 * like Backstage user tokens ({@code typ: vnd.backstage.user}, {@code aud: backstage}, {@code sub} an entity ref,
 * {@code ent} the ownership refs, which the bench maps to roles), signed ES256 as Backstage does ({@code TOKEN_ALG},
 * default ES256; RS256 as an option).
 *
 * <p>Runs as a single-file program on the app's own Vert.x:
 * {@code java -cp 'target/quarkus-app/lib/main/*' bench/StandIn.java}. Settings come from the environment:
 * {@code LITELLM_PORT}, {@code IDP_PORT}, {@code LATENCY_MS}, {@code MASTER_KEY}, {@code TOKEN_ALG}, {@code OUT_DIR}
 * (where the tokens are written: {@code user.jwt}, {@code writer.jwt}, {@code admin.jwt}; the admin's {@code ent}
 * holds {@link #ADMIN_GROUP}).
 *
 * <p>The latency is a timer, not a sleep, so the stand-in can answer many calls at once without threads and is not
 * the bottleneck; the harness measures it directly at every concurrency to show that.
 *
 * <p>Why not the simulator ({@code dev/LiteLlmSimulator}, the one behaviour model of LiteLLM): it models LiteLLM's
 * rules, with one lock around every call, key rows found by scanning them all ({@code /user/info}, {@code /key/list})
 * and an audit row kept per write. Right for correctness, wrong for a load test's peer: a run creates tens of
 * thousands of keys, after which every read would scan them under that lock, and the stand-in, not the service,
 * would set the latency. So this answers only the calls behind the three benchmarked routes ({@code /user/info},
 * {@code /key/list}, {@code /key/generate}, plus {@code /user/new}, {@code /key/info}, {@code /key/delete}) in
 * constant time, with keys indexed by user, and stays a single-file program on the app's class path (no build step,
 * no Quarkus). Its answers have the simulator's shapes: {@code StandInShapeTest} sends the same requests to both and
 * fails on a status, field or JSON type that differs; a change to the simulator's rows shows there.
 */
public class StandIn {

    static final String READER = "user:default/bench.reader";
    static final String WRITER = "user:default/bench.writer";
    static final String ADMIN_GROUP = "group:default/bench-admins";
    /** LiteLLM lists a user's keys in /user/info; a stand-in cap keeps the payload constant while keys pile up. */
    static final int USER_INFO_KEYS = 10;

    static final Map<String, JsonObject> USERS = new ConcurrentHashMap<>();
    static final Map<String, JsonObject> KEYS = new ConcurrentHashMap<>();
    static final Map<String, ConcurrentLinkedQueue<String>> KEYS_BY_USER = new ConcurrentHashMap<>();

    static long latencyMs;
    static String masterKey;
    static String issuer;
    static String jwks;
    static String alg;

    public static void main(String[] args) throws Exception {
        int litellmPort = Integer.parseInt(env("LITELLM_PORT", "18400"));
        int idpPort = Integer.parseInt(env("IDP_PORT", "18401"));
        latencyMs = Long.parseLong(env("LATENCY_MS", "5"));
        masterKey = env("MASTER_KEY", "sk-bench-master");
        Path out = Path.of(env("OUT_DIR", "."));
        issuer = "http://127.0.0.1:" + idpPort + "/realms/bench";

        alg = env("TOKEN_ALG", "ES256");
        KeyPair signing;
        if (alg.equals("RS256")) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            signing = generator.generateKeyPair();
            jwks = jwks((RSAPublicKey) signing.getPublic());
        } else if (alg.equals("ES256")) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            signing = generator.generateKeyPair();
            jwks = jwks((java.security.interfaces.ECPublicKey) signing.getPublic());
        } else {
            throw new IllegalArgumentException("TOKEN_ALG must be ES256 or RS256");
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("user.jwt"), token(signing, READER, List.of()));
        Files.writeString(out.resolve("writer.jwt"), token(signing, WRITER, List.of()));
        Files.writeString(out.resolve("admin.jwt"), token(signing, "user:default/bench.admin", List.of(ADMIN_GROUP)));

        createUser(READER);
        createUser(WRITER);
        for (int i = 0; i < 5; i++) {
            generateKey(new JsonObject().put("user_id", READER).put("key_alias", "reader-key-" + i));
        }

        int loops = Integer.parseInt(env("EVENT_LOOPS", "2"));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                vertx.createHttpServer().requestHandler(StandIn::litellm).listen(litellmPort, "127.0.0.1");
            }
        }, new DeploymentOptions().setInstances(loops))
                .compose(id -> vertx.createHttpServer().requestHandler(StandIn::issuer).listen(idpPort, "127.0.0.1"))
                .onSuccess(server -> System.out.println("READY litellm=http://127.0.0.1:" + litellmPort
                        + " issuer=" + issuer + " latency=" + latencyMs + "ms"))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }

    // ---- OIDC issuer ------------------------------------------------------------------------------------------

    static void issuer(HttpServerRequest request) {
        String path = request.path();
        if (path.equals("/realms/bench/.well-known/openid-configuration")) {
            json(request, 200, new JsonObject().put("issuer", issuer)
                    .put("jwks_uri", issuer + "/protocol/openid-connect/certs")
                    .put("authorization_endpoint", issuer + "/protocol/openid-connect/auth")
                    .put("token_endpoint", issuer + "/protocol/openid-connect/token")
                    .put("id_token_signing_alg_values_supported", new JsonArray().add(alg)).encode());
        } else if (path.equals("/realms/bench/protocol/openid-connect/certs")) {
            json(request, 200, jwks);
        } else {
            json(request, 404, "{\"error\":\"not found\"}");
        }
    }

    /** A Backstage-shaped user token: {@code ent} is the user's ref plus its groups. */
    static String token(KeyPair key, String principal, List<String> groups) throws Exception {
        long now = Instant.now().getEpochSecond();
        String header = b64(new JsonObject().put("alg", alg).put("typ", "vnd.backstage.user").put("kid", "bench-key")
                .encode());
        JsonArray ent = new JsonArray().add(principal);
        groups.forEach(ent::add);
        String claims = b64(new JsonObject().put("iss", issuer).put("sub", principal).put("ent", ent)
                .put("aud", "backstage").put("iat", now).put("exp", now + 6 * 3600).encode());
        // JOSE wants ECDSA's raw r||s, which the P1363 form of the JDK's signature is
        Signature signer = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
        signer.initSign(key.getPrivate());
        signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    }

    static String jwks(RSAPublicKey key) {
        return new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("kty", "RSA")
                .put("kid", "bench-key").put("use", "sig").put("alg", "RS256")
                .put("n", b64(unsigned(key.getModulus()))).put("e", b64(unsigned(key.getPublicExponent()))))).encode();
    }

    static String jwks(java.security.interfaces.ECPublicKey key) {
        return new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("kty", "EC")
                .put("kid", "bench-key").put("use", "sig").put("alg", "ES256").put("crv", "P-256")
                .put("x", b64(fixed(key.getW().getAffineX(), 32))).put("y", b64(fixed(key.getW().getAffineY(), 32)))))
                .encode();
    }

    /** A coordinate as exactly {@code size} unsigned big-endian bytes. */
    static byte[] fixed(BigInteger value, int size) {
        byte[] bytes = unsigned(value);
        byte[] out = new byte[size];
        System.arraycopy(bytes, 0, out, size - bytes.length, bytes.length);
        return out;
    }

    static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ---- LiteLLM ----------------------------------------------------------------------------------------------

    static void litellm(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            // every answer leaves after the configured latency, like a LiteLLM proxy backed by its database
            int[] status = new int[1];
            String answer;
            try {
                status[0] = 200;
                answer = answer(request, body.length() > 0 ? body.toJsonObject() : new JsonObject(), status);
            } catch (RuntimeException e) {
                status[0] = 400;
                answer = error("Bad request: " + e.getMessage(), "bad_request", 400);
            }
            String reply = answer;
            if (latencyMs <= 0) {
                json(request, status[0], reply);
            } else {
                Vertx.currentContext().owner().setTimer(latencyMs, t -> json(request, status[0], reply));
            }
        });
    }

    static String answer(HttpServerRequest request, JsonObject body, int[] status) {
        return answer(request.path(), request::getParam, request.getHeader("Authorization"), body, status);
    }

    /** One LiteLLM answer, without HTTP: StandInShapeTest compares these with the simulator's. */
    static String answer(String path, Function<String, String> params, String authorization, JsonObject body,
            int[] status) {
        if (path.equals("/health/liveliness")) {
            return "\"I'm alive!\"";
        }
        if (!("Bearer " + masterKey).equals(authorization)) {
            status[0] = 401;
            return error("Authentication Error, Invalid proxy server token passed.", "auth_error", 401);
        }
        switch (path) {
            case "/user/info": {
                String userId = params.apply("user_id");
                JsonObject user = USERS.get(userId);
                JsonArray keys = new JsonArray();
                if (user != null) {
                    for (String hash : KEYS_BY_USER.getOrDefault(userId, new ConcurrentLinkedQueue<>())) {
                        if (keys.size() >= USER_INFO_KEYS) {
                            break;
                        }
                        keys.add(withoutSecret(KEYS.get(hash)));
                    }
                }
                return new JsonObject().put("user_id", userId).put("user_info", user).put("keys", keys)
                        .put("teams", new JsonArray()).encode();
            }
            case "/user/new": {
                String userId = body.getString("user_id");
                if (userId == null) {
                    userId = UUID.randomUUID().toString();
                }
                JsonObject user = newUser(userId, body);
                if (USERS.putIfAbsent(userId, user) != null) {
                    status[0] = 400;
                    return error("User with id=" + userId + " already exists.", "bad_request_error", 400);
                }
                // no key made with the user (the service sends auto_create_key false); the simulator's newUserAnswer
                JsonObject answer = user.copy().put("key", null);
                answer.remove("created_at");
                answer.remove("updated_at");
                return answer.encode();
            }
            case "/key/generate": {
                // the row with its secret, as the simulator's generated() answers
                JsonObject row = generateKey(body);
                return row.copy().put("token_id", row.getString("token")).encode();
            }
            case "/key/list": {
                String userId = params.apply("user_id");
                int page = Integer.parseInt(param(params, "page", "1"));
                int size = Integer.parseInt(param(params, "size", "10"));
                boolean full = Boolean.parseBoolean(param(params, "return_full_object", "false"));
                List<String> hashes = new ArrayList<>(KEYS_BY_USER.getOrDefault(userId, new ConcurrentLinkedQueue<>()));
                int from = Math.min((page - 1) * size, hashes.size());
                int to = Math.min(from + size, hashes.size());
                JsonArray keys = new JsonArray();
                for (String hash : hashes.subList(from, to)) {
                    keys.add(full ? withoutSecret(KEYS.get(hash)) : hash);
                }
                int pages = Math.max(1, (hashes.size() + size - 1) / size);
                return new JsonObject().put("keys", keys).put("total_count", hashes.size()).put("current_page", page)
                        .put("total_pages", pages).encode();
            }
            case "/key/info": {
                JsonObject row = KEYS.get(params.apply("key"));
                if (row == null) {
                    status[0] = 404;
                    return error("Key not found in database", "not_found", 404);
                }
                return new JsonObject().put("key", row.getString("token")).put("info", withoutSecret(row)).encode();
            }
            case "/key/delete": {
                JsonArray deleted = new JsonArray();
                for (Object hash : body.getJsonArray("keys", new JsonArray())) {
                    JsonObject row = KEYS.remove(String.valueOf(hash));
                    if (row != null) {
                        KEYS_BY_USER.getOrDefault(row.getString("user_id"), new ConcurrentLinkedQueue<>())
                                .remove(row.getString("token"));
                        deleted.add(hash);
                    }
                }
                return new JsonObject().put("deleted_keys", deleted).encode();
            }
            default:
                status[0] = 404;
                return error("Not Found", "not_found", 404);
        }
    }

    static JsonObject newUser(String userId, JsonObject body) {
        String now = Instant.now().toString();
        return new JsonObject().put("user_id", userId).put("max_budget", body.getValue("max_budget"))
                .put("budget_duration", body.getValue("budget_duration")).put("spend", 0.0)
                .put("models", new JsonArray()).put("user_role", "internal_user")
                .put("created_at", now).put("updated_at", now);
    }

    static void createUser(String userId) {
        USERS.put(userId, newUser(userId, new JsonObject()));
    }

    static JsonObject generateKey(JsonObject body) {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        String secret = "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String hash = sha256(secret);
        String userId = body.getString("user_id");
        String now = Instant.now().toString();
        // the columns of the simulator's key row (LiteLLM_VerificationToken of the current line), in its order
        JsonObject row = new JsonObject().put("token", hash)
                .put("key_name", "sk-..." + secret.substring(secret.length() - 4))
                .put("key_alias", body.getValue("key_alias")).put("spend", 0.0)
                .put("max_budget", body.getValue("max_budget")).put("budget_duration", body.getValue("budget_duration"))
                .put("expires", null).put("models", body.getJsonArray("models", new JsonArray()))
                .put("user_id", userId).put("team_id", null)
                .put("metadata", body.getJsonObject("metadata", new JsonObject()))
                .put("tpm_limit", body.getValue("tpm_limit")).put("rpm_limit", body.getValue("rpm_limit"))
                .put("max_parallel_requests", null).put("blocked", null)
                .put("created_at", now).put("updated_at", now).put("last_active", null)
                .put("key", secret);
        KEYS.put(hash, row);
        if (userId != null) {
            KEYS_BY_USER.computeIfAbsent(userId, id -> new ConcurrentLinkedQueue<>()).add(hash);
        }
        return row;
    }

    static JsonObject withoutSecret(JsonObject row) {
        JsonObject copy = row.copy();
        copy.remove("key");
        return copy;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String error(String message, String type, int code) {
        return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
                .put("param", "None").put("code", String.valueOf(code))).encode();
    }

    static String param(Function<String, String> params, String name, String fallback) {
        String value = params.apply(name);
        return value != null ? value : fallback;
    }

    static void json(HttpServerRequest request, int status, String body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value != null && !value.isBlank() ? value : fallback;
    }
}
