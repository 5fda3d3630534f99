package io.litellm.orchestrator.dev;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An in-memory stand-in for LiteLLM's management API (v1.80): the endpoints our client calls, with LiteLLM's
 * shapes and the rules we depend on (unique key aliases, token = SHA-256 hex of the secret, regeneration changes
 * the hash and kills the old secret, {@code /user/info} of an unknown id as the chosen {@link Line} answers,
 * the "Enterprise feature" 500 on regenerate when configured so, the master key checked on every call).
 * <p>
 * Plain Java with no framework, so unit tests drive it directly; {@link DevLiteLlmRoutes} serves it over HTTP in
 * the dev (and test) build only.
 */
public final class LiteLlmSimulator {

    /** What LiteLLM answers on {@code /key/{key}/regenerate} without an enterprise licence. */
    public static final String ENTERPRISE_MESSAGE = "Regenerating Virtual Keys is an Enterprise feature, "
            + "You must be a LiteLLM Enterprise user to use this feature. If you have a license please set "
            + "`LITELLM_LICENSE` in your env. Get a 7 day trial key here: https://www.litellm.ai/enterprise#trial. "
            + "\nPricing: https://www.litellm.ai/#pricing";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern DURATION = Pattern.compile("^(\\d+)(s|m|h|d|w|mo)$");
    private static final Pattern REGENERATE = Pattern.compile("^/key/([^/]+)/regenerate$");
    /** Other key columns generate and update accept and store unchanged (a subset of LiteLLM's). */
    private static final List<String> STORED_AS_SENT = List.of("team_id", "spend", "aliases", "config",
            "permissions", "model_max_budget", "allowed_routes", "allowed_cache_controls", "budget_id",
            "organization_id", "project_id", "router_settings", "access_group_ids", "object_permission",
            "soft_budget");
    /** Key fields a caller may set on generate, update and regenerate. */
    private static final List<String> KEY_FIELDS = List.of("key_alias", "models", "max_budget", "budget_duration",
            "metadata", "tpm_limit", "rpm_limit", "max_parallel_requests", "blocked", "duration");

    /** An HTTP answer: status, media type, body. */
    public record Reply(int status, String contentType, String body) {

        static Reply json(int status, JsonNode body) {
            return new Reply(status, "application/json", body.toString());
        }
    }

    /** LiteLLM release lines whose management API answers differ in ways the service depends on. */
    public enum Line {
        /**
         * Up to 1.80.x: unknown {@code /user/info} is 200 with a placeholder; {@code /user/new} of an existing id is
         * 200; the audit log takes {@code LiteLLM-Changed-By} from any caller.
         */
        V1_80("1.80.11"),
        /**
         * Newer releases: unknown {@code /user/info} is 404 "User X not found"; {@code /user/new} of an existing id is
         * 409; since 1.84.0 the audit log takes {@code LiteLLM-Changed-By} only from a key (or team) whose metadata has
         * {@code allow_litellm_changed_by_header: true}, never from the master key.
         */
        CURRENT("1.84.0");

        /** What {@code /health/readiness} reports as {@code litellm_version}: a release of the line. */
        public final String version;

        Line(String version) {
            this.version = version;
        }
    }

    /** LiteLLM's {@code litellm_proxy_admin_name} default: the master key's user id in audit rows. */
    public static final String PROXY_ADMIN_NAME = "default_user_id";
    /** The metadata key that lets a key (or its team) name the person in the audit log (audit_logs.py). */
    public static final String CHANGED_BY_OPT_IN = "allow_litellm_changed_by_header";

    /** One row of LiteLLM's audit log ({@code LiteLLM_AuditLogs}): who changed what, and with which credential. */
    public record AuditEntry(String route, String changedBy, String changedByApiKey) {
    }

    /** Who called: the master key or a proxy admin's virtual key (its hash, user and metadata). */
    private record Caller(String apiKeyHash, String userId, JsonNode metadata, JsonNode teamMetadata,
            boolean masterKey) {
    }

    private final String masterKey;
    private volatile boolean enterprise;
    private final Line line;
    private final Map<String, ObjectNode> users = new LinkedHashMap<>();
    /** Key rows by token hash; the secret itself is never stored, as in LiteLLM. */
    private final Map<String, ObjectNode> keys = new LinkedHashMap<>();
    /** LITELLM_KEY_ROTATION_GRACE_PERIOD of the proxy, or null. */
    private final String envGracePeriod;
    private final java.time.Clock clock;
    /** Old token hash to the instant it stops working, after a regeneration with a grace period. */
    private final Map<String, Instant> deprecated = new LinkedHashMap<>();
    /** Team rows by team id. */
    private final Map<String, ObjectNode> teams = new LinkedHashMap<>();
    /**
     * This replica's in-memory key cache ({@code user_api_key_cache}): a copy of a key's row by token hash, filled by
     * virtual-key auth on a miss and served without reading {@link #keys} while fresh; see {@link #CACHE_TTL}.
     */
    private final Map<String, Cached> keyCache = new LinkedHashMap<>();

    /**
     * How long a cached key row lives: LiteLLM's {@code general_settings.user_api_key_cache_ttl}, default
     * {@code UserAPIKeyCacheTTLEnum.in_memory_cache_ttl} = 60 s (auth_checks.py {@code _cache_key_object}).
     */
    public static final Duration CACHE_TTL = Duration.ofSeconds(60);

