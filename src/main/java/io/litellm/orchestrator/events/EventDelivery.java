package io.litellm.orchestrator.events;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.litellm.orchestrator.config.EventsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Sends events to Backstage's notifications backend and to the webhooks, off the request path: {@link #publish}
 * only offers to a bounded queue (a full queue drops the event, counts and logs it, and never waits), and a few
 * sender threads of our own take from it. A try that fails with 5xx, 408, 429 or a time-out is repeated after a
 * growing pause, with the same event id (and so the same {@code webhook-id}), up to {@code max-attempts}.
 * Counters {@code orchestrator.events.delivered|failed|dropped}, tagged only by {@code sink} (backstage, webhook).
 */
@ApplicationScoped
public class EventDelivery {

    private static final Logger LOG = Logger.getLogger("io.litellm.orchestrator.events");
    static final String BACKSTAGE = "backstage";
    static final String WEBHOOK = "webhook";
    private static final String NOTIFICATIONS_PATH = "/api/notifications/notifications";

    /** One event to one destination; the body is fixed, a webhook's timestamp and signature are made per try. */
    record Outgoing(String sink, LifecycleEvent event, URI url, String body) {
    }

    private final EventsConfig config;
    private final MeterRegistry registry;
    private final BlockingQueue<Outgoing> queue;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Thread> senders = new ArrayList<>();
    private volatile boolean running;
    private WebhookSigner signer;
    private HttpClient http;

