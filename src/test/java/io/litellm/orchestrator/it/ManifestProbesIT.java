package io.litellm.orchestrator.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.litellm.orchestrator.support.LiteLlmStubs;
import io.litellm.orchestrator.support.PackagedAppResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The packaged app answers every path k8s/deployment.yaml sends Kubernetes and Prometheus to.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class ManifestProbesIT {

    private static JsonNode deployment() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(Path.of("k8s/deployment.yaml").toFile());
    }

    @BeforeEach
    void litellmIsUp() {
        LiteLlmStubs.litellm().resetAll();
        // readiness asks LiteLLM
        LiteLlmStubs.litellm().stubFor(get(urlPathEqualTo("/health/liveliness")).willReturn(okJson("\"I'm alive!\"")));
    }

    @Test
    void probePathsAnswerUp() throws IOException {
        JsonNode container = deployment().at("/spec/template/spec/containers/0");
        for (String probe : new String[] { "startupProbe", "livenessProbe", "readinessProbe" }) {
            String path = container.at("/" + probe + "/httpGet/path").asText();
            String status = given().when().get(path).then().statusCode(200).extract().path("status");
            assertEquals("UP", status, probe + " " + path);
        }
    }

    @Test
    void prometheusScrapePathServesMetrics() throws IOException {
        String path = deployment().at("/spec/template/metadata/annotations").get("prometheus.io/path").asText();
        given().when().get(path).then().statusCode(200).body(containsString("# TYPE"));
    }
}
