package io.litellm.orchestrator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.deploy.CompiledClasses.ConfigRead;
import io.litellm.orchestrator.deploy.QuarkusConfigPhases.Phase;

/**
 * No run-time code reads a build-time property. A native executable's run-time configuration holds only run-time
 * and build-and-run-time-fixed keys, so reading a {@code BUILD_TIME} key there fails ("Failed to load config value
 * … for: quarkus.rest.path", and the executable exits at start), while the JVM jar still finds it in
 * application.properties and every other test passes. This runs on the JVM: the phases come from Quarkus' own
 * config metadata ({@link QuarkusConfigPhases}), the reads from our bytecode ({@link CompiledClasses}).
 */
class RunTimeConfigPhaseTest {

    private static QuarkusConfigPhases phases;

    @BeforeAll
    static void load() throws Exception {
        phases = QuarkusConfigPhases.ofThisApplication();
    }

    @Test
    void quarkusMetadataCoversRunTimeAndDeploymentJars() {
        assertTrue(phases.jarsWithModel() >= 20, "config metadata in " + phases.jarsWithModel() + " jars");
        // deployment jars (not on the test class path) hold the BUILD_TIME roots
        assertEquals(Optional.of(Phase.BUILD_TIME), phases.phaseOf("quarkus.rest.path"));
        assertEquals(Optional.of(Phase.BUILD_TIME), phases.phaseOf("quarkus.smallrye-openapi.path"));
        assertEquals(Optional.of(Phase.RUN_TIME), phases.phaseOf("quarkus.oidc.roles.source"));
        assertEquals(Optional.of(Phase.RUN_TIME), phases.phaseOf("quarkus.oidc.\"backstage\".roles.source"));
        assertEquals(Optional.of(Phase.RUN_TIME), phases.phaseOf("quarkus.rest-client.litellm.url"));
        assertEquals(Optional.empty(), phases.phaseOf("quarkus.no-such-extension.key"));
    }

    @Test
    void runTimeCodeReadsNoBuildTimeProperty() throws Exception {
        CompiledClasses main = CompiledClasses.scan(Path.of("target", "classes"));
        assertTrue(main.classes > 50, "scanned " + main.classes + " classes of target/classes");
        List<String> problems = problems(main.runTimeConfigReads());
        assertTrue(problems.isEmpty(), "run-time code reads configuration a native executable does not have:\n  "
                + String.join("\n  ", problems));
    }

    @Test
    void runTimePropertiesDoNotExpandBuildTimeOnes() throws Exception {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        Pattern expression = Pattern.compile("\\$\\{([^}:]+)");
        List<String> problems = new ArrayList<>();
        for (String name : properties.stringPropertyNames()) {
            String key = name.startsWith("%") ? name.substring(name.indexOf('.') + 1) : name;
            if (phases.phaseOf(key).orElse(Phase.RUN_TIME) == Phase.BUILD_TIME) {
                continue; // resolved while building, where every key is there
            }
            Matcher found = expression.matcher(properties.getProperty(name));
            while (found.find()) {
                if (phases.phaseOf(found.group(1)).orElse(Phase.RUN_TIME) == Phase.BUILD_TIME) {
                    problems.add(name + " expands the build-time " + found.group(1));
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The guard sees both ways the old ContractRoute and ContractFilter read quarkus.rest.path. */
    @Test
    void guardCatchesInjectedAndLookedUpBuildTimeReads() throws Exception {
        CompiledClasses scanned = CompiledClasses.scan(ReadsBuildTimeConfig.class);
        List<String> problems = problems(scanned.runTimeConfigReads());
        assertEquals(3, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).contains("quarkus.rest.path") && problems.get(0).contains("@ConfigProperty"),
                problems.get(0));
        assertTrue(problems.stream().anyMatch(p -> p.contains("quarkus.smallrye-openapi.path")
                && p.contains("Config.getOptionalValue")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("not a constant")), problems.toString());
    }

    private static List<String> problems(List<ConfigRead> reads) {
        List<String> problems = new ArrayList<>();
        for (ConfigRead read : reads) {
            if (read.key() == null) {
                problems.add(read.where() + ": " + read.how() + " with a key that is not a constant; the phase of what"
                        + " it reads cannot be checked");
            } else if (read.key().startsWith("quarkus.")) {
                Optional<Phase> phase = phases.phaseOf(read.key());
                if (phase.isEmpty()) {
                    problems.add(read.where() + ": " + read.how() + " reads " + read.key()
                            + ", which no extension of this app defines");
                } else if (phase.get() == Phase.BUILD_TIME) {
                    problems.add(read.where() + ": " + read.how() + " reads the build-time property " + read.key()
                            + " (" + phases.declaredBy(read.key()) + ")");
                }
            }
        }
        return problems;
    }

    /** The two reads of the old code, plus a key the guard cannot see through. Not a bean: never instantiated. */
    static final class ReadsBuildTimeConfig {
        final String base;

        ReadsBuildTimeConfig(@ConfigProperty(name = "quarkus.rest.path") String base) {
            this.base = base;
        }

        String openApiPath() {
            return ConfigProvider.getConfig().getOptionalValue("quarkus.smallrye-openapi.path", String.class)
                    .orElse("openapi");
        }

        String any(String key) {
            return ConfigProvider.getConfig().getValue(key, String.class);
        }
    }
}
