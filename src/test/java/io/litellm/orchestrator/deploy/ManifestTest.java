package io.litellm.orchestrator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * The {@code k8s/} manifests agree with the code: every environment variable is a configuration key of the app,
 * the master key comes from the documented Secret, probes and metrics hit real paths on the real port, and the
 * Deployment, Service, HPA, PDB, NetworkPolicy and {@code Dockerfile.native} agree with one another.
 */
class ManifestTest {

    private static final Path K8S = Path.of("k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String SECRET_NAME = "litellm-orchestrator-secrets";
    private static final String MASTER_KEY_ENV = "LITELLM_MASTER_KEY";

    private static final long MIB = 1024 * 1024;
    // Measured in issue 21 (GraalVM 25.0.2 native build and the JVM image, side by side with the Node plugin, c=64):
    private static final double NATIVE_START_SECONDS = 0.122;
    private static final long NATIVE_RSS_AFTER_LOAD_MB = 70;
    private static final double JVM_START_SECONDS = 4;
    private static final long JVM_RSS_AFTER_LOAD_MB = 205;
    /** Native memory besides the collected heap: the executable's code and image heap, thread stacks, Netty. */
    private static final long NATIVE_OFF_HEAP_MIB = 64;
    /** JVM memory outside -Xmx, metaspace and code cache: the mapped AOT cache (~71 MB), compiler arenas, stacks. */
    private static final long JVM_UNBOUNDED_MIB = 128;

    private static ConfigKeys config;
    private static JsonNode deployment;
    private static JsonNode container;
    private static JsonNode configMap;

    @BeforeAll
    static void load() throws Exception {
        config = ConfigKeys.read(Path.of("src/main/resources/application.properties"), Path.of("src/main/java"));
        deployment = yaml("deployment.yaml");
        configMap = yaml("configmap.yaml");
        JsonNode containers = deployment.at("/spec/template/spec/containers");
        assertEquals(1, containers.size(), "one container");
        container = containers.get(0);
    }

    private static JsonNode yaml(String file) throws IOException {
        return YAML.readTree(K8S.resolve(file).toFile());
    }

    private static int containerPort() {
        return container.at("/ports/0/containerPort").asInt();
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        Set<String> listed = new TreeSet<>();
        yaml("kustomization.yaml").get("resources").forEach(resource -> listed.add(resource.asText()));
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(K8S)) {
            files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
                    .forEach(present::add);
        }
        assertEquals(present, listed);
    }

    @Test
    void everyEnvironmentVariableIsAConfigKeyOfTheApp() {
        List<String> names = new ArrayList<>();
        configMap.get("data").fieldNames().forEachRemaining(names::add);
        container.path("env").forEach(env -> names.add(env.get("name").asText()));
        assertTrue(names.size() >= 5, names.toString());
        for (String name : names) {
            assertTrue(config.isKnown(name), name + " is not a configuration key of the app (known: "
                    + config.envNames() + ")");
        }
        for (String required : List.of("LITELLM_BASE_URL", "OIDC_AUTH_SERVER_URL", "ORCHESTRATOR_ADMIN_ROLE",
                MASTER_KEY_ENV)) {
            assertTrue(names.contains(required), required + " must be set");
        }
        // the ConfigMap is mounted as environment
        assertEquals(configMap.at("/metadata/name").asText(),
                container.at("/envFrom/0/configMapRef/name").asText());
    }

    @Test
    void configKeyCheckRejectsWhatIsNotAKey() {
        assertTrue(config.isKnown("LITELLM_LIST_MAX_PAGES"));
        assertTrue(config.isKnown("ORCHESTRATOR_USER_DEFAULTS_BUDGET_DURATION"));
        assertTrue(config.isKnown("QUARKUS_OIDC_AUTH_SERVER_URL"));
        assertFalse(config.isKnown("LITELLM_BASEURL"));
        assertFalse(config.isKnown("LITELLM_API_KEY"));
        assertFalse(config.isKnown("ORCHESTRATOR_ADMIN_GROUP"));
    }

