import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provisions a workshop through the service in one call, {@code PUT /workshops/{id}} with {@code users} attendees
 * (the service bounds its own LiteLLM calls: {@code orchestrator.workshops.max-concurrency}, default 16), then
 * sends the same call again, which must create nothing.
 *
 * <p>{@code java bench/Workshop.java <service base url> <admin token file> <users> <concurrency> <run id>} prints
 * {@code WORKSHOP <seconds> <keys per second> <errors> <keys>} for the first call and
 * {@code RERUN <seconds> <created> <existing>} for the second. {@code <concurrency>} is kept for the harness's
 * argument list and ignored: the bound is the service's. Errors are attendees the answer lists as failed, or every
 * attendee when the answer is not a 200.
 */
public class Workshop {

    private static final Pattern CREATED = Pattern.compile("\"created\"\\s*:\\s*(\\d+)");
    private static final Pattern EXISTING = Pattern.compile("\"existing\"\\s*:\\s*(\\d+)");
    private static final Pattern FAILED = Pattern.compile("\"failed\"\\s*:\\s*(\\d+)");
    private static final Pattern SECRET = Pattern.compile("\"keySecret\"\\s*:\\s*\"sk-");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = Files.readString(Path.of(args[1])).trim();
        int users = Integer.parseInt(args[2]);
        String runId = args[4];

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String url = base + "/workshops/bench-" + runId;
        String body = "{\"attendees\":" + users + ",\"userPrefix\":\"attendee\",\"userDomain\":\"bench-" + runId
                + ".example.com\",\"maxBudget\":5,\"duration\":\"1d\"}";
        HttpRequest put = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();

        long start = System.nanoTime();
        HttpResponse<String> first = http.send(put, HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - start) / 1e9;
        int keys = 0;
        int errors = users;
        if (first.statusCode() == 200) {
            keys = count(SECRET, first.body());
            errors = users - keys;
        } else {
            System.err.println("PUT " + first.statusCode() + " " + first.body().substring(0, Math.min(300, first.body().length())));
        }
        System.out.printf("WORKSHOP %.2f %.1f %d %d%n", seconds, keys / seconds, errors, keys);

        start = System.nanoTime();
        HttpResponse<String> again = http.send(put, HttpResponse.BodyHandlers.ofString());
        double rerun = (System.nanoTime() - start) / 1e9;
        if (again.statusCode() != 200 || count(SECRET, again.body()) != 0) {
            System.err.println("rerun " + again.statusCode() + ": expected 200 and no secret");
        }
        System.out.printf("RERUN %.2f %d %d%n", rerun, number(CREATED, again.body()), number(EXISTING, again.body()));
    }

    static int number(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    static int count(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
