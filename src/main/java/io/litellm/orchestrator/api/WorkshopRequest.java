package io.litellm.orchestrator.api;

import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.litellm.orchestrator.client.Durations;

/**
 * Body of {@code provisionWorkshop}: attendees {@code <userPrefix>1@<userDomain>} … {@code <userPrefix><n>@<userDomain>},
 * one key each. The upper bound of {@code attendees} is configured ({@code orchestrator.workshops.max-attendees}).
 */
@Schema(name = "WorkshopRequest")
public record WorkshopRequest(
        @NotNull(message = "is required") @Min(value = 1, message = "must be at least 1")
        @Schema(description = "Number of attendees, 1 to orchestrator.workshops.max-attendees", examples = "25") Integer attendees,
        @NotNull(message = "is required") @Pattern(regexp = USER_PREFIX, message = "must be 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit")
        @Schema(examples = "participant") String userPrefix,
        @NotNull(message = "is required") @Size(max = 200, message = "must be at most 200 characters") @Pattern(regexp = DOMAIN, message = "must be a domain name such as workshop.example.com")
        @Schema(examples = "workshop.example.com") String userDomain,
        @Size(max = 100) List<@NotNull @Size(min = 1, max = 255) String> models,
        @PositiveOrZero @Schema(description = "Budget of each key in USD") Double maxBudget,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) @Schema(description = "Lifetime of each key", examples = "7d") String duration) {

    public static final String USER_PREFIX = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$";
    public static final String DOMAIN = "^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$";

    /** The user id of attendee {@code index} (1-based). */
    public String userId(int index) {
        return userPrefix + index + "@" + userDomain;
    }
}
