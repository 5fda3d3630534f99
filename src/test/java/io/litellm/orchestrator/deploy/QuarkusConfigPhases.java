package io.litellm.orchestrator.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.bootstrap.app.ApplicationModelSerializer;
import io.quarkus.bootstrap.model.ApplicationModel;
import io.quarkus.maven.dependency.ResolvedDependency;

/**
 * The configuration phase of every {@code quarkus.*} key this app's extensions define, as Quarkus itself states it:
 * each extension jar, run-time and deployment alike, carries {@code META-INF/quarkus-config-doc/quarkus-config-model.json}
 * (written by Quarkus' annotation processor from the {@code @ConfigRoot(phase = …)} / {@code @ConfigMapping} roots).
 * The jars are those of the application model the quarkus-maven-plugin resolved for the tests
 * ({@code target/quarkus/bootstrap/test-app-model.dat}), which holds the deployment jars that are not on the test
 * class path.
 */
final class QuarkusConfigPhases {

    static final String MODEL_ENTRY = "META-INF/quarkus-config-doc/quarkus-config-model.json";
    static final Path APP_MODEL = Path.of("target", "quarkus", "bootstrap", "test-app-model.dat");

    /** What {@code ConfigPhase} says. Only BUILD_TIME is missing from a native executable's run-time configuration. */
    enum Phase {
        BUILD_TIME, BUILD_AND_RUN_TIME_FIXED, RUN_TIME
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\"[^\"]*\"|\\[\\*]");

    private record Entry(String property, Pattern pattern, Phase phase, String declaredBy) {
    }

    private final Map<String, Entry> exact = new LinkedHashMap<>();
    private final List<Entry> patterns = new ArrayList<>();
    private int jarsWithModel;

    static QuarkusConfigPhases ofThisApplication() throws IOException {
        if (!Files.isRegularFile(APP_MODEL)) {
            throw new AssertionError(APP_MODEL + " is missing: run the tests through ./mvnw (the quarkus-maven-plugin's"
                    + " generate-code-tests step writes it)");
        }
        ApplicationModel model = ApplicationModelSerializer.deserialize(APP_MODEL);
        QuarkusConfigPhases phases = new QuarkusConfigPhases();
        ObjectMapper json = new ObjectMapper();
        for (ResolvedDependency dependency : model.getDependencies()) {
            for (Path path : dependency.getResolvedPaths()) {
                if (!Files.isRegularFile(path) || !path.toString().endsWith(".jar")) {
                    continue;
                }
                try (ZipFile jar = new ZipFile(path.toFile())) {
                    var entry = jar.getEntry(MODEL_ENTRY);
                    if (entry == null) {
                        continue;
                    }
                    try (InputStream in = jar.getInputStream(entry)) {
                        phases.read(json.readTree(in), dependency.toCompactCoords());
                    }
                }
            }
        }
        return phases;
    }

    private void read(JsonNode document, String declaredBy) {
        jarsWithModel++;
        for (JsonNode root : document.path("configRoots")) {
            readItems(root.path("items"), declaredBy);
        }
    }

    private void readItems(JsonNode items, String declaredBy) {
        for (JsonNode item : items) {
            if (item.has("items")) {
                readItems(item.get("items"), declaredBy);
                continue;
            }
            Phase phase = Phase.valueOf(item.path("phase").asText());
            add(item.at("/path/property").asText(), phase, declaredBy);
            for (JsonNode additional : item.path("additionalPaths")) {
                add(additional.path("property").asText(), phase, declaredBy);
            }
        }
    }

    private void add(String property, Phase phase, String declaredBy) {
        if (property.isEmpty()) {
            return;
        }
        if (property.contains("\"") || property.contains("[*]")) {
            // map keys ("tenant", "client-name") and list indexes: any segment there
            StringBuilder regex = new StringBuilder();
            Matcher placeholder = PLACEHOLDER.matcher(property);
            int from = 0;
            while (placeholder.find()) {
                regex.append(Pattern.quote(property.substring(from, placeholder.start())));
                regex.append(placeholder.group().equals("[*]") ? "\\[\\d+]" : "(?:\"[^\"]*\"|[^.\"]+)");
                from = placeholder.end();
            }
            regex.append(Pattern.quote(property.substring(from)));
            patterns.add(new Entry(property, Pattern.compile(regex.toString()), phase, declaredBy));
        } else {
            exact.putIfAbsent(property, new Entry(property, null, phase, declaredBy));
        }
    }

    /** The phase of a key, or empty when no extension of the app defines it. */
    Optional<Phase> phaseOf(String key) {
        Entry entry = exact.get(key);
        if (entry == null) {
            entry = patterns.stream().filter(e -> e.pattern().matcher(key).matches()).findFirst().orElse(null);
        }
        return Optional.ofNullable(entry).map(Entry::phase);
    }

    String declaredBy(String key) {
        Entry entry = exact.get(key);
        if (entry == null) {
            entry = patterns.stream().filter(e -> e.pattern().matcher(key).matches()).findFirst().orElse(null);
        }
        return entry == null ? "no extension" : entry.declaredBy() + " (" + entry.property() + ")";
    }

    int jarsWithModel() {
        return jarsWithModel;
    }

    int keys() {
        return exact.size() + patterns.size();
    }
}
