package io.litellm.orchestrator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.response.Response;

/**
 * Everything the service said during the test run: every response body and every log line, appended to files of
 * this test JVM (each Quarkus app restart loads test classes anew, so memory would not survive; files do). The
 * secrets test reads them at the end to prove no secret escaped.
 */
public final class Evidence {

    /** A response body, and the secret it issued (null if none). */
    public record Body(String request, String body, String issuedSecret) {
    }

    private static final Pattern KEY_SECRET = Pattern.compile("\"keySecret\"\\s*:\\s*\"([^\"]+)\"");
    private static final String LOG_HANDLER_INSTALLED = "test.evidence.log-handler";
    private static boolean filterInstalled;

    private Evidence() {
    }

    /** Installs the REST Assured filter (once per class loader) and the log handler (once per JVM). */
    public static synchronized void install() {
        if (!filterInstalled) {
            filterInstalled = true;
            Filter recorder = (requestSpec, responseSpec, ctx) -> {
                Response response = ctx.next(requestSpec, responseSpec);
                String body = response.asString();
                Matcher secret = KEY_SECRET.matcher(body);
                String issued = secret.find() ? secret.group(1) : "-";
                append("bodies", encode(requestSpec.getMethod() + " " + requestSpec.getURI()) + " " + encode(issued)
                        + " " + encode(body));
                return response;
            };
            RestAssured.filters(recorder);
        }
        if (System.getProperty(LOG_HANDLER_INSTALLED) == null) {
            System.setProperty(LOG_HANDLER_INSTALLED, "true");
            Logger.getLogger("").addHandler(new Handler() {
                @Override
                public void publish(LogRecord record) {
                    StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
                    if (record.getParameters() != null) {
                        for (Object parameter : record.getParameters()) {
                            line.append(' ').append(parameter);
                        }
                    }
                    for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                        line.append(' ').append(t);
                    }
                    append("logs", encode(line.toString()));
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
        }
    }

    public static List<Body> bodies() {
        List<Body> bodies = new ArrayList<>();
        for (String line : read("bodies")) {
            String[] parts = line.split(" ", -1);
            String issued = decode(parts[1]);
            bodies.add(new Body(decode(parts[0]), decode(parts[2]), "-".equals(issued) ? null : issued));
        }
        return bodies;
    }

    public static List<String> logLines() {
        return read("logs").stream().map(Evidence::decode).toList();
    }

    private static Path file(String name) {
        String dir = System.getProperty("test.evidence.dir", "target/test-evidence");
        return Path.of(dir, ProcessHandle.current().pid() + "-" + name + ".txt");
    }

    private static synchronized void append(String name, String line) {
        try {
            Path file = file(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(String name) {
        try {
            Path file = file(name);
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String text) {
        return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }
}