    /** A cached row and when it stops being served. */
    private record Cached(ObjectNode row, Instant until) {
    }
    /** LiteLLM's audit log, oldest first. */
    private final List<AuditEntry> audit = new ArrayList<>();

    /**
     * @param masterKey the bearer token every management call must carry
     * @param enterprise whether {@code /key/{key}/regenerate} works (false: the open-source 500 answer)
     */
    public LiteLlmSimulator(String masterKey, boolean enterprise) {
        this(masterKey, enterprise, Line.CURRENT);
    }

    /**
     * @param line which release line's answers to give where they differ
     */
    public LiteLlmSimulator(String masterKey, boolean enterprise, Line line) {
        this(masterKey, enterprise, line, null, java.time.Clock.systemUTC());
    }

    /**
     * @param envGracePeriod the proxy's {@code LITELLM_KEY_ROTATION_GRACE_PERIOD} (null: unset), used by regenerate
     *        when the request names no {@code grace_period}, exactly as LiteLLM does
     * @param clock the time that expiry is judged by
     */
    public LiteLlmSimulator(String masterKey, boolean enterprise, String envGracePeriod, java.time.Clock clock) {
        this(masterKey, enterprise, Line.CURRENT, envGracePeriod, clock);
    }

    public LiteLlmSimulator(String masterKey, boolean enterprise, Line line, String envGracePeriod,
            java.time.Clock clock) {
        this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
        this.enterprise = enterprise;
        this.line = Objects.requireNonNull(line, "line");
        this.envGracePeriod = envGracePeriod;
        this.clock = clock;
    }

    /**
     * Answers one request.
     *
     * @param path the path below LiteLLM's base URL, e.g. {@code /key/list}
     * @param query decoded query parameters
     * @param authorization the {@code Authorization} header, or null
     * @param body the request body, or null/blank
     */
    public synchronized Reply handle(String method, String path, Map<String, String> query, String authorization,
            String body) {
        return handle(method, path, query, authorization, null, body);
    }

    /**
     * Answers one request that may carry {@code LiteLLM-Changed-By} ({@code changedBy}, or null): what the audit log
     * records as the person depends on the line and on the caller (see {@link #auditLog()}).
     */
    public synchronized Reply handle(String method, String path, Map<String, String> query, String authorization,
            String changedBy, String body) {
        if ("/health/liveliness".equals(path)) {
            return "GET".equals(method) ? new Reply(200, "application/json", "\"I'm alive!\"") : methodNotAllowed();
        }
        if ("/health/readiness".equals(path)) {
            return "GET".equals(method) ? Reply.json(200, JSON.createObjectNode().put("status", "healthy")
                    .put("db", "connected").put("litellm_version", line.version)) : methodNotAllowed();
        }
        if ("/v1/models".equals(path) || "/models".equals(path)) {
            return "GET".equals(method) ? models(authorization) : methodNotAllowed();
        }
        Route route = route(method, path);
        if (route == null) {
            return Reply.json(404, JSON.createObjectNode().put("detail", "Not Found"));
        }
        if (!route.method().equals(method)) {
            return methodNotAllowed();
        }
        Caller caller;
        try {
            caller = authenticate(authorization);
        } catch (Rejection rejection) {
            return error(rejection.status, rejection.getMessage(), rejection.type, rejection.param);
        }
        ObjectNode request;
        try {
            request = body == null || body.isBlank() ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(body);
        } catch (JsonProcessingException | ClassCastException e) {
            return error(400, "Invalid JSON body", "bad_request_error", "body");
        }
        try {
            Reply reply = "/key/info".equals(path) && query.get("key") == null ? ownKeyInfo(caller)
                    : route.handler().apply(query, request);
            if ("POST".equals(method) && reply.status() < 300) {
                audit.add(new AuditEntry(path, changedBy(changedBy, caller), caller.apiKeyHash()));
            }
            return reply;
        } catch (Rejection rejection) {
            return error(rejection.status, rejection.getMessage(), rejection.type, rejection.param);
        }
    }

