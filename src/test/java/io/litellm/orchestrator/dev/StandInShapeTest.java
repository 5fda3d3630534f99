package io.litellm.orchestrator.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bench's LiteLLM stand-in ({@code bench/StandIn.java}) is a separate, constant-time program (see its Javadoc),
 * but it must answer the calls behind the three benchmarked routes in the shapes of our behaviour model of LiteLLM,
 * the simulator: the same request to both, the same status, and no field the stand-in answers that the simulator
 * does not and none the simulator answers that it leaves out, with the same JSON types (arrays by their first
 * element; null matches any type).
 */
class StandInShapeTest {

    private static final String MASTER_KEY = "sk-shape-master";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Method answer;
    private static Class<?> jsonObject;

    @BeforeAll
    static void compileStandIn(@TempDir Path classes) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int result = javac.run(null, null, System.err, "-proc:none", "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), Path.of("bench", "StandIn.java").toString());
        assertEquals(0, result, "bench/StandIn.java compiles against the app's class path");
        ClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() },
                StandInShapeTest.class.getClassLoader());
        Class<?> standIn = Class.forName("StandIn", true, loader);
        Field masterKey = standIn.getDeclaredField("masterKey");
        masterKey.setAccessible(true);
        masterKey.set(null, MASTER_KEY);
        jsonObject = Class.forName("io.vertx.core.json.JsonObject", true, loader);
        answer = standIn.getDeclaredMethod("answer", String.class, Function.class, String.class, jsonObject,
                int[].class);
        answer.setAccessible(true);
    }

    @Test
    void theBenchmarkedCallsAreAnsweredInTheSimulatorsShapes() throws Exception {
        LiteLlmSimulator simulator = new LiteLlmSimulator(MASTER_KEY, false);
        List<String> problems = new ArrayList<>();
        // GET /users/{id} and POST /users/{id}/keys read /user/info; POST …/keys generates; GET …/keys lists
        compare(simulator, "POST", "/user/new", Map.of(), "{\"user_id\":\"user:default/jane\",\"auto_create_key\":false}", problems);
        String generate = "{\"user_id\":\"user:default/jane\",\"key_alias\":\"ci\","
                + "\"metadata\":{\"orchestrator_key_ref\":\"kr_abcdefghijklmnopqrstuvwxyz\"}}";
        compare(simulator, "POST", "/key/generate", Map.of(), generate, problems);
        compare(simulator, "GET", "/user/info", Map.of("user_id", "user:default/jane"), null, problems);
        compare(simulator, "GET", "/key/list", Map.of("user_id", "user:default/jane", "page", "1", "size", "100",
                "return_full_object", "true"), null, problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void theComparisonSeesWhatItLooksFor() throws IOException {
        List<String> problems = new ArrayList<>();
        shape("/x", JSON.readTree("{\"a\":1,\"b\":{\"c\":\"x\"}}"), JSON.readTree("{\"a\":\"1\",\"b\":{},\"d\":2}"),
                problems);
        assertEquals(3, problems.size(), problems.toString());
    }

    private static void compare(LiteLlmSimulator simulator, String method, String path, Map<String, String> query,
            String body, List<String> problems) throws Exception {
        LiteLlmSimulator.Reply model = simulator.handle(method, path, query, "Bearer " + MASTER_KEY, body);
        int[] status = { 200 }; // as StandIn.litellm sets it before answering
        Object requestBody = body == null ? jsonObject.getConstructor().newInstance()
                : jsonObject.getConstructor(String.class).newInstance(body);
        String standIn = (String) answer.invoke(null, path, (Function<String, String>) query::get,
                "Bearer " + MASTER_KEY, requestBody, status);
        String where = method + " " + path;
        if (status[0] != model.status()) {
            problems.add(where + ": status " + status[0] + ", the simulator " + model.status());
        }
        shape(where, JSON.readTree(standIn), JSON.readTree(model.body()), problems);
    }

    /** What the stand-in answers beyond the simulator (fields, types); arrays compared by their first element. */
    static void shape(String where, JsonNode standIn, JsonNode model, List<String> problems) {
        if (standIn.isNull() || model.isNull()) {
            return;
        }
        if (standIn.getNodeType() != model.getNodeType()) {
            problems.add(where + ": " + standIn.getNodeType() + ", the simulator " + model.getNodeType());
        } else if (standIn.isObject()) {
            for (Iterator<String> names = standIn.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!model.has(name)) {
                    problems.add(where + "." + name + ": not in the simulator's answer");
                } else {
                    shape(where + "." + name, standIn.get(name), model.get(name), problems);
                }
            }
            for (Iterator<String> names = model.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!standIn.has(name)) {
                    problems.add(where + "." + name + ": missing from the stand-in's answer");
                }
            }
        } else if (standIn.isArray() && !standIn.isEmpty() && !model.isEmpty()) {
            shape(where + "[0]", standIn.get(0), model.get(0), problems);
        } else if (standIn.isArray() && standIn.size() != model.size()) {
            problems.add(where + ": " + standIn.size() + " elements, the simulator " + model.size());
        }
        assertTrue(problems.size() < 200, "too many differences");
    }
}
