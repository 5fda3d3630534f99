package io.litellm.orchestrator.contract;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The committed contract ({@code openapi/}) must be exactly what the build generates from the code. The test
 * build stores its document in {@code target/openapi/} (application.properties, {@code %test} profile), so
 * changing a route or a schema field without regenerating fails here.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class OpenApiDriftTest {

    /** What a developer runs to bring {@code openapi/} up to date (the prod build stores it there). */
    static final String REGENERATE = "./mvnw -B package -DskipTests";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static final Path COMMITTED = Path.of("openapi");
    static final Path GENERATED = Path.of("target", "openapi");

    @ParameterizedTest
    @ValueSource(strings = { "openapi.yaml", "openapi.json" })
    void committedContractIsWhatTheBuildGenerates(String file) throws IOException {
        Path generated = GENERATED.resolve(file);
        Path committed = COMMITTED.resolve(file);
        assertTrue(Files.isRegularFile(generated), "the build did not store " + generated
                + "; check quarkus.smallrye-openapi.store-schema-directory");
        if (!Files.isRegularFile(committed)) {
            fail(committed + " is missing: run `" + REGENERATE + "` and commit openapi/");
        }
        List<String> expected = Files.readAllLines(generated, StandardCharsets.UTF_8);
        List<String> actual = Files.readAllLines(committed, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            fail(committed + " differs from what the code generates (" + firstDifference(expected, actual)
                    + "). Run `" + REGENERATE + "` and commit openapi/.");
        }
    }

    @Test
    void contractIsServedWithoutTokenWhereBackstageServesIt() throws IOException {
        JsonNode committed = YAML.readTree(COMMITTED.resolve("openapi.yaml").toFile());
        String atBackstagePath = given().when().get("/api/litellm-orchestrator/openapi.yaml")
                .then().statusCode(200).contentType("application/yaml").extract().asString();
        String atQuarkusPath = given().when().get("/q/openapi?format=yaml")
                .then().statusCode(200).extract().asString();
        // the runtime document orders keys differently from the stored one; compare content, not text
        assertTrue(committed.equals(YAML.readTree(atBackstagePath)),
                "the served contract differs from openapi/openapi.yaml. Run `" + REGENERATE + "` and commit openapi/.");
        assertEquals(atQuarkusPath, atBackstagePath);
    }

    private static String firstDifference(List<String> generated, List<String> committed) {
        for (int i = 0; i < Math.max(generated.size(), committed.size()); i++) {
            String g = i < generated.size() ? generated.get(i) : "<end of file>";
            String c = i < committed.size() ? committed.get(i) : "<end of file>";
            if (!g.equals(c)) {
                return "line " + (i + 1) + ": generated `" + g.strip() + "`, committed `" + c.strip() + "`";
            }
        }
        return "line endings only";
    }
}
