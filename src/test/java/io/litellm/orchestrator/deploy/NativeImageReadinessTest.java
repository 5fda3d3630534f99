package io.litellm.orchestrator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.litellm.orchestrator.config.TokenCacheConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.VerifiedTokenCache;
import io.litellm.orchestrator.service.KnownUsers;
import io.litellm.orchestrator.support.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.litellm.orchestrator.deploy.CompiledClasses.JacksonClass;
import io.litellm.orchestrator.deploy.CompiledClasses.StaticCall;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native executable needs that the JVM gives for free, checked on the JVM:
 * <ul>
 * <li>Quarkus initialises application classes while building the image, so a static initialiser runs once, on the
 * build machine, and what it computed (a time, a random seed, an environment or configuration value) is frozen into
 * every container;</li>
 * <li>only the class-path resources Quarkus knows of are in the image ({@code quarkus.native.resources.includes}
 * for the rest);</li>
 * <li>Jackson binds classes by reflection, and an image only carries the reflection data that was registered: Quarkus
 * registers the types in REST resource and REST client signatures (with their record components and fields), and
 * {@code @RegisterForReflection} the others.</li>
 * </ul>
 * Classes only dev and test builds reach (package {@code dev/}: the LiteLLM simulator keeps a static
 * {@code SecureRandom}) are not in the executable and are left out of the first two checks.
 * Reflection-free Jackson trees ({@code ObjectNode}, {@code JsonNode}) need nothing.
 */
class NativeImageReadinessTest {

    private static final String PACKAGE = "io.litellm.orchestrator.";
    /** Calls whose result depends on when and where they run, not on the code: wrong if run while building. */
    private static final List<String> RUN_TIME_ONLY = List.of(
            "org.eclipse.microprofile.config.ConfigProvider.getConfig", "io.smallrye.config.",
            "java.lang.System.getenv", "java.lang.System.getProperty", "java.lang.System.currentTimeMillis",
            "java.lang.System.nanoTime", "java.time.Instant.now", "java.time.LocalDateTime.now",
            "java.time.OffsetDateTime.now", "java.time.ZonedDateTime.now", "java.time.Clock.",
            "java.security.SecureRandom.<init>", "java.util.Random.<init>", "java.util.UUID.randomUUID",
            "java.lang.Thread.start", "java.util.concurrent.Executors.", "java.net.InetAddress.",
            "java.lang.Runtime.availableProcessors", "java.nio.file.Files.", "java.io.File");

    private static CompiledClasses main;

    @BeforeAll
    static void scan() throws IOException {
        main = CompiledClasses.scan(Path.of("target", "classes"));
    }

    @Test
    void staticInitialisersComputeNothingThatBelongsToRunTime() throws IOException {
        Set<String> prod = main.prodReachable();
        assertTrue(prod.contains("io.litellm.orchestrator.rest.UserResource")
                && prod.contains("io.litellm.orchestrator.service.KeyService")
                && !prod.contains("io.litellm.orchestrator.dev.LiteLlmSimulator"), "reachability: " + prod);
        List<StaticCall> inTheImage = main.staticCalls.stream()
                .filter(call -> prod.contains(call.where().substring(0, call.where().indexOf('#')))).toList();
        assertEquals(List.of(), runTimeOnly(inTheImage), "static initialisers run at image build time");
        // the check sees what it looks for
        List<String> caught = runTimeOnly(CompiledClasses.scan(FrozenAtBuildTime.class).staticCalls);
        assertEquals(2, caught.size(), caught.toString());
    }

