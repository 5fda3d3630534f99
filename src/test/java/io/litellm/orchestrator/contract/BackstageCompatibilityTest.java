package io.litellm.orchestrator.contract;

import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.userCreated;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Our contract must serve the Backstage plugin's frontend unchanged: every operation of the plugin's
 * {@code openapi.yaml} (test resource, copied from the plugin, Apache-2.0) exists in {@code openapi/openapi.yaml}
 * with the same path, method, operationId and statuses, and each response schema has at least the plugin's
 * properties with the same types. Additions (routes, properties, statuses) are allowed.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class BackstageCompatibilityTest extends ApiTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String JSON = "application/json";

    private static JsonNode backstage;
    private static JsonNode ours;

    @BeforeAll
    static void load() throws IOException {
        backstage = backstageContract();
        ours = YAML.readTree(Path.of("openapi", "openapi.yaml").toFile());
    }

    static Stream<Arguments> backstageOperations() throws IOException {
        List<Arguments> operations = new ArrayList<>();
        backstageContract().path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> operations.add(Arguments.of(method.toUpperCase(), path.getKey()))));
        return operations.stream();
    }

    @Test
    void theReferenceHasTheFiveBackstageOperations() throws IOException {
        // guards the parameterized test below against an empty or unreadable reference
        assertEquals(5, backstageOperations().count());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backstageOperations")
    void operationExistsWithTheSameStatusesAndSchemas(String method, String path) {
        String where = method + " " + path;
        JsonNode theirs = backstage.path("paths").path(path).path(method.toLowerCase());
        JsonNode mine = ours.path("paths").path(path).path(method.toLowerCase());
        assertFalse(mine.isMissingNode(), "our contract has no " + where);
        assertEquals(theirs.path("operationId").asText(), mine.path("operationId").asText(), where + " operationId");
        assertTrue(names(mine.path("parameters")).containsAll(names(theirs.path("parameters"))),
                where + " path parameters: ours " + names(mine.path("parameters")) + ", Backstage's "
                        + names(theirs.path("parameters")));
        assertEquals(successStatuses(theirs), successStatuses(mine), where + " success status");
        theirs.path("responses").fields().forEachRemaining(response -> {
            String status = response.getKey();
            JsonNode myResponse = resolve(ours, mine.path("responses").path(status));
            assertFalse(myResponse.isMissingNode(), where + " lacks response " + status);
            JsonNode theirSchema = response.getValue().path("content").path(JSON).path("schema");
            if (!theirSchema.isMissingNode()) {
                JsonNode mySchema = myResponse.path("content").path(JSON).path("schema");
                assertFalse(mySchema.isMissingNode(), where + " " + status + " has no JSON body");
                assertCovers(theirSchema, mySchema, where + " " + status);
            }
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backstageOperations")
    void theFrontendsRequestBodyFitsOurSchema(String method, String path) {
        String where = method + " " + path;
        JsonNode theirs = backstage.path("paths").path(path).path(method.toLowerCase()).path("requestBody");
        if (theirs.isMissingNode()) {
            return;
        }
        JsonNode theirSchema = resolve(backstage, theirs.path("content").path(JSON).path("schema"));
        JsonNode mySchema = resolve(ours, ours.path("paths").path(path).path(method.toLowerCase())
                .path("requestBody").path("content").path(JSON).path("schema"));
        assertFalse(mySchema.isMissingNode(), where + " takes no JSON body");
        // the frontend sends exactly the properties Backstage's schema requires: {userId}, or {} for a key
        Set<String> sent = strings(theirSchema.path("required"));
        assertTrue(sent.containsAll(strings(mySchema.path("required"))),
                where + " requires " + strings(mySchema.path("required")) + " but the frontend sends only " + sent);
        for (String property : sent) {
            assertEquals(types(theirSchema.path("properties").path(property)),
                    types(mySchema.path("properties").path(property)), where + " body property " + property);
        }
    }

    @Test
    void theFrontendsCreateUserBodyIsAccepted() {
        userUnknown(JANE);
        userCreated(JANE);
        as(TestTokens.user(JANE)).body("{\"userId\":\"" + JANE + "\"}").post(BASE + "/users")
                .then().statusCode(201).body("userId", equalTo(JANE));
    }

    @Test
    void theFrontendsCreateUserKeyBodyIsAccepted() {
        userExists(JANE);
        keyGenerated(JANE, "sk-AbCdEf0123456789wxyz", hash("jane-compat"));
        as(TestTokens.user(JANE)).body("{}").post(BASE + "/users/" + JANE_PATH + "/keys")
                .then().statusCode(201).body("keyId", equalTo(hash("jane-compat")));
    }

    /** Every property of {@code theirs} is in {@code mine}, with the same type, item type and reference. */
    private static void assertCovers(JsonNode theirs, JsonNode mine, String where) {
        if (theirs.has("$ref")) {
            assertEquals(refName(theirs), refName(mine), where + " schema");
            where = where + " " + refName(theirs);
        }
        JsonNode theirSchema = resolve(backstage, theirs);
        JsonNode mySchema = resolve(ours, mine);
        assertTrue(types(mySchema).containsAll(types(theirSchema)),
                where + " type: ours " + types(mySchema) + ", Backstage's " + types(theirSchema));
        if (theirSchema.has("anyOf")) {
            assertEquals(theirSchema.path("anyOf"), mySchema.path("anyOf"), where + " anyOf");
        }
        if (theirSchema.has("items")) {
            assertCovers(theirSchema.path("items"), mySchema.path("items"), where + "[]");
        }
        String context = where;
        theirSchema.path("properties").fields().forEachRemaining(property -> {
            JsonNode myProperty = mySchema.path("properties").path(property.getKey());
            assertFalse(myProperty.isMissingNode(), context + " lacks property " + property.getKey());
            assertCovers(property.getValue(), myProperty, context + "." + property.getKey());
        });
    }

    private static JsonNode resolve(JsonNode document, JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        JsonNode target = document;
        for (String part : node.get("$ref").asText().substring(2).split("/")) {
            target = target.path(part);
        }
        assertFalse(target.isMissingNode(), "dangling " + node.get("$ref"));
        return resolve(document, target);
    }

    private static String refName(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    private static Set<String> types(JsonNode schema) {
        JsonNode type = schema.path("type");
        return type.isArray() ? strings(type) : type.isMissingNode() ? Set.of() : Set.of(type.asText());
    }

    private static Set<String> successStatuses(JsonNode operation) {
        Set<String> statuses = new TreeSet<>();
        operation.path("responses").fieldNames().forEachRemaining(status -> {
            if (status.startsWith("2")) {
                statuses.add(status);
            }
        });
        return statuses;
    }

    private static Set<String> names(JsonNode parameters) {
        Set<String> names = new HashSet<>();
        parameters.forEach(parameter -> names.add(parameter.path("in").asText() + ":" + parameter.path("name").asText()));
        return names;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static JsonNode backstageContract() throws IOException {
        try (InputStream in = BackstageCompatibilityTest.class.getResourceAsStream("/backstage-orchestrator-openapi.yaml")) {
            return in == null ? YAML.createObjectNode() : (ObjectNode) YAML.readTree(in);
        }
    }
}
