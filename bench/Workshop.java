import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Provisions a workshop through the service: for each attendee {@code POST /users} then
 * {@code POST /users/{id}/keys}, with at most {@code concurrency} attendees in flight. Every answer must be 201.
 *
 * <p>{@code java bench/Workshop.java <service base url> <admin token file> <users> <concurrency> <run id>}
 * prints {@code WORKSHOP <seconds> <keys per second> <errors> <keys>}.
 */
public class Workshop {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = java.nio.file.Files.readString(java.nio.file.Path.of(args[1])).trim();
        int users = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        String runId = args[4];

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger keys = new AtomicInteger();
        CompletableFuture<?>[] attendees = new CompletableFuture<?>[users];

        long start = System.nanoTime();
        for (int i = 0; i < users; i++) {
            inFlight.acquire();
            String userId = "user:default/ws-" + runId + "-" + i;
            String encoded = URLEncoder.encode(userId, StandardCharsets.UTF_8);
            attendees[i] = http.sendAsync(post(base + "/users", token, "{\"userId\":\"" + userId + "\"}"),
                            HttpResponse.BodyHandlers.ofString())
                    .thenCompose(created -> {
                        if (created.statusCode() != 201) {
                            throw new IllegalStateException("POST /users " + created.statusCode() + " " + created.body());
                        }
                        return http.sendAsync(post(base + "/users/" + encoded + "/keys", token, "{}"),
                                HttpResponse.BodyHandlers.ofString());
                    })
                    .thenAccept(key -> {
                        if (key.statusCode() != 201 || !key.body().contains("\"keySecret\":\"sk-")) {
                            throw new IllegalStateException("POST keys " + key.statusCode() + " " + key.body());
                        }
                        keys.incrementAndGet();
                    })
                    .whenComplete((done, failure) -> {
                        if (failure != null && errors.incrementAndGet() <= 5) {
                            System.err.println("error: " + failure.getMessage());
                        }
                        inFlight.release();
                    });
        }
        CompletableFuture.allOf(attendees).handle((done, failure) -> null).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("WORKSHOP %.2f %.1f %d %d%n", seconds, keys.get() / seconds, errors.get(), keys.get());
    }

    static HttpRequest post(String url, String token, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