    @Test
    void classPathResourcesReadAtRunTimeAreInTheImage() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        List<PathMatcher> included = Arrays.stream(properties.getProperty("quarkus.native.resources.includes", "")
                .split(",")).map(String::strip).filter(glob -> !glob.isEmpty())
                .map(glob -> Path.of("").getFileSystem().getPathMatcher("glob:" + glob)).toList();
        List<String> missing = new ArrayList<>();
        Set<String> prod = main.prodReachable();
        for (CompiledClasses.ResourceLoad load : main.resourceLoads) {
            if (!prod.contains(load.where().substring(0, load.where().indexOf('#')))) {
                continue;
            }
            String name = load.name() == null ? null : load.name().replaceFirst("^/", "");
            if (name == null || included.stream().noneMatch(glob -> glob.matches(Path.of(name)))) {
                missing.add(load.where() + " loads " + load.name() + ", not in quarkus.native.resources.includes");
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void classesJacksonBindsByClassLiteralAreRegisteredForReflection() throws Exception {
        Set<Class<?>> registered = registeredByQuarkus();
        assertTrue(registered.size() > 20, "types reached from REST signatures: " + registered);
        assertEquals(List.of(), unregistered(main.jacksonClasses, registered));
        // the check sees what it looks for
        List<String> caught = unregistered(CompiledClasses.scan(FrozenAtBuildTime.class).jacksonClasses, registered);
        assertEquals(1, caught.size(), caught.toString());
    }

    /**
     * Caffeine builds each cache from a generated class it picks by name from the builder's features (and a node
     * class likewise), by reflection: quarkus-cache registers them, plain Caffeine does not. Each of our caches names
     * the two its builder picks in {@code @RegisterForReflection(classNames)}; the names are read here from live
     * caches built as the application builds them.
     */
    @Test
    void caffeineGeneratedClassesOfOurCachesAreRegisteredForReflection() throws Exception {
        Map<Class<?>, Object> caches = Map.of(
                VerifiedTokenCache.class, construct(VerifiedTokenCache.class, new Class<?>[] { TokenCacheConfig.class,
                        OrchestratorMetrics.class, java.time.Clock.class }, TestConfigs.tokenCache(10, Duration.ofMinutes(5)),
                        new OrchestratorMetrics(new SimpleMeterRegistry()), java.time.Clock.systemUTC()),
                KnownUsers.class, construct(KnownUsers.class, new Class<?>[] { Duration.class, int.class,
                        LongSupplier.class }, Duration.ofSeconds(60), 10, (LongSupplier) System::nanoTime));
        Set<String> holders = new HashSet<>();
        Path classes = Path.of("target", "classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceFirst("\\.class$", "");
                Class<?> type = Class.forName(name, false, NativeImageReadinessTest.class.getClassLoader());
                if (Arrays.stream(type.getDeclaredFields()).anyMatch(f -> f.getType() == Cache.class)) {
                    holders.add(type.getName());
                }
            }
        }
        assertEquals(caches.keySet().stream().map(Class::getName).collect(java.util.stream.Collectors.toSet()),
                holders, "every class holding a Caffeine cache is checked here");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Class<?>, Object> entry : caches.entrySet()) {
            for (Field field : entry.getKey().getDeclaredFields()) {
                if (field.getType() == Cache.class) {
                    field.setAccessible(true);
                    problems.addAll(unregistered(entry.getKey(), (Cache<?, ?>) field.get(entry.getValue())));
                }
            }
        }
        assertEquals(List.of(), problems);
        // the check sees what it looks for: another shape of cache picks other classes
        Cache<Object, Object> other = Caffeine.newBuilder().weakKeys().maximumSize(1).build();
        assertEquals(2, unregistered(KnownUsers.class, other).size());
    }

    private static List<String> unregistered(Class<?> holder, Cache<?, ?> cache) throws Exception {
        Object local = cache.asMap();
        Field nodeFactory = Class.forName("com.github.benmanes.caffeine.cache.BoundedLocalCache")
                .getDeclaredField("nodeFactory");
        nodeFactory.setAccessible(true);
        List<String> generated = List.of(local.getClass().getName(), nodeFactory.get(local).getClass().getName());
        RegisterForReflection registration = holder.getAnnotation(RegisterForReflection.class);
        List<String> named = registration == null ? List.of() : List.of(registration.classNames());
        return generated.stream().filter(name -> !named.contains(name))
                .map(name -> holder.getName() + " builds a Caffeine cache from " + name + ", not registered").toList();
    }

