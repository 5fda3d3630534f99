package io.litellm.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.Validation;
import jakarta.validation.Validator;

import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;

/**
 * {@code litellm.list-page-size} outside LiteLLM's {@code /key/list} bounds (1..100) stops the start, naming the
 * setting. The mapping is validated the way Quarkus does at start (SmallRye Config's bean-validation config
 * validator, Hibernate Validator behind it), without booting an application for it.
 */
class LiteLlmConfigTest {

    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private static SmallRyeConfig start(String pageSize) {
        return new SmallRyeConfigBuilder()
                .withMapping(LiteLlmConfig.class)
                // Quarkus's short form of the defaults ("6s"); Quarkus registers its own converter for it
                .withConverter(Duration.class, 200,
                        value -> Duration.parse(value.startsWith("P") ? value : "PT" + value.toUpperCase()))
                .withValidator((BeanValidationConfigValidator) () -> VALIDATOR)
                .withSources(new PropertiesConfigSource(Map.of("litellm.base-url", "http://litellm:4000",
                        "litellm.master-key", "sk-test", "litellm.list-page-size", pageSize), "test", 500))
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = { "101", "1000", "0", "-5" })
    void aPageSizeLiteLlmWouldRefuseStopsTheStartNamingTheSetting(String pageSize) {
        assertThatThrownBy(() -> start(pageSize)).isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("litellm.list-page-size");
    }

    @ParameterizedTest
    @ValueSource(strings = { "1", "50", "100" })
    void aPageSizeWithinLiteLlmsBoundsIsTaken(String pageSize) {
        assertThat(start(pageSize).getConfigMapping(LiteLlmConfig.class).listPageSize())
                .isEqualTo(Integer.parseInt(pageSize));
    }
}