    @Test
    void masterKeyComesOnlyFromTheSecret() {
        JsonNode masterKey = null;
        for (JsonNode env : container.path("env")) {
            if (MASTER_KEY_ENV.equals(env.get("name").asText())) {
                masterKey = env;
            }
        }
        assertNotNull(masterKey, MASTER_KEY_ENV + " must be set from the Secret");
        assertEquals(SECRET_NAME, masterKey.at("/valueFrom/secretKeyRef/name").asText());
        assertEquals(MASTER_KEY_ENV, masterKey.at("/valueFrom/secretKeyRef/key").asText());
        assertTrue(masterKey.path("value").isMissingNode(), "no literal master key");
        assertFalse(configMap.get("data").has(MASTER_KEY_ENV));
        assertEquals("litellm.master-key", config.keyOf(MASTER_KEY_ENV));
        // the Kubernetes guide documents the command that creates exactly this Secret and key
        assertTrue(kubernetesGuide().contains("kubectl create secret generic " + SECRET_NAME),
                "docs/kubernetes.md: kubectl command");
        assertTrue(kubernetesGuide().contains("--from-literal=" + MASTER_KEY_ENV + "="),
                "docs/kubernetes.md: secret key name");
    }

    @Test
    void probesHitSmallRyeHealthOnTheServedPort() throws IOException {
        assertEquals("/q/health/started", container.at("/startupProbe/httpGet/path").asText());
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        String portName = container.at("/ports/0/name").asText();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            String port = container.at("/" + probe + "/httpGet/port").asText();
            assertTrue(port.equals(portName) || port.equals(String.valueOf(containerPort())), probe + " port " + port);
        }
        // the paths exist because the health extension is in and nothing moves /q or the port
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(pom.contains("<artifactId>quarkus-smallrye-health</artifactId>"));
        assertTrue(pom.contains("<artifactId>quarkus-micrometer-registry-prometheus</artifactId>"));
        // ContractRoute re-dispatches to /q/openapi: it relies on the OpenAPI path staying where Quarkus puts it too
        for (String moved : List.of("quarkus.http.port", "quarkus.http.non-application-root-path",
                "quarkus.smallrye-health.root-path", "quarkus.micrometer.export.prometheus.path",
                "quarkus.smallrye-openapi.path")) {
            assertFalse(config.hasProdValue(moved), moved + " is set, so the manifests' paths or port are stale");
        }
        assertEquals(8080, containerPort(), "Quarkus' default HTTP port");
    }

    @Test
    void dockerfileNativeAgreesOnPortAndUser() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile.native"));
        String runtimeStage = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        assertEquals(String.valueOf(containerPort()), last(runtimeStage, "(?m)^EXPOSE\\s+(\\d+)"));
        String user = last(runtimeStage, "(?m)^USER\\s+(\\S+)");
        assertEquals(deployment.at("/spec/template/spec/securityContext/runAsUser").asText(), user);
        assertFalse(user.equals("0") || user.equals("root"));
        assertTrue(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean());
        assertTrue(runtimeStage.contains("-Dquarkus.http.host=0.0.0.0"), "listens on all interfaces");
        assertTrue(dockerfile.contains("-Dquarkus.native.enabled=true"), "builder stage builds the native image");
    }

    @Test
    void dockerfileNativeBuildsOnThe25LineIntoAMinimalImage() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile.native"));
        List<String> stages = new ArrayList<>();
        Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(dockerfile).results().forEach(m -> stages.add(m.group(1)));
        assertEquals(2, stages.size(), "a builder stage and a run stage: " + stages);
        // the figures in docs/containers.md come from a GraalVM 25 build; Mandrel is GraalVM CE for Quarkus
        assertTrue(stages.get(0).matches(".*(mandrel-builder-image|graalvm).*:(jdk-)?25([.-].*)?"), stages.get(0));
        assertTrue(stages.get(1).matches(".*(quarkus-micro-image|ubi-minimal|ubi9-minimal).*"), stages.get(1));
        String buildStage = dockerfile.substring(0, dockerfile.lastIndexOf("\nFROM "));
        assertTrue(buildStage.matches("(?s).*RUN \\./mvnw [^\\n]*package[^\\n]*-Dquarkus\\.native\\.enabled=true.*"),
                "the builder runs the native package build");
    }

    @Test
    void nativeHeapBoundsFitTheMemoryLimit() throws IOException {
        List<String> flags = entrypoint(Path.of("Dockerfile.native"));
        long xmx = mebibytes(flag(flags, "-Xmx"));
        long xmn = mebibytes(flag(flags, "-Xmn"));
        long xms = mebibytes(flag(flags, "-Xms"));
        assertTrue(xms <= xmx && xmn <= xmx / 2, "heap flags " + flags);
        long limit = mebibytes(container.at("/resources/limits/memory").asText());
        long request = mebibytes(container.at("/resources/requests/memory").asText());
        assertTrue(limit >= xmx + NATIVE_OFF_HEAP_MIB, "memory limit " + limit + "Mi < -Xmx " + xmx + "m + "
                + NATIVE_OFF_HEAP_MIB + "Mi off-heap (code and image heap, thread stacks, Netty buffers)");
        assertTrue(request * MIB >= NATIVE_RSS_AFTER_LOAD_MB * 1_000_000L, "memory request " + request
                + "Mi is below the native executable's measured " + NATIVE_RSS_AFTER_LOAD_MB + " MB after load");
        assertTrue(request <= limit);
    }

    @Test
    void probesFitTheNativeStartUp() {
        JsonNode startup = container.get("startupProbe");
        double window = startupWindowSeconds(startup);
        // ready about a second after the start (scale-out, scale from zero), yet far more than the start takes
        assertTrue(startup.path("periodSeconds").asInt(10) <= 1, "startupProbe period " + startup);
        assertTrue(window >= 50 * NATIVE_START_SECONDS && window <= 30, "startup window " + window + " s for a "
                + NATIVE_START_SECONDS + " s start");
        assertTrue(container.at("/livenessProbe/initialDelaySeconds").asInt(0) == 0, "the startup probe gates liveness");
        assertTrue(container.at("/readinessProbe/periodSeconds").asInt(10) <= 5);
    }

    @Test
    void jvmOverlayFitsTheJvmImage() throws IOException {
        Path overlay = K8S.resolve("jvm");
        JsonNode kustomization = YAML.readTree(overlay.resolve("kustomization.yaml").toFile());
        assertEquals("../", kustomization.at("/resources/0").asText());
        JsonNode image = kustomization.at("/images/0");
        assertEquals(container.get("image").asText(), image.get("name").asText());
        // the tag names the Dockerfile it is built from
        Path dockerfile = Path.of("src/main/docker/Dockerfile." + image.get("newTag").asText());
        assertTrue(Files.isRegularFile(dockerfile), dockerfile + " for tag " + image.get("newTag"));
        JsonNode patch = YAML.readTree(overlay.resolve(kustomization.at("/patches/0/path").asText()).toFile());
        assertEquals(deployment.at("/metadata/name").asText(), patch.at("/metadata/name").asText());
        JsonNode patched = container.deepCopy();
        merge((com.fasterxml.jackson.databind.node.ObjectNode) patched, patch.at("/spec/template/spec/containers/0"));
        assertEquals(container.get("name"), patch.at("/spec/template/spec/containers/0/name"));

        String runtimeStage = Files.readString(dockerfile);
        runtimeStage = runtimeStage.substring(runtimeStage.lastIndexOf("\nFROM "));
        assertEquals(deployment.at("/spec/template/spec/securityContext/runAsUser").asText(),
                last(runtimeStage, "(?m)^USER\\s+(\\S+)"), "the JVM image runs as the base's user");
        List<String> flags = entrypoint(dockerfile);
        long bounded = mebibytes(flag(flags, "-Xmx")) + mebibytes(flag(flags, "-XX:MaxMetaspaceSize="))
                + mebibytes(flag(flags, "-XX:ReservedCodeCacheSize="));
        long limit = mebibytes(patched.at("/resources/limits/memory").asText());
        long request = mebibytes(patched.at("/resources/requests/memory").asText());
        assertTrue(limit >= bounded + JVM_UNBOUNDED_MIB, "memory limit " + limit + "Mi < heap + metaspace + code cache "
                + bounded + "Mi + " + JVM_UNBOUNDED_MIB + "Mi (AOT cache mapping, compiler arenas, stacks)");
        assertTrue(request * MIB >= JVM_RSS_AFTER_LOAD_MB * 1_000_000L, "memory request " + request + "Mi");
        assertTrue(request <= limit);
        assertTrue(startupWindowSeconds(patched.get("startupProbe")) >= 10 * JVM_START_SECONDS,
                "the JVM's startup window must cover a slow " + JVM_START_SECONDS + " s start");
        assertTrue(startupWindowSeconds(container.get("startupProbe")) < 10 * JVM_START_SECONDS,
                "the base stays fitted to native, not to the JVM");
    }

    @Test
    void containerIsLockedDown() {
        JsonNode security = container.get("securityContext");
        assertTrue(security.get("readOnlyRootFilesystem").asBoolean());
        assertFalse(security.get("allowPrivilegeEscalation").asBoolean());
        assertEquals("ALL", security.at("/capabilities/drop/0").asText());
        for (String field : List.of("/resources/requests/cpu", "/resources/requests/memory",
                "/resources/limits/cpu", "/resources/limits/memory")) {
            assertFalse(container.at(field).isMissingNode(), field);
        }
        JsonNode annotations = deployment.at("/spec/template/metadata/annotations");
        assertEquals("true", annotations.get("prometheus.io/scrape").asText());
        assertEquals("/q/metrics", annotations.get("prometheus.io/path").asText());
        assertEquals(String.valueOf(containerPort()), annotations.get("prometheus.io/port").asText());
    }

    @Test
    void serviceHpaPdbAndPolicyTargetTheDeployment() throws IOException {
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        String name = deployment.at("/metadata/name").asText();

        JsonNode service = yaml("service.yaml");
        assertSelects(service.at("/spec/selector"), podLabels);
        String targetPort = service.at("/spec/ports/0/targetPort").asText();
        assertTrue(targetPort.equals(container.at("/ports/0/name").asText())
                || targetPort.equals(String.valueOf(containerPort())), "Service targetPort " + targetPort);

        JsonNode hpa = yaml("hpa.yaml");
        assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
        assertEquals(name, hpa.at("/spec/scaleTargetRef/name").asText());
        assertTrue(hpa.at("/spec/minReplicas").asInt() >= 2, "at least two replicas so the PDB can hold");

        assertSelects(yaml("pdb.yaml").at("/spec/selector/matchLabels"), podLabels);

        JsonNode policy = yaml("networkpolicy.yaml");
        assertSelects(policy.at("/spec/podSelector/matchLabels"), podLabels);
        assertEquals(containerPort(), policy.at("/spec/ingress/0/ports/0/port").asInt());
        Set<Integer> egressPorts = new HashSet<>();
        policy.at("/spec/egress").forEach(rule -> rule.path("ports").forEach(p -> egressPorts.add(p.get("port").asInt())));
        int litellmPort = java.net.URI.create(configMap.at("/data/LITELLM_BASE_URL").asText()).getPort();
        assertTrue(egressPorts.contains(litellmPort), "egress to LiteLLM's port " + litellmPort);
        assertTrue(egressPorts.contains(443) && egressPorts.contains(53), "egress to the IdP and DNS");
    }

    private static double startupWindowSeconds(JsonNode probe) {
        return probe.path("initialDelaySeconds").asInt(0)
                + (double) probe.path("periodSeconds").asInt(10) * probe.path("failureThreshold").asInt(3);
    }

    /** The exec-form ENTRYPOINT of a Dockerfile's last stage, as a list. */
    private static List<String> entrypoint(Path dockerfile) throws IOException {
        String text = Files.readString(dockerfile).replace("\\\n", " ");
        String json = last(text, "(?m)^ENTRYPOINT\\s+(\\[.*])\\s*$");
        List<String> args = new ArrayList<>();
        new ObjectMapper().readTree(json).forEach(arg -> args.add(arg.asText()));
        return args;
    }

    private static String flag(List<String> flags, String prefix) {
        return flags.stream().filter(f -> f.startsWith(prefix)).map(f -> f.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError(prefix + " is not set: " + flags));
    }

    /** "96Mi", "1Gi", "96m", "1g" in MiB. */
    static long mebibytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([KkMmGg])i?").matcher(size.strip());
        assertTrue(m.matches(), "size " + size);
        long n = Long.parseLong(m.group(1));
        return switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> n / 1024;
            case 'g' -> n * 1024;
            default -> n;
        };
    }

    /** What kustomize's strategic merge does for this patch: objects merged, containers matched by name. */
    private static void merge(com.fasterxml.jackson.databind.node.ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(entry -> {
            JsonNode current = target.get(entry.getKey());
            if (current instanceof com.fasterxml.jackson.databind.node.ObjectNode object && entry.getValue().isObject()) {
                merge(object, entry.getValue());
            } else {
                target.set(entry.getKey(), entry.getValue());
            }
        });
    }

    private static void assertSelects(JsonNode selector, JsonNode labels) {
        assertTrue(selector.size() > 0, "empty selector");
        selector.fields().forEachRemaining(entry -> assertEquals(entry.getValue().asText(),
                labels.path(entry.getKey()).asText(null), "selector " + entry.getKey()));
    }

    private static String last(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        String found = null;
        while (matcher.find()) {
            found = matcher.group(1);
        }
        assertNotNull(found, regex);
        return found;
    }

    /** docs/kubernetes.md (the chapter "Deploy to Kubernetes", moved out of README). */
    private static String kubernetesGuide() {
        try {
            return Files.readString(Path.of("docs", "kubernetes.md"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The configuration keys the app reads: keys of {@code application.properties}, keys of every
     * {@code @ConfigMapping} in the sources, and environment variables named in {@code ${…}} expressions.
     * An environment variable matches a key by SmallRye's rule (upper case, non-alphanumerics as {@code _}).
     */
    record ConfigKeys(Map<String, String> keyByEnv, Set<String> prodKeys) {

        private static final Pattern MAPPING = Pattern.compile(
                "@ConfigMapping\\(prefix = \"([^\"]+)\"\\)\\s*public interface (\\w+)");
        private static final Pattern EXPRESSION_ENV = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

        static ConfigKeys read(Path properties, Path sources) throws Exception {
            Map<String, String> keys = new HashMap<>();
            Set<String> prodKeys = new HashSet<>();
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(properties)) {
                props.load(reader);
            }
            for (String key : props.stringPropertyNames()) {
                boolean profiled = key.startsWith("%");
                String plain = profiled ? key.substring(key.indexOf('.') + 1) : key;
                keys.put(env(plain), plain);
                if (!profiled || key.startsWith("%prod.")) {
                    prodKeys.add(plain);
                }
                Matcher expression = EXPRESSION_ENV.matcher(props.getProperty(key));
                while (expression.find()) {
                    keys.put(expression.group(1), plain);
                }
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    Matcher mapping = MAPPING.matcher(source);
                    if (mapping.find()) {
                        String className = sources.relativize(file).toString().replace('/', '.').replace(".java", "");
                        Class<?> type = Class.forName(className);
                        assertEquals(mapping.group(1), type.getAnnotation(ConfigMapping.class).prefix());
                        addMapping(keys, mapping.group(1), type);
                    }
                }
            }
            return new ConfigKeys(keys, prodKeys);
        }

        private static void addMapping(Map<String, String> keys, String prefix, Class<?> type) {
            for (Method method : type.getDeclaredMethods()) {
                if (method.getParameterCount() > 0 || Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
                    continue;
                }
                WithName named = method.getAnnotation(WithName.class);
                String key = prefix + "." + (named != null ? named.value() : kebab(method.getName()));
                Class<?> returned = method.getReturnType();
                if (returned.isInterface() && returned.getEnclosingClass() == type) {
                    addMapping(keys, key, returned);
                } else {
                    keys.put(env(key), key);
                }
            }
        }

        static String kebab(String camel) {
            return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
        }

        static String env(String key) {
            return key.toUpperCase().replaceAll("[^A-Z0-9]", "_");
        }

        boolean isKnown(String envName) {
            return keyByEnv.containsKey(envName);
        }

        String keyOf(String envName) {
            return keyByEnv.get(envName);
        }

        boolean hasProdValue(String key) {
            return prodKeys.contains(key);
        }

        Set<String> envNames() {
            return new TreeSet<>(keyByEnv.keySet());
        }
    }
}
