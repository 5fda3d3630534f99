package io.litellm.orchestrator.events;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The two wire forms of an event. Only what {@link LifecycleEvent} holds goes out, and it holds no secret.
 */
public final class Payloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /**
     * CloudEvents 1.0 in its JSON format, structured mode (spec "JSON Event Format": specversion, id, source, type,
     * subject, time, datacontenttype, data).
     */
    public static ObjectNode cloudEvent(LifecycleEvent event, String source) {
        ObjectNode body = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("id", event.id())
                .put("source", source)
                .put("type", EventKind.TYPE_PREFIX + event.kind().type)
                .put("subject", event.subject())
                .put("time", event.time().toString())
                .put("datacontenttype", "application/json");
        ObjectNode data = body.putObject("data");
        data.put("kind", event.kind().type);
        data.put("severity", event.severity());
        ObjectNode owner = data.putObject("owner");
        owner.put("type", event.owner().kind().name().toLowerCase(java.util.Locale.ROOT));
        owner.put("id", event.owner().id());
        putIfSet(data, "keyId", event.keyId());
        putIfSet(data, "keyRef", event.keyRef());
        putIfSet(data, "keyAlias", event.keyAlias());
        putIfSet(data, "description", event.description());
        for (Map.Entry<String, Object> detail : event.details().entrySet()) {
            data.set(detail.getKey(), JSON.valueToTree(detail.getValue()));
        }
        return body;
    }

    /**
     * The body of Backstage's {@code POST /api/notifications/notifications} (plugins/notifications-backend, its
     * router's "external services" route; options as NotificationSendOptions of plugin-notifications-node):
     * {@code {recipients: {type: "entity", entityRef: [...]}, payload: {title, description, link, severity, topic,
     * scope}}}. A user entity gets it, a group entity each of its members. {@code scope} is the event id: Backstage
     * updates a user's notification of the same scope (and origin) rather than adding a second one.
     */
    public static ObjectNode backstageNotification(LifecycleEvent event, String entityRef, String link, String topic) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode recipients = body.putObject("recipients").put("type", "entity");
        recipients.putArray("entityRef").add(entityRef);
        ObjectNode payload = body.putObject("payload");
        payload.put("title", event.kind().title + (event.keyAlias() != null ? ": " + event.keyAlias() : ""));
        payload.put("description", event.description());
        if (link != null) {
            payload.put("link", link);
        }
        payload.put("severity", event.severity());
        payload.put("topic", topic);
        payload.put("scope", event.id());
        return body;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
