package io.litellm.orchestrator.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What our compiled classes do that matters to a native executable, read from their bytecode (ASM): which
 * configuration keys they read at run time ({@code @ConfigProperty} injection points, string constants handed to
 * {@code Config.get…Value}, {@code ${…}} expressions in annotations), what their static initialisers call (a native
 * image runs them at build time), which class-path resources they load, and which classes they hand to Jackson
 * as class literals.
 */
final class CompiledClasses {

    private static final String CONFIG_PROPERTY = "Lorg/eclipse/microprofile/config/inject/ConfigProperty;";
    private static final String OPENAPI_FILTER = "Lio/quarkus/smallrye/openapi/OpenApiFilter;";
    private static final Set<String> CONFIG_TYPES = Set.of("org/eclipse/microprofile/config/Config",
            "io/smallrye/config/SmallRyeConfig");
    private static final Set<String> JACKSON_TYPES = Set.of("com/fasterxml/jackson/databind/ObjectMapper",
            "com/fasterxml/jackson/databind/ObjectReader");
    private static final Set<String> JACKSON_CLASS_METHODS = Set.of("readValue", "convertValue", "treeToValue",
            "readerFor", "readValues");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}:]+)");

    /** A configuration key read by run-time code; {@code key} is null when it is not a constant. */
    record ConfigRead(String key, String where, String how) {
    }

    /** A call made from a static initialiser. */
    record StaticCall(String where, String owner, String name) {
    }

    /** A class-path resource load; {@code name} is null when it is not a constant. */
    record ResourceLoad(String name, String where) {
    }

    /** A class literal handed to Jackson's data binding. */
    record JacksonClass(String className, String where) {
    }

    final List<ConfigRead> configReads = new ArrayList<>();
    final List<StaticCall> staticCalls = new ArrayList<>();
    final List<ResourceLoad> resourceLoads = new ArrayList<>();
    final List<JacksonClass> jacksonClasses = new ArrayList<>();
    /** Per class: its class-level annotations and the classes its constant pool names. */
    record ClassInfo(String name, Set<String> annotations, Set<String> references, boolean devOrTestOnly) {
    }

    final java.util.Map<String, ClassInfo> classInfo = new java.util.HashMap<>();
    /** Classes that only Quarkus' build runs (OpenAPI filters of the BUILD stage): their reads are build time. */
    final Set<String> buildStageOnly = new HashSet<>();
    int classes;

    static CompiledClasses scan(Path root) throws IOException {
        CompiledClasses found = new CompiledClasses();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    found.read(new ClassReader(in));
                }
            }
        }
        return found;
    }

    static CompiledClasses scan(Class<?>... types) throws IOException {
        CompiledClasses found = new CompiledClasses();
        for (Class<?> type : types) {
            try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
                found.read(new ClassReader(in));
            }
        }
        return found;
    }

    /** The reads of classes that run at run time. */
    List<ConfigRead> runTimeConfigReads() {
        return configReads.stream().filter(read -> buildStageOnly.stream()
                .noneMatch(type -> read.where().startsWith(type + "#") || read.where().startsWith(type + ".")))
                .toList();
    }

    /**
     * The classes a production (native) build can reach, as its points-to analysis would roughly see them: every
     * class Quarkus discovers by a class-level annotation (beans, resources, providers, mappings…), except those a
     * build profile confines to dev and test, plus every class their code uses (instantiates, calls, reads a field of,
     * extends), transitively. Plain classes named only by
     * dev/test beans (the LiteLLM simulator) are not in the executable, so neither are their static initialisers.
     */
    Set<String> prodReachable() {
        java.util.Deque<String> todo = new java.util.ArrayDeque<>();
        classInfo.values().stream().filter(c -> !c.annotations().isEmpty() && !c.devOrTestOnly())
                .forEach(c -> todo.add(c.name()));
        Set<String> reached = new HashSet<>();
        while (!todo.isEmpty()) {
            String next = todo.pop();
            ClassInfo info = classInfo.get(next);
            if (info == null || info.devOrTestOnly() || !reached.add(next)) {
                continue;
            }
            todo.addAll(info.references());
        }
        return reached;
    }

    private void read(ClassReader reader) {
        classes++;
        String className = reader.getClassName().replace('/', '.');
        List<ConfigRead> reads = new ArrayList<>();
        Set<String> annotations = new HashSet<>();
        Set<String> references = new HashSet<>();
        Set<String> profiles = new HashSet<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                if (superName != null) {
                    references.add(superName.replace('/', '.'));
                }
                for (String type : interfaces) {
                    references.add(type.replace('/', '.'));
                }
            }

            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                if (!descriptor.startsWith("Ljava/lang/") && !descriptor.startsWith("Lkotlin/")) {
                    annotations.add(descriptor);
                }
                if (OPENAPI_FILTER.equals(descriptor)) {
                    return new StagesVisitor(className);
                }
                if (descriptor.equals("Lio/quarkus/arc/profile/IfBuildProfile;")) {
                    return new AnnotationVisitor(Opcodes.ASM9) {
                        @Override
                        public void visit(String name, Object value) {
                            profiles.add((String) value);
                        }

                        @Override
                        public AnnotationVisitor visitArray(String name) {
                            return this;
                        }

                        @Override
                        public void visitEnd() {
                            profiles.add("");
                        }
                    };
                }
                return new Expressions(className);
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                String where = className + "." + name;
                return new FieldVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        return injectionPoint(annotation, where);
                    }
                };
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                String where = className + "#" + name;
                boolean staticInit = name.equals("<clinit>");
                return new MethodVisitor(Opcodes.ASM9) {
                    private String string;
                    private Type type;

                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        return injectionPoint(annotation, where);
                    }

                    @Override
                    public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation,
                            boolean visible) {
                        return injectionPoint(annotation, where + "(parameter " + parameter + ")");
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        if (value instanceof String s) {
                            string = s;
                        } else if (value instanceof Type t && t.getSort() == Type.OBJECT) {
                            type = t;
                            references.add(t.getClassName());
                        }
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String owner) {
                        references.add(owner.replace('/', '.'));
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                        references.add(owner.replace('/', '.'));
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String method, String desc, org.objectweb.asm.Handle bootstrap,
                            Object... arguments) {
                        for (Object argument : arguments) {
                            if (argument instanceof org.objectweb.asm.Handle handle) {
                                references.add(handle.getOwner().replace('/', '.'));
                            }
                        }
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc,
                            boolean isInterface) {
                        references.add(owner.replace('/', '.'));
                        if (staticInit) {
                            staticCalls.add(new StaticCall(where, owner.replace('/', '.'), method));
                        }
                        if (CONFIG_TYPES.contains(owner) && method.startsWith("get") && method.contains("Value")) {
                            reads.add(new ConfigRead(string, where, "Config." + method));
                        }
                        if ((owner.equals("java/lang/Class") || owner.equals("java/lang/ClassLoader"))
                                && method.startsWith("getResource")) {
                            resourceLoads.add(new ResourceLoad(string, where));
                        }
                        if (JACKSON_TYPES.contains(owner) && JACKSON_CLASS_METHODS.contains(method) && type != null
                                && desc.contains("Ljava/lang/Class;")) {
                            jacksonClasses.add(new JacksonClass(type.getClassName(), where));
                        }
                        string = null;
                        type = null;
                    }
                };
            }

            private AnnotationVisitor injectionPoint(String annotation, String where) {
                if (!CONFIG_PROPERTY.equals(annotation)) {
                    return new Expressions(where);
                }
                return new AnnotationVisitor(Opcodes.ASM9) {
                    @Override
                    public void visit(String name, Object value) {
                        if ("name".equals(name)) {
                            reads.add(new ConfigRead((String) value, where, "@ConfigProperty"));
                        }
                    }
                };
            }

            @Override
            public void visitEnd() {
                configReads.addAll(reads);
                boolean devOrTestOnly = !profiles.isEmpty() && !profiles.contains("prod");
                classInfo.put(className, new ClassInfo(className, annotations, references, devOrTestOnly));
            }
        }, ClassReader.SKIP_FRAMES);
    }

    /** {@code ${key}} expressions in any annotation value are resolved by the run-time configuration. */
    private final class Expressions extends AnnotationVisitor {
        private final String where;

        Expressions(String where) {
            super(Opcodes.ASM9);
            this.where = where;
        }

        @Override
        public void visit(String name, Object value) {
            if (value instanceof String s) {
                Matcher expression = EXPRESSION.matcher(s);
                while (expression.find()) {
                    configReads.add(new ConfigRead(expression.group(1), where, "${…} in an annotation"));
                }
            }
        }

        @Override
        public AnnotationVisitor visitAnnotation(String name, String descriptor) {
            return this;
        }

        @Override
        public AnnotationVisitor visitArray(String name) {
            return this;
        }
    }

    /** {@code @OpenApiFilter(stages = BUILD)} alone: Quarkus runs the filter while building, never at run time. */
    private final class StagesVisitor extends AnnotationVisitor {
        private final String className;
        private final Set<String> stages = new HashSet<>();

        StagesVisitor(String className) {
            super(Opcodes.ASM9);
            this.className = className;
        }

        @Override
        public AnnotationVisitor visitArray(String name) {
            return "stages".equals(name) ? this : null;
        }

        @Override
        public void visitEnum(String name, String descriptor, String value) {
            stages.add(value);
        }

        @Override
        public void visitEnd() {
            if (stages.equals(Set.of("BUILD"))) {
                buildStageOnly.add(className);
            }
        }
    }
}