    private static Object construct(Class<?> type, Class<?>[] parameters, Object... arguments) throws Exception {
        java.lang.reflect.Constructor<?> constructor = type.getDeclaredConstructor(parameters);
        constructor.setAccessible(true);
        return constructor.newInstance(arguments);
    }

    private static List<String> runTimeOnly(List<StaticCall> calls) {
        return calls.stream().filter(call -> RUN_TIME_ONLY.stream()
                .anyMatch(prefix -> (call.owner() + "." + call.name()).startsWith(prefix)))
                .map(call -> call.where() + " calls " + call.owner() + "." + call.name()).toList();
    }

    private static List<String> unregistered(List<JacksonClass> literals, Set<Class<?>> registered)
            throws ClassNotFoundException {
        List<String> problems = new ArrayList<>();
        for (JacksonClass literal : literals) {
            Class<?> type = Class.forName(literal.className(), false, NativeImageReadinessTest.class.getClassLoader());
            if (type.getName().startsWith(PACKAGE) && !registered.contains(type)
                    && !type.isAnnotationPresent(RegisterForReflection.class)) {
                problems.add(literal.where() + " binds " + type.getName() + ", which neither a REST signature"
                        + " reaches nor @RegisterForReflection registers");
            }
        }
        return problems;
    }

    /** Our types Quarkus registers for reflection: those a REST resource, exception mapper or REST client names. */
    private static Set<Class<?>> registeredByQuarkus() throws IOException, ClassNotFoundException {
        Set<Class<?>> reached = new HashSet<>();
        Path classes = Path.of("target", "classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceFirst("\\.class$", "");
                Class<?> type = Class.forName(name, false, NativeImageReadinessTest.class.getClassLoader());
                boolean signatures = type.isAnnotationPresent(jakarta.ws.rs.Path.class)
                        || type.isAnnotationPresent(RegisterRestClient.class);
                for (Method method : type.getDeclaredMethods()) {
                    if (signatures || method.isAnnotationPresent(ServerExceptionMapper.class)) {
                        reach(method.getGenericReturnType(), reached);
                        Arrays.stream(method.getGenericParameterTypes()).forEach(p -> reach(p, reached));
                    }
                }
            }
        }
        return reached;
    }

    private static void reach(Type type, Set<Class<?>> reached) {
        if (type instanceof ParameterizedType parameterized) {
            reach(parameterized.getRawType(), reached);
            Arrays.stream(parameterized.getActualTypeArguments()).forEach(t -> reach(t, reached));
        } else if (type instanceof GenericArrayType array) {
            reach(array.getGenericComponentType(), reached);
        } else if (type instanceof WildcardType wildcard) {
            Arrays.stream(wildcard.getUpperBounds()).forEach(t -> reach(t, reached));
        } else if (type instanceof Class<?> c && c.isArray()) {
            reach(c.getComponentType(), reached);
        } else if (type instanceof Class<?> c && c.getName().startsWith(PACKAGE) && reached.add(c)) {
            if (c.isRecord()) {
                for (RecordComponent component : c.getRecordComponents()) {
                    reach(component.getGenericType(), reached);
                }
            } else {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        reach(field.getGenericType(), reached);
                    }
                }
            }
        }
    }

    /** What the checks must catch. Never initialised or instantiated. */
    static final class FrozenAtBuildTime {
        static final long STARTED = System.currentTimeMillis();
        static final java.util.Random RANDOM = new java.util.Random();
        private static final ObjectMapper JSON = new ObjectMapper();

        record Unregistered(String name) {
        }

        Unregistered bind(Object tree) {
            return JSON.convertValue(tree, Unregistered.class);
        }
    }
}
