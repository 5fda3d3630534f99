package io.litellm.orchestrator.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.interceptor.InterceptorBinding;

/**
 * The routes of the annotated resource answer within the request's deadline ({@link DeadlineInterceptor}). Every
 * resource under {@code /api/litellm-orchestrator} must carry it; a new resource without it is not bounded.
 */
@InterceptorBinding
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface WithinDeadline {
}
