package io.litellm.orchestrator.rest;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;
import jakarta.validation.ParameterNameProvider;

/**
 * The parameter names Hibernate Validator puts in a violation's path ({@code getUser.id}), read once per method.
 * The default provider reads them by reflection on every validated call (a copied {@code Parameter[]} and a new
 * list each time), and every REST call with a constrained path parameter is validated. Same names as the default:
 * {@link Parameter#getName()}, the declared name when compiled with {@code -parameters}, else {@code argN}.
 * Quarkus hands a bean of this type to the validator factory.
 */
@Singleton
public class CachedParameterNames implements ParameterNameProvider {

    private final Map<Executable, List<String>> names = new ConcurrentHashMap<>();

    @Override
    public List<String> getParameterNames(Constructor<?> constructor) {
        return of(constructor);
    }

    @Override
    public List<String> getParameterNames(Method method) {
        return of(method);
    }

    private List<String> of(Executable executable) {
        List<String> known = names.get(executable);
        return known != null ? known : names.computeIfAbsent(executable, CachedParameterNames::read);
    }

    private static List<String> read(Executable executable) {
        List<String> read = new ArrayList<>();
        for (Parameter parameter : executable.getParameters()) {
            read.add(parameter.getName());
        }
        return List.copyOf(read);
    }
}
