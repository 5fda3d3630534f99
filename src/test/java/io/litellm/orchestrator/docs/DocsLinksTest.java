package io.litellm.orchestrator.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * README.md and docs/*.md link each other (operations chapters live in docs/): every relative link must name a file
 * that exists and, with {@code #anchor}, a heading of that file (anchors as GitHub makes them). Links inside code are
 * not links; http(s) links are not checked.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *#*$");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        assertTrue(files.size() > 1, "docs/*.md: " + files);
        List<String> problems = new ArrayList<>();
        int links = 0;
        for (Path file : files) {
            links += check(file, Files.readString(file), DocsLinksTest::read, problems);
        }
        assertEquals(List.of(), problems);
        assertTrue(links >= files.size(), "every file links somewhere: " + links + " links");
    }

    @Test
    void theCheckSeesWhatItLooksFor() {
        Map<Path, String> fake = Map.of(Path.of("docs", "b.md"), "# B title\n\n## Second `part` (x)\n");
        String text = """
                [ok](docs/b.md#second-part-x) [ok](#a) [missing file](docs/none.md)
                [missing anchor](docs/b.md#third) [web](https://example.com/x.md)
                `[in code](docs/none.md)`
                ```
                [in a fence](docs/none.md)
                ```
                # A
                """;
        List<String> problems = new ArrayList<>();
        check(Path.of("README.md"), text, path -> fake.get(path.normalize()), problems);
        assertEquals(2, problems.size(), problems.toString());
    }

    /** Checks the links of {@code text} (the content of {@code file}); returns how many relative links it has. */
    static int check(Path file, String text, Function<Path, String> reader, List<String> problems) {
        int count = 0;
        boolean fence = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("```")) {
                fence = !fence;
                continue;
            }
            if (fence) {
                continue;
            }
            Matcher matcher = LINK.matcher(line.replaceAll("`[^`]*`", ""));
            while (matcher.find()) {
                String target = matcher.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                count++;
                int hash = target.indexOf('#');
                String pathPart = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = pathPart.isEmpty() ? file : resolve(file, pathPart);
                String where = file + ":" + (i + 1) + " " + target;
                String content = pathPart.isEmpty() ? text : reader.apply(resolved);
                if (content == null) {
                    problems.add(where + ": no file " + resolved);
                } else if (anchor != null && !anchors(content).contains(anchor)) {
                    problems.add(where + ": no heading #" + anchor + " in " + resolved);
                }
            }
        }
        return count;
    }

    private static Path resolve(Path file, String relative) {
        Path parent = file.getParent();
        return (parent == null ? Path.of(relative) : parent.resolve(relative)).normalize();
    }

    /** The anchors GitHub gives the headings of a Markdown text (repeats get -1, -2, …). */
    static Set<String> anchors(String text) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fence = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("```")) {
                fence = !fence;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (fence || !heading.matches()) {
                continue;
            }
            String slug = heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
    }

    private static String read(Path path) {
        if (!Files.isRegularFile(path)) {
            return Files.isDirectory(path) ? "" : null;
        }
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
