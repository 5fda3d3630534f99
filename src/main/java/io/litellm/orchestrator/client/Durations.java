package io.litellm.orchestrator.client;

/** The duration syntax LiteLLM parses ({@code 30s}, {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w}, {@code 1mo}). */
public final class Durations {

    public static final String PATTERN = "^[1-9][0-9]{0,5}(s|m|h|d|w|mo)$";
    public static final String MESSAGE = "must be a LiteLLM duration such as 30s, 30m, 12h, 7d, 2w or 1mo";

    private Durations() {
    }

    /**
     * A duration matching {@link #PATTERN} as a fixed length; a month counts 30 days. For bounds on short spans (a
     * grace period); a key's lifetime is counted exactly by {@link #expiresAt}.
     */
    public static java.time.Duration parse(String value) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("^([0-9]+)(s|m|h|d|w|mo)$").matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(MESSAGE);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(amount);
            case "m" -> java.time.Duration.ofMinutes(amount);
            case "h" -> java.time.Duration.ofHours(amount);
            case "d" -> java.time.Duration.ofDays(amount);
            case "w" -> java.time.Duration.ofDays(7 * amount);
            default -> java.time.Duration.ofDays(30 * amount);
        };
    }

    /**
     * When a key given {@code value} at {@code now} expires, counted as LiteLLM counts it: {@code generate_key_helper_fn}
     * and {@code prepare_key_update_data} (key_management_endpoints.py) set {@code expires = now(UTC) +
     * duration_in_seconds(duration)}, and {@code duration_in_seconds} (litellm_core_utils/duration_parser.py) takes
     * {@code s, m, h, d, w} as fixed lengths and {@code Nmo} as calendar months: the same day and time N months on,
     * the day cut to the target month's last (1mo from 31 January is 28 or 29 February, not 30 days). LiteLLM does
     * the month arithmetic on its server's local clock; we count in UTC, as LiteLLM's images run.
     */
    public static java.time.Instant expiresAt(String value, java.time.Instant now) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("^([0-9]+)(s|m|h|d|w|mo)$").matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(MESSAGE);
        }
        long amount = Long.parseLong(matcher.group(1));
        if (matcher.group(2).equals("mo")) {
            java.time.LocalDateTime from = java.time.LocalDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
            // plusMonths keeps the day and cuts it to the target month's length, as duration_in_seconds does;
            // LiteLLM then keeps whole seconds (int(total_seconds()))
            long seconds = java.time.Duration.between(from, from.plusMonths(amount)).toSeconds();
            return now.plusSeconds(seconds);
        }
        return now.plus(parse(value));
    }
}
