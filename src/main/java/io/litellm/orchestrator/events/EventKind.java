package io.litellm.orchestrator.events;

/**
 * What happened. {@link #type} is the CloudEvents {@code type} suffix and the Backstage notification's kind; the
 * severity is Backstage's ({@code low}, {@code normal}, {@code high}, {@code critical}), findings may raise it.
 */
public enum EventKind {
    KEY_CREATED("key.created", "normal", "LiteLLM key created"),
    KEY_ROTATED("key.rotated", "normal", "LiteLLM key rotated"),
    KEY_DELETED("key.deleted", "normal", "LiteLLM key deleted"),
    KEY_BLOCKED("key.blocked", "high", "LiteLLM key blocked"),
    KEY_UNBLOCKED("key.unblocked", "normal", "LiteLLM key unblocked"),
    USER_BUDGET_CHANGED("user.budget_changed", "normal", "LiteLLM budget changed"),
    WORKSHOP_PROVISIONED("workshop.provisioned", "low", "Workshop provisioned"),
    WORKSHOP_REMOVED("workshop.removed", "low", "Workshop removed"),
    KEY_EXPIRING("key.expiring", "high", "LiteLLM key expires soon"),
    KEY_BUDGET_THRESHOLD("key.budget_threshold", "high", "LiteLLM key budget nearly used"),
    USER_BUDGET_THRESHOLD("user.budget_threshold", "high", "LiteLLM budget nearly used");

    /** CloudEvents type prefix: {@code io.litellm.orchestrator.key.created}. */
    public static final String TYPE_PREFIX = "io.litellm.orchestrator.";

    public final String type;
    public final String severity;
    public final String title;

    EventKind(String type, String severity, String title) {
        this.type = type;
        this.severity = severity;
        this.title = title;
    }

    /** Found by a scan (sent once per threshold), rather than done by a call. */
    public boolean finding() {
        return this == KEY_EXPIRING || this == KEY_BUDGET_THRESHOLD || this == USER_BUDGET_THRESHOLD;
    }
}