    /**
     * LiteLLM's user_api_key_auth for the management routes: the master key, or a virtual key whose row exists, is not
     * blocked, and whose user is a proxy admin. An unknown {@code sk-} value is looked up as a virtual key, so it is
     * refused with get_key_object's 401 naming its hash.
     */
    private Caller authenticate(String authorization) {
        String secret = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()) : null;
        if (secret == null || secret.isBlank()) {
            throw new Rejection(401, "Authentication Error, No api key passed in.", "auth_error", "None");
        }
        if (secret.equals(masterKey)) {
            return new Caller(hash(secret), PROXY_ADMIN_NAME, null, null, true);
        }
        if (!secret.startsWith("sk-")) {
            throw new Rejection(401, "Authentication Error, Invalid proxy server token passed.", "auth_error", "None");
        }
        String hash = hash(secret);
        // judged through this replica's key cache, as LiteLLM's auth does for every route
        ObjectNode row = authRow(hash);
        if (row == null) {
            throw keyNotFoundInDb(hash);
        }
        if (row.path("blocked").asBoolean(false)) {
            throw new Rejection(401, "Authentication Error, Key is blocked. Update via `/key/unblock` if you're admin.",
                    "auth_error", "None");
        }
        String userId = row.path("user_id").asText(null);
        ObjectNode user = userId == null ? null : users.get(userId);
        if (user == null || !"proxy_admin".equals(user.path("user_role").asText(null))) {
            throw new Rejection(401, "Authentication Error, Only proxy admin can be used to generate, delete, update "
                    + "info for new keys/users/teams. Your role=" + (user == null ? null : user.path("user_role").asText(null)),
                    "auth_error", "None");
        }
        String teamId = row.path("team_id").asText(null);
        ObjectNode team = teamId == null ? null : teams.get(teamId);
        return new Caller(hash, userId, row.get("metadata"), team == null ? null : team.get("metadata"), false);
    }

    /**
     * Who the audit log names (audit_logs.get_audit_log_changed_by): the header when the line honours it for this
     * caller, else the caller's user id (the master key's is {@value #PROXY_ADMIN_NAME}).
     */
    private String changedBy(String header, Caller caller) {
        boolean honoured = line == Line.V1_80 || optedIn(caller.metadata()) || optedIn(caller.teamMetadata());
        return header != null && !header.isEmpty() && honoured ? header : caller.userId();
    }

    private static boolean optedIn(JsonNode metadata) {
        // "is True": a JSON true and nothing else; the master key has no metadata at all
        return metadata != null && metadata.path(CHANGED_BY_OPT_IN).isBoolean()
                && metadata.get(CHANGED_BY_OPT_IN).asBoolean();
    }

    /** {@code /key/info} without {@code key}: info_key_fn looks up the caller's own credential. */
    private Reply ownKeyInfo(Caller caller) {
        if (caller.masterKey()) {
            throw new Rejection(404, "Key not found in database", "not_found", "key");
        }
        return keyInfo(caller.apiKeyHash());
    }

    /** auth_checks.get_key_object for a hash with no row. */
    private static Rejection keyNotFoundInDb(String hash) {
        return new Rejection(401, "Authentication Error, Invalid proxy server token passed. key=" + hash
                + ", not found in db. Create key via `/key/generate` call.", "token_not_found_in_db", "key");
    }

    private record Route(String method, Handler handler) {
    }

    @FunctionalInterface
    private interface Handler {
        Reply apply(Map<String, String> query, ObjectNode body);
    }

    private Route route(String method, String path) {
        Matcher regenerate = REGENERATE.matcher(path);
        if (regenerate.matches()) {
            String key = regenerate.group(1);
            return new Route("POST", (query, body) -> regenerateKey(key, body));
        }
        return switch (path) {
            case "/user/new" -> new Route("POST", (query, body) -> newUser(body));
            case "/user/info" -> new Route("GET", (query, body) -> userInfo(query.get("user_id")));
            case "/user/update" -> new Route("POST", (query, body) -> updateUser(body));
            case "/user/delete" -> new Route("POST", (query, body) -> deleteUsers(body));
            case "/key/generate" -> new Route("POST", (query, body) -> generateKey(body));
            case "/key/info" -> new Route("GET", (query, body) -> keyInfo(query.get("key")));
            case "/key/list" -> new Route("GET", this::listKeys);
            case "/key/update" -> new Route("POST", (query, body) -> updateKey(body));
            case "/key/delete" -> new Route("POST", (query, body) -> deleteKeys(body));
            case "/key/block" -> new Route("POST", (query, body) -> setBlocked(body, true));
            case "/key/unblock" -> new Route("POST", (query, body) -> setBlocked(body, false));
            case "/team/new" -> new Route("POST", (query, body) -> newTeam(body));
            case "/team/info" -> new Route("GET", (query, body) -> teamInfo(query.get("team_id")));
            case "/team/update" -> new Route("POST", (query, body) -> updateTeam(body));
            default -> null;
        };
    }

    // --- users ------------------------------------------------------------------------------------------

    private Reply newUser(ObjectNode body) {
        String userId = text(body, "user_id");
        if (userId == null) {
            userId = UUID.randomUUID().toString();
        }
        if (users.containsKey(userId)) {
            if (line == Line.V1_80) {
                // 1.80.x inserts with an upsert that leaves an existing row alone, and answers 200
                return Reply.json(200, newUserAnswer(users.get(userId)));
            }
            throw new Rejection(409, "{'error': 'User with id " + userId + " already exists'}",
                    "internal_server_error", "None");
        }
        checkDuration(body, "budget_duration");
        ObjectNode user = JSON.createObjectNode();
        user.put("user_id", userId);
        user.set("max_budget", body.path("max_budget").isNumber() ? body.get("max_budget") : null);
        user.set("budget_duration", body.path("budget_duration").isTextual() ? body.get("budget_duration") : null);
        user.put("spend", 0.0);
        user.set("models", body.path("models").isArray() ? body.get("models") : JSON.createArrayNode());
        user.put("user_role", body.path("user_role").asText("internal_user"));
        user.put("created_at", Instant.now().toString());
        user.put("updated_at", Instant.now().toString());
        users.put(userId, user);

        ObjectNode answer = newUserAnswer(user);
        // LiteLLM creates a first key with the user unless told not to; only then does the answer carry a created_at
        // (the key's): without a key it returns the fields it was given
        if (!body.path("auto_create_key").isBoolean() || body.get("auto_create_key").asBoolean()) {
            ObjectNode generated = createKey(JSON.createObjectNode().put("user_id", userId));
            answer.set("key", generated.get("key"));
            answer.set("created_at", generated.get("created_at"));
        }
        return Reply.json(200, answer);
    }

    private static ObjectNode newUserAnswer(ObjectNode user) {
        ObjectNode answer = user.deepCopy();
        answer.remove(List.of("created_at", "updated_at"));
        answer.putNull("key");
        return answer;
    }

    private Reply userInfo(String userId) {
        ObjectNode user = userId == null ? null : users.get(userId);
        if (user == null && line == Line.CURRENT) {
            throw new Rejection(404, "User " + userId + " not found", "internal_server_error", "None");
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("user_id", userId);
        ArrayNode rows = JSON.createArrayNode();
        double spend = 0;
        for (ObjectNode row : keys.values()) {
            if (userId != null && userId.equals(row.path("user_id").asText(null))) {
                rows.add(row.deepCopy());
                spend += row.path("spend").asDouble(0);
            }
        }
        // 1.80.x: an unknown id gets a placeholder holding only the spend of keys that name it
        answer.set("user_info", user != null ? user.deepCopy() : JSON.createObjectNode().put("spend", spend));
        answer.set("keys", rows);
        answer.putArray("teams");
        return Reply.json(200, answer);
    }

    private Reply updateUser(ObjectNode body) {
        String userId = text(body, "user_id");
        if (userId == null) {
            throw new Rejection(400, "Either user_id or user_email must be provided", "bad_request_error", "None");
        }
        checkDuration(body, "budget_duration");
        checkNonNegative(body, "max_budget");
        checkNonNegative(body, "spend");
        // LiteLLM upserts: PrismaClient.update_data (proxy/utils.py) writes the user row with an upsert, so an unknown
        // id is created, not refused (which is why UserService.updateUser looks the user up first)
        ObjectNode user = users.computeIfAbsent(userId, id -> {
            ObjectNode created = JSON.createObjectNode().put("user_id", id);
            created.putNull("max_budget");
            created.putNull("budget_duration");
            created.put("spend", 0.0);
            created.set("models", JSON.createArrayNode());
            created.put("created_at", Instant.now().toString());
            return created;
        });
        for (String field : List.of("max_budget", "budget_duration", "spend", "models", "user_role")) {
            if (body.has(field)) {
                user.set(field, body.get(field));
            }
        }
        // internal_user_endpoints.py: _update_internal_user_params drops an empty {} and prepare_metadata_fields
        // stores the metadata sent as the whole new object (no merge with the old one), as /key/update does
        if (body.path("metadata").isObject() && !body.get("metadata").isEmpty()) {
            user.set("metadata", body.get("metadata").deepCopy());
        }
        user.put("updated_at", Instant.now().toString());
        return Reply.json(200, JSON.createObjectNode().put("user_id", userId).set("data", user.deepCopy()));
    }

    // --- keys -------------------------------------------------------------------------------------------

    private Reply generateKey(ObjectNode body) {
        return Reply.json(200, createKey(body));
    }

    private ObjectNode createKey(ObjectNode body) {
        checkKeyFields(body, null);
        String secret = text(body, "key") != null ? text(body, "key") : newSecret();
        if (!secret.startsWith("sk-")) {
            throw new Rejection(400, "Invalid key format. LiteLLM Virtual Key must start with 'sk-'.",
                    "bad_request_error", "key");
        }
        String hash = hash(secret);
        if (keys.containsKey(hash)) {
            // LiteLLM inserts keys with upsert(create=..., update={}): the existing row stays as it was, and the
            // answer echoes the request as if it had been stored
            ObjectNode echo = body.deepCopy();
            echo.put("token", hash);
            return generated(secret, echo);
        }
        ObjectNode row = JSON.createObjectNode();
        row.put("token", hash);
        row.put("key_name", abbreviate(secret));
        row.putNull("key_alias");
        row.put("spend", 0.0);
        row.putNull("max_budget");
        row.putNull("budget_duration");
        row.putNull("expires");
        row.set("models", JSON.createArrayNode());
        row.set("user_id", body.path("user_id").isTextual() ? body.get("user_id") : null);
        row.set("team_id", body.path("team_id").isTextual() ? body.get("team_id") : null);
        row.set("metadata", JSON.createObjectNode());
        row.putNull("tpm_limit");
        row.putNull("rpm_limit");
        row.putNull("max_parallel_requests");
        row.putNull("blocked");
        row.put("created_at", Instant.now().toString());
        row.put("updated_at", Instant.now().toString());
        if (line == Line.CURRENT) {
            // LiteLLM_VerificationToken.last_active of newer schema.prisma ("when this key was last used"); our
            // model of the 1.80.x row leaves it out, so the service must not depend on it
            row.putNull("last_active");
        }
        applyKeyFields(row, body);
        keys.put(hash, row);
        return generated(secret, row);
    }

    private Reply keyInfo(String key) {
        ObjectNode info = findKey(key).deepCopy();
        // LiteLLM removes the hash from the row it answers
        info.remove("token");
        return Reply.json(200, JSON.createObjectNode().put("key", key).set("info", info));
    }

    private Reply listKeys(Map<String, String> query, ObjectNode ignored) {
        int page = intParam(query, "page", 1);
        int size = intParam(query, "size", 10);
        // list_keys: page: int = Query(1, ge=1), size: int = Query(10, ge=1, le=100); FastAPI refuses others with 422
        if (page < 1) {
            return queryRefused("page", "greater_than_equal", "Input should be greater than or equal to 1", page);
        }
        if (size < 1 || size > 100) {
            return size < 1 ? queryRefused("size", "greater_than_equal", "Input should be greater than or equal to 1", size)
                    : queryRefused("size", "less_than_equal", "Input should be less than or equal to 100", size);
        }
        String userId = query.get("user_id");
        String teamId = query.get("team_id");
        String alias = query.get("key_alias");
        boolean full = Boolean.parseBoolean(query.getOrDefault("return_full_object", "false"));
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode row : keys.values()) {
            if ((userId == null || userId.equals(row.path("user_id").asText(null)))
                    && (teamId == null || teamId.equals(row.path("team_id").asText(null)))
                    && (alias == null || alias.equals(row.path("key_alias").asText(null)))) {
                matching.add(row);
            }
        }
        int totalPages = (matching.size() + size - 1) / size;
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode listed = answer.putArray("keys");
        matching.stream().skip((long) (page - 1) * size).limit(size)
                .forEach(row -> {
                    if (full) {
                        listed.add(row.deepCopy());
                    } else {
                        listed.add(row.get("token").asText());
                    }
                });
        answer.put("total_count", matching.size());
        answer.put("current_page", page);
        answer.put("total_pages", totalPages);
        return Reply.json(200, answer);
    }

    private Reply updateKey(ObjectNode body) {
        String key = text(body, "key");
        if (key != null && !keys.containsKey(key.startsWith("sk-") ? hash(key) : key)) {
            // PrismaClient.get_data's answer for an unknown hash, passed on by /key/update
            throw new Rejection(401, "Authentication Error: invalid user key - user key does not exist in db. User Key="
                    + key, "auth_error", "None");
        }
        ObjectNode row = findKey(key);
        // newer lines' prepare_key_update_data: duration "-1" means the key never expires (expires = None)
        boolean neverExpires = "-1".equals(text(body, "duration"));
        ObjectNode fields = body;
        if (neverExpires) {
            fields = body.deepCopy();
            fields.remove("duration");
        }
        checkKeyFields(fields, row.get("token").asText());
        applyKeyFields(row, fields);
        if (neverExpires) {
            row.putNull("expires");
        }
        row.put("updated_at", Instant.now().toString());
        // update_key_fn: _delete_cache_key_object(hash_token(key)), the key as given (a hash evicts nothing)
        evict(hashToken(key));
        // LiteLLM answers what it wrote: the fields sent, the whole metadata, and the key as given
        ObjectNode answer = JSON.createObjectNode().put("key", key);
        for (String field : KEY_FIELDS) {
            if (body.has(field) && !field.equals("duration")) {
                answer.set(field, row.get(field));
            }
        }
        if (body.has("duration")) {
            answer.set("expires", row.get("expires"));
        }
        answer.set("metadata", row.get("metadata"));
        answer.put("token", key);
        return Reply.json(200, answer);
    }

    /** {@code /key/block} and {@code /key/unblock}: the key's hash or secret; answers the whole stored row. */
    private Reply setBlocked(ObjectNode body, boolean blocked) {
        String key = text(body, "key");
        if (key == null || !(key.matches("sk-[A-Za-z0-9_\\-]+") || key.matches("[a-fA-F0-9]{64}"))) {
            throw new Rejection(400, "Invalid key format.", "bad_request_error", "key");
        }
        String hash = key.startsWith("sk-") ? hash(key) : key;
        ObjectNode row = keys.get(hash);
        if (row == null) {
            // block_key/unblock_key (without audit logs enabled): the update's result is not checked, then
            // get_key_object finds no row and raises its 401 naming the key
            throw keyNotFoundInDb(hash);
        }
        row.put("blocked", blocked);
        row.put("updated_at", Instant.now().toString());
        // block_key/unblock_key: get_key_object (the cached copy if any, else the row) gets the flag and is cached
        // again under the real hash with a fresh TTL; its other fields stay as cached
        ObjectNode cached = cachedRow(hash);
        ObjectNode rewritten = cached != null ? cached : row.deepCopy();
        rewritten.put("blocked", blocked);
        keyCache.put(hash, new Cached(rewritten, clock.instant().plus(CACHE_TTL)));
        return Reply.json(200, row.deepCopy());
    }

    /** Like LiteLLM: the users' keys go with them; an unknown id is a 404 and nothing is deleted. */
    private Reply deleteUsers(ObjectNode body) {
        List<String> ids = new ArrayList<>();
        for (JsonNode id : body.path("user_ids")) {
            if (!users.containsKey(id.asText())) {
                // internal_user_endpoints.py delete_user: HTTPException(404, {"error": "User not found, passed …"})
                throw new Rejection(404, "User not found, passed user_id=" + id.asText(), "not_found", "user_ids");
            }
            ids.add(id.asText());
        }
        if (ids.isEmpty()) {
            throw new Rejection(400, "user_ids must be provided", "bad_request_error", "user_ids");
        }
        keys.values().removeIf(row -> ids.contains(row.path("user_id").asText(null)));
        ids.forEach(users::remove);
        ObjectNode answer = JSON.createObjectNode();
        ids.forEach(answer.putArray("deleted_users")::add);
        return Reply.json(200, answer);
    }

    private Reply deleteKeys(ObjectNode body) {
        List<String> hashes = new ArrayList<>();
        for (JsonNode key : body.path("keys")) {
            hashes.add(findKey(key.asText()).get("token").asText());
        }
        for (JsonNode alias : body.path("key_aliases")) {
            String hash = keys.values().stream().filter(row -> alias.asText().equals(row.path("key_alias").asText(null)))
                    .map(row -> row.get("token").asText()).findFirst()
                    .orElseThrow(() -> new Rejection(404, "Key not found in database", "not_found", "key_aliases"));
            hashes.add(hash);
        }
        if (hashes.isEmpty()) {
            throw new Rejection(400, "Either keys or key_aliases must be provided", "bad_request_error", "keys");
        }
        hashes.forEach(keys::remove);
        // delete_verification_tokens: evicts each hash and sha256 of it, so the real entry goes
        hashes.forEach(hash -> {
            evict(hash);
            evict(hashToken(hash));
        });
        ObjectNode answer = JSON.createObjectNode();
        hashes.forEach(answer.putArray("deleted_keys")::add);
        return Reply.json(200, answer);
    }

    private Reply regenerateKey(String key, ObjectNode body) {
        if (!enterprise) {
            throw new Rejection(500, ENTERPRISE_MESSAGE, "internal_server_error", "None");
        }
        ObjectNode row = findKey(key);
        String oldHash = row.get("token").asText();
        checkKeyFields(body, oldHash);
        String secret = newSecret();
        String hash = hash(secret);
        applyKeyFields(row, body);
        row.put("token", hash);
        row.put("key_name", abbreviate(secret));
        row.put("updated_at", Instant.now().toString());
        // the old hash, and with it the old secret, stop existing, unless a grace period keeps the old secret
        // working: LiteLLM takes grace_period, falls back to its env variable when that is absent or empty, and
        // revokes at once when the duration is 0
        keys.remove(oldHash);
        keys.put(hash, row);
        String grace = text(body, "grace_period");
        if (grace == null || grace.isEmpty()) {
            grace = envGracePeriod;
        }
        if (grace != null && !grace.isEmpty() && DURATION.matcher(grace).matches()
                && !parseDuration(grace).isZero()) {
            deprecated.put(oldHash, after(grace, clock.instant()));
        }
        // _execute_virtual_key_regeneration: _delete_cache_key_object(hash_token(key)) with the key as given, so a
        // hash as argument evicts sha256(hash) and the old row stays cached under its real hash
        evict(hashToken(key));
        return Reply.json(200, generated(secret, row));
    }

    // --- rules ------------------------------------------------------------------------------------------

    private ObjectNode findKey(String key) {
        if (key == null || key.isBlank()) {
            throw new Rejection(400, "key is required", "bad_request_error", "key");
        }
        // LiteLLM accepts the secret or its hash wherever a key is named
        String hash = key.startsWith("sk-") ? hash(key) : key;
        ObjectNode row = keys.get(hash);
        if (row == null) {
            throw new Rejection(404, "Key not found in database", "not_found", "key");
        }
        return row;
    }

    private void checkKeyFields(ObjectNode body, String ownHash) {
        String alias = text(body, "key_alias");
        if (alias != null) {
            boolean taken = keys.values().stream().anyMatch(row -> alias.equals(row.path("key_alias").asText(null))
                    && !row.get("token").asText().equals(ownHash));
            if (taken) {
                // key_management_endpoints.py _enforce_unique_key_alias (also on /key/update, own key excluded)
                throw new Rejection(400, "Key with alias '" + alias + "' already exists. Unique key aliases across "
                        + "all keys are required.", "bad_request_error", "key_alias");
            }
        }
        checkDuration(body, "duration");
        checkDuration(body, "budget_duration");
        checkNonNegative(body, "max_budget");
    }

    private void applyKeyFields(ObjectNode row, ObjectNode body) {
        for (String field : KEY_FIELDS) {
            if (!body.has(field) || field.equals("duration")) {
                continue;
            }
            row.set(field, body.get(field));
        }
        // the other columns of LiteLLM_VerificationToken that generate and update accept are stored as sent
        for (String field : STORED_AS_SENT) {
            if (body.has(field)) {
                row.set(field, body.get(field));
            }
        }
        String duration = text(body, "duration");
        if (duration != null) {
            // LiteLLM: expires = now + duration, on generate and on update alike
            row.put("expires", after(duration, clock.instant()).toString());
        }
    }

    /**
     * An LLM route ({@code GET /v1/models}) called with a virtual key, judged as LiteLLM's auth does
     * (user_api_key_auth, auth_checks.get_key_object): the row comes from this replica's cache when fresh, else from
     * the database (and is then cached); unknown, blocked and expired keys are refused; a regenerated key's old secret
     * works only within its grace period.
     */
    private Reply models(String authorization) {
        String secret = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()) : null;
        if (secret == null || secret.equals(masterKey)) {
            return error(401, "Authentication Error, No api key passed in.", "auth_error", "None");
        }
        String hash = hash(secret);
        Instant now = clock.instant();
        ObjectNode row = authRow(hash);
        if (row == null) {
            Instant revokeAt = deprecated.get(hash);
            if (revokeAt == null || !now.isBefore(revokeAt)) {
                return error(401, "Authentication Error, Invalid proxy server token passed. Received API Key = "
                        + abbreviate(secret), "auth_error", "None");
            }
        } else {
            if (row.path("blocked").asBoolean(false)) {
                return error(401, "Authentication Error, Key is blocked. Update via `/key/unblock` if you're admin.",
                        "auth_error", "None");
            }
            String expires = text(row, "expires");
            if (expires != null && !Instant.parse(expires).isAfter(now)) {
                return error(400, "Authentication Error - Expired Key. Key Expiry time " + expires
                        + " and current time " + now, "expired_key", abbreviate(secret));
            }
        }
        // the use is recorded on the key's database row (auth judged a cached copy)
        ObjectNode stored = keys.get(hash);
        if (stored != null && stored.has("last_active")) {
            stored.put("last_active", now.toString());
        }
        ObjectNode answer = JSON.createObjectNode().put("object", "list");
        answer.putArray("data").addObject().put("id", "gpt-4o-mini").put("object", "model");
        return Reply.json(200, answer);
    }

    /**
     * The row auth judges a key by (get_key_object): this replica's cached copy while fresh, else the database row,
     * which is then cached; null for an unknown key.
     */
    private ObjectNode authRow(String hash) {
        ObjectNode row = cachedRow(hash);
        if (row == null && keys.containsKey(hash)) {
            row = keys.get(hash).deepCopy();
            keyCache.put(hash, new Cached(row, clock.instant().plus(CACHE_TTL)));
        }
        return row;
    }

    /** The cached row of a hash while fresh (a copy), else null; a stale entry is dropped. */
    private ObjectNode cachedRow(String hash) {
        Cached cached = keyCache.get(hash);
        if (cached == null) {
            return null;
        }
        if (!clock.instant().isBefore(cached.until())) {
            keyCache.remove(hash);
            return null;
        }
        return cached.row().deepCopy();
    }

    private void evict(String cacheKey) {
        keyCache.remove(cacheKey);
    }

    /** LiteLLM's {@code hash_token}: sha256 of whatever it is given, secret or hash alike. */
    private static String hashToken(String value) {
        return hash(value);
    }

    /** Whether this replica holds a fresh cached row for a key hash (for tests). */
    public synchronized boolean cached(String keyHash) {
        return cachedRow(keyHash) != null;
    }

    private static ObjectNode generated(String secret, ObjectNode row) {
        ObjectNode answer = row.deepCopy();
        answer.put("key", secret);
        answer.put("token_id", row.get("token").asText());
        return answer;
    }

    private static void checkDuration(ObjectNode body, String field) {
        String value = text(body, field);
        if (value != null && !DURATION.matcher(value).matches()) {
            throw new Rejection(400, "Invalid " + field + " " + value + ": use e.g. 30s, 30m, 30h, 30d, 1mo",
                    "bad_request_error", field);
        }
    }

    private static void checkNonNegative(ObjectNode body, String field) {
        if (body.path(field).isNumber() && body.get(field).asDouble() < 0) {
            throw new Rejection(400, field + " must be >= 0", "bad_request_error", field);
        }
    }

    /**
     * {@code now + duration_in_seconds(value)} (litellm_core_utils/duration_parser.py): fixed lengths for s, m, h, d,
     * w; for {@code Nmo} the same day and time N calendar months on, the day cut to that month's last, in whole
     * seconds. LiteLLM counts months on its local clock; the simulator's is UTC.
     */
    static Instant after(String value, Instant now) {
        Matcher matcher = DURATION.matcher(value);
        if (matcher.matches() && matcher.group(2).equals("mo")) {
            java.time.LocalDateTime from = java.time.LocalDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
            int months = Integer.parseInt(matcher.group(1));
            int targetMonth0 = from.getMonthValue() - 1 + months;
            java.time.YearMonth target = java.time.YearMonth.of(from.getYear() + targetMonth0 / 12, targetMonth0 % 12 + 1);
            int day = Math.min(from.getDayOfMonth(), target.lengthOfMonth());
            java.time.LocalDateTime to = target.atDay(day).atTime(from.toLocalTime());
            return now.plusSeconds(Duration.between(from, to).toSeconds());
        }
        return now.plus(parseDuration(value));
    }

    static Duration parseDuration(String value) {
        Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(value);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            case "w" -> Duration.ofDays(7 * amount);
            default -> Duration.ofDays(30 * amount);
        };
    }

    /** LiteLLM stores {@code sha256(secret)} as hex and calls it the token. */
    public static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String newSecret() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String abbreviate(String secret) {
        return "sk-..." + secret.substring(secret.length() - 4);
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static int intParam(Map<String, String> query, String name, int fallback) {
        String value = query.get(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new Rejection(422, name + " must be an integer", "bad_request_error", name);
        }
    }

    /** FastAPI's answer to a query parameter outside its declared bounds. */
    private static Reply queryRefused(String name, String type, String message, int value) {
        ObjectNode detail = JSON.createObjectNode();
        detail.putArray("detail").addObject().put("type", type).put("msg", message).put("input", String.valueOf(value))
                .putArray("loc").add("query").add(name);
        return Reply.json(422, detail);
    }

    private static Reply methodNotAllowed() {
        return Reply.json(405, JSON.createObjectNode().put("detail", "Method Not Allowed"));
    }

    /** LiteLLM's error body. */
    private static Reply error(int status, String message, String type, String param) {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", type).put("param", param)
                .put("code", String.valueOf(status));
        return Reply.json(status, error);
    }

    /** A rule said no; becomes LiteLLM's error body. */
    private static final class Rejection extends RuntimeException {
        final int status;
        final String type;
        final String param;

        Rejection(int status, String message, String type, String param) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
            this.param = param;
        }
    }

    /** Drops every user and key (tests start from a clean slate). */
    public synchronized void reset() {
        users.clear();
        keys.clear();
        deprecated.clear();
        keyCache.clear();
        audit.clear();
    }

    /**
     * LiteLLM's audit log: one entry per successful management write, naming the person as the line does. (LiteLLM
     * writes it only with {@code store_audit_logs}; the simulator always keeps it.)
     */
    public synchronized List<AuditEntry> auditLog() {
        return List.copyOf(audit);
    }

    /** Gives the simulated proxy an Enterprise licence, or takes it away (as restarting LiteLLM with one would). */
    public synchronized void licensed(boolean enterprise) {
        this.enterprise = enterprise;
    }

    /** How many keys exist, for tests and the startup log. */
    public synchronized int keyCount() {
        return keys.size();
    }
    // --- teams ------------------------------------------------------------------------------------------

    private Reply newTeam(ObjectNode body) {
        String teamId = text(body, "team_id");
        if (teamId == null) {
            teamId = UUID.randomUUID().toString();
        }
        if (teams.containsKey(teamId)) {
            // LiteLLM: HTTPException(400, {"error": "Team id = … already exists. Please use a different team id."})
            throw new Rejection(400, "{'error': 'Team id = " + teamId
                    + " already exists. Please use a different team id.'}", "bad_request_error", "None");
        }
        checkDuration(body, "budget_duration");
        checkNonNegative(body, "max_budget");
        ObjectNode team = JSON.createObjectNode();
        team.set("team_alias", body.path("team_alias").isTextual() ? body.get("team_alias") : null);
        team.put("team_id", teamId);
        team.putNull("organization_id");
        team.putArray("admins");
        team.putArray("members");
        // the master key's caller becomes the team's admin member, as in LiteLLM
        team.putArray("members_with_roles").addObject().put("user_id", "default_user_id").putNull("user_email")
                .put("role", "admin");
        team.set("metadata", body.path("metadata").isObject() ? body.get("metadata") : JSON.createObjectNode());
        team.putNull("tpm_limit");
        team.putNull("rpm_limit");
        team.set("max_budget", body.path("max_budget").isNumber() ? body.get("max_budget") : null);
        team.set("budget_duration", body.path("budget_duration").isTextual() ? body.get("budget_duration") : null);
        team.set("models", body.path("models").isArray() ? body.get("models") : JSON.createArrayNode());
        team.put("blocked", false);
        team.put("spend", 0.0);
        team.putNull("max_parallel_requests");
        team.put("created_at", Instant.now().toString());
        team.put("updated_at", Instant.now().toString());
        teams.put(teamId, team);
        return Reply.json(200, team.deepCopy());
    }

    private Reply teamInfo(String teamId) {
        ObjectNode team = teamId == null ? null : teams.get(teamId);
        if (team == null) {
            // LiteLLM answers an unknown team with 404 (unlike an unknown user), its detail wrapped as a string
            throw new Rejection(404, "{'message': 'Team not found, passed team id: " + teamId + ".'}", "auth_error",
                    "None");
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("team_id", teamId);
        answer.set("team_info", team.deepCopy());
        ArrayNode rows = answer.putArray("keys");
        keys.values().stream().filter(row -> teamId.equals(row.path("team_id").asText(null)))
                .forEach(row -> rows.add(row.deepCopy()));
        answer.putArray("team_memberships");
        return Reply.json(200, answer);
    }

    private Reply updateTeam(ObjectNode body) {
        String teamId = text(body, "team_id");
        if (teamId == null) {
            throw new Rejection(400, "{'error': 'No team id passed in'}", "bad_request_error", "None");
        }
        ObjectNode team = teams.get(teamId);
        if (team == null) {
            throw new Rejection(404, "{'error': 'Team not found, passed team_id=" + teamId + "'}", "not_found",
                    "None");
        }
        checkDuration(body, "budget_duration");
        checkNonNegative(body, "max_budget");
        for (String field : List.of("team_alias", "max_budget", "budget_duration", "models", "metadata", "blocked",
                "tpm_limit", "rpm_limit")) {
            if (body.has(field)) {
                team.set(field, body.get(field));
            }
        }
        team.put("updated_at", Instant.now().toString());
        return Reply.json(200, JSON.createObjectNode().put("team_id", teamId).set("data", team.deepCopy()));
    }
}
