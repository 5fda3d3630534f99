package io.litellm.orchestrator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;

import jakarta.inject.Inject;
import jakarta.validation.ValidatorFactory;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The validator uses our parameter-name provider (names read once per method), and its names are the declared ones,
 * as the default provider's were: a violation still names {@code userId}.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class CachedParameterNamesTest {

    @Inject
    ValidatorFactory validators;

    @Test
    void theValidatorReadsEachMethodsNamesOnceAndTheyAreTheDeclaredOnes() throws Exception {
        assertThat(validators.getParameterNameProvider()).isInstanceOf(CachedParameterNames.class);
        Method getUser = UserResource.class.getMethod("getUser", String.class);
        var names = validators.getParameterNameProvider().getParameterNames(getUser);
        assertThat(names).containsExactly("userId");
        assertThat(validators.getParameterNameProvider().getParameterNames(getUser)).isSameAs(names);
    }
}
