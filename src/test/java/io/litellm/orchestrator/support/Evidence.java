package io.litellm.orchestrator.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.response.Response;

/**
 * Everything the service said during the test run: every response body and every log line. The secrets test
 * reads it at the end to prove no secret escaped.
 */
public final class Evidence {

    /** A response body, and the secret it issued (null if none). */
    public record Body(String request, String body, String issuedSecret) {
    }

    private static final Pattern KEY_SECRET = Pattern.compile("\"keySecret\"\\s*:\\s*\"([^\"]+)\"");
    public static final List<Body> BODIES = new CopyOnWriteArrayList<>();
    public static final List<String> LOG_LINES = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private Evidence() {
    }

    /** Idempotent: installs the REST Assured filter and the log handler once per JVM. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        Filter recorder = (requestSpec, responseSpec, ctx) -> {
            Response response = ctx.next(requestSpec, responseSpec);
            String body = response.asString();
            Matcher secret = KEY_SECRET.matcher(body);
            BODIES.add(new Body(requestSpec.getMethod() + " " + requestSpec.getURI(), body,
                    secret.find() ? secret.group(1) : null));
            return response;
        };
        RestAssured.filters(recorder);
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
                LOG_LINES.add(line.toString());
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