    public EventDelivery(EventsConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, config.delivery().queueSize()));
    }

    void start(@Observes StartupEvent start) {
        if (!config.enabled()) {
            return;
        }
        // a destination half configured is a mistake to see at start, not a stream of failed deliveries
        if (!webhookUrls().isEmpty()) {
            signer = new WebhookSigner(config.webhook().secret().orElseThrow(() -> new IllegalStateException(
                    "orchestrator.events.webhook.urls is set but orchestrator.events.webhook.secret is not")));
        }
        if (config.backstage().baseUrl().isPresent() && config.backstage().token().isEmpty()) {
            throw new IllegalStateException(
                    "orchestrator.events.backstage.base-url is set but orchestrator.events.backstage.token is not");
        }
        http = HttpClient.newBuilder().connectTimeout(config.delivery().timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Gauge.builder("orchestrator.events.queued", queue, BlockingQueue::size)
                .description("Event deliveries waiting to be sent").register(registry);
        running = true;
        for (int i = 0; i < Math.max(1, config.delivery().senders()); i++) {
            Thread sender = new Thread(this::sendLoop, "event-sender-" + i);
            sender.setDaemon(true);
            sender.start();
            senders.add(sender);
        }
        LOG.infof("Lifecycle events on: Backstage notifications %s, %d webhook(s), queue %d",
                config.backstage().baseUrl().isPresent() ? "on" : "off", webhookUrls().size(),
                config.delivery().queueSize());
    }

    /** Gives the queue {@code drain-on-shutdown} to empty before the senders stop: a rolling update loses nothing. */
    void drainAtShutdown(@Observes ShutdownEvent shutdown) {
        if (!running) {
            return;
        }
        int left = drain(config.delivery().drainOnShutdown());
        if (left > 0) {
            // still queued: never to be sent (those being sent end with the process)
            queue.forEach(outgoing -> counter("orchestrator.events.dropped",
                    "Events dropped because the delivery queue was full", outgoing.sink()).increment());
            LOG.warnf("Shutting down with %d event deliveries not sent after %s (orchestrator.events.delivery."
                    + "drain-on-shutdown)", left, config.delivery().drainOnShutdown());
        }
    }

    /** Waits at most {@code limit} for every queued delivery to end; answers how many have not. */
    public int drain(Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (pending() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return pending();
    }

    @PreDestroy
    void stop() {
        running = false;
        senders.forEach(Thread::interrupt);
    }

    /** Whether events are sent at all. */
    public boolean enabled() {
        return running;
    }

    /** Deliveries one event makes (its Backstage notification, if it has a recipient, and one per webhook). */
    public int destinations(LifecycleEvent event) {
        return (backstageOn() && recipient(event) != null ? 1 : 0) + webhookUrls().size();
    }

    /** Whether {@code deliveries} more fit in the queue now (a scan claims a finding only if it can send it). */
    public boolean hasRoom(int deliveries) {
        return queue.remainingCapacity() >= deliveries;
    }

    /** Deliveries queued or being sent. */
    public int pending() {
        return queue.size() + inFlight.get();
    }

    /** Queues the event for every destination; never blocks. Answers whether every destination got it queued. */
    public boolean publish(LifecycleEvent event) {
        if (!running) {
            return false;
        }
        boolean queued = true;
        String entityRef = recipient(event);
        if (backstageOn() && entityRef != null) {
            String body = Payloads.backstageNotification(event, entityRef, link(event), config.backstage().topic())
                    .toString();
            queued &= offer(new Outgoing(BACKSTAGE, event, URI.create(stripSlash(config.backstage().baseUrl().get())
                    + NOTIFICATIONS_PATH), body));
        }
        List<String> urls = webhookUrls();
        if (!urls.isEmpty()) {
            String body = Payloads.cloudEvent(event, config.webhook().source()).toString();
            for (String url : urls) {
                queued &= offer(new Outgoing(WEBHOOK, event, URI.create(url.trim()), body));
            }
        }
        return queued;
    }

    private boolean offer(Outgoing outgoing) {
        if (queue.offer(outgoing)) {
            return true;
        }
        counter("orchestrator.events.dropped", "Events dropped because the delivery queue was full",
                outgoing.sink()).increment();
        LOG.warnf("Event %s (%s) to %s dropped: the delivery queue is full (orchestrator.events.delivery.queue-size)",
                outgoing.event().id(), outgoing.event().kind().type, outgoing.sink());
        return false;
    }

    private void sendLoop() {
        while (running) {
            Outgoing outgoing;
            try {
                outgoing = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            inFlight.incrementAndGet();
            try {
                deliver(outgoing);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // never the exception's text: it might quote a header
                LOG.errorf("Event %s to %s: %s", outgoing.event().id(), outgoing.sink(), e.getClass().getSimpleName());
                counter("orchestrator.events.failed", "Events not delivered", outgoing.sink()).increment();
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private void deliver(Outgoing outgoing) throws InterruptedException {
        int attempts = Math.max(1, config.delivery().maxAttempts());
        Duration pause = config.delivery().backoff();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String problem;
            boolean retry;
            try {
                HttpResponse<Void> response = http.send(request(outgoing), HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    counter("orchestrator.events.delivered", "Events delivered", outgoing.sink()).increment();
                    LOG.debugf("Event %s (%s) delivered to %s", outgoing.event().id(), outgoing.event().kind().type,
                            outgoing.sink());
                    return;
                }
                problem = "status " + status;
                retry = status >= 500 || status == 408 || status == 429;
            } catch (IOException e) {
                // time-outs and refused connections alike: the receiver may be back soon
                problem = e.getClass().getSimpleName();
                retry = true;
            }
            if (!retry || attempt == attempts) {
                counter("orchestrator.events.failed", "Events not delivered", outgoing.sink()).increment();
                LOG.warnf("Event %s (%s) to %s at %s not delivered: %s after %d tries", outgoing.event().id(),
                        outgoing.event().kind().type, outgoing.sink(), outgoing.url().getHost(), problem, attempt);
                return;
            }
            LOG.infof("Event %s to %s at %s: %s, try %d of %d; trying again", outgoing.event().id(), outgoing.sink(),
                    outgoing.url().getHost(), problem, attempt, attempts);
            long millis = pause.toMillis();
            Thread.sleep(millis + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
            pause = pause.multipliedBy(2);
            if (pause.compareTo(config.delivery().maxBackoff()) > 0) {
                pause = config.delivery().maxBackoff();
            }
        }
    }

    private HttpRequest request(Outgoing outgoing) {
        HttpRequest.Builder request = HttpRequest.newBuilder(outgoing.url()).timeout(config.delivery().timeout())
                .POST(HttpRequest.BodyPublishers.ofString(outgoing.body()));
        if (BACKSTAGE.equals(outgoing.sink())) {
            request.header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + config.backstage().token().orElse(""));
        } else {
            // Standard Webhooks: the id stays through retries, the timestamp and signature are the try's
            long timestamp = System.currentTimeMillis() / 1000;
            request.header("Content-Type", "application/cloudevents+json")
                    .header("webhook-id", outgoing.event().id())
                    .header("webhook-timestamp", String.valueOf(timestamp))
                    .header("webhook-signature", signer.sign(outgoing.event().id(), timestamp, outgoing.body()));
        }
        return request.build();
    }

    private boolean backstageOn() {
        return config.backstage().baseUrl().filter(url -> !url.isBlank()).isPresent();
    }

    private String recipient(LifecycleEvent event) {
        return event.owner().entityRef(config.backstage().userRefPrefix());
    }

    /** The key's page in the Backstage frontend; for an event about no key, none. */
    String link(LifecycleEvent event) {
        String base = config.backstage().frontendUrl().or(() -> config.backstage().baseUrl()).orElse(null);
        if (base == null || (event.keyRef() == null && event.keyId() == null)) {
            return null;
        }
        String path = config.backstage().keyLinkPath()
                .replace("{keyRef}", enc(event.keyRef() != null ? event.keyRef() : event.keyId()))
                .replace("{keyId}", enc(event.keyId() != null ? event.keyId() : ""))
                .replace("{owner}", enc(event.owner().id() != null ? event.owner().id() : ""));
        return stripSlash(base) + path;
    }

    private List<String> webhookUrls() {
        return config.webhook().urls().orElse(List.of()).stream().filter(url -> !url.isBlank()).toList();
    }

    private Counter counter(String name, String description, String sink) {
        return counters.computeIfAbsent(name + "|" + sink,
                k -> Counter.builder(name).description(description).tag("sink", sink).register(registry));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
