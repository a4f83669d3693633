package io.sparkrnn.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README and docs/ are the user's reference: they must name every config key and exit code, CI must run the
 * README's test command, the README stays short enough to read, and no link leads nowhere.
 */
class DocumentationTest {
    private static final Path ROOT = Path.of(System.getProperty("project.basedir", "."));
    /** Spelled in two pieces so that this file does not match itself. */
    private static final String OUTSIDE = "../" + "shared";

    /** A markdown link's target, up to its closing parenthesis; an address with a scheme (https:, mailto:) is not a file. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    /** A newcomer reads the README through; reference material lives in docs/. */
    private static final int README_MAX_BYTES = 20_000;

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"));
    }

    @Test
    void everyConfigKeyIsInTheConfigurationReference() throws IOException {
        String reference = Files.readString(ROOT.resolve("docs/CONFIGURATION.md"));
        for (String key : Options.all().keySet()) {
            assertTrue(reference.contains("| `" + key + "` |"), "docs/CONFIGURATION.md lacks " + key);
        }
    }

    @Test
    void readmeStaysShort() throws IOException {
        long size = Files.size(ROOT.resolve("README.md"));
        assertTrue(size < README_MAX_BYTES, "README.md is " + size + " bytes, at most " + (README_MAX_BYTES - 1)
                + " allowed: move reference material into docs/ and link it");
    }

    @Test
    void everyRelativeLinkOfTheReadmeAndDocsPointsToAFileOfTheRepository() throws IOException {
        Path root = ROOT.toAbsolutePath().normalize();
        List<Path> documents;
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            documents = Stream.concat(Stream.of(root.resolve("README.md")),
                    docs.filter(file -> file.toString().endsWith(".md"))).toList();
        }
        assertTrue(documents.size() > 5, "docs/ holds no markdown: " + documents);
        for (Path document : documents) {
            Matcher link = LINK.matcher(Files.readString(document));
            while (link.find()) {
                String target = link.group(1);
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                if (SCHEME.matcher(target).find() || file.isEmpty()) {
                    continue;
                }
                Path resolved = document.getParent().resolve(file).normalize();
                assertTrue(resolved.startsWith(root), root.relativize(document) + " links to " + target
                        + ", outside the repository");
                assertTrue(Files.exists(resolved), root.relativize(document) + " links to " + target
                        + ", but " + root.relativize(resolved) + " does not exist");
            }
        }
    }

    @Test
    void everyExitCodeIsInTheReadmeTable() throws IOException, IllegalAccessException {
        String readme = readme();
        for (Field field : ExitCodes.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                int code = field.getInt(null);
                assertTrue(readme.contains("\n| " + code + " | "), "README's exit code table lacks " + code + " (" + field.getName() + ")");
            }
        }
    }

    @Test
    void ciRunsTheReadmeTestCommand() throws IOException {
        Matcher command = Pattern.compile("# 2\\. run the test suite\\n(mvn [^\\n]*)\\n").matcher(readme());
        assertTrue(command.find(), "README quick start names no test command");
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        assertTrue(ci.contains("\n" + command.group(1).trim() + "\n"), ".ci/run must run exactly: " + command.group(1));
    }

    /** The repository stands alone: a clone elsewhere has no sibling folders, so no document or script may point at one. */
    @Test
    void nothingReachesOutsideTheRepository() throws IOException {
        List<Path> roots = Stream.of("README.md", "docs", "conf", "deploy", "notebooks-zeppelin", "src", ".ci", "pom.xml")
                .map(ROOT::resolve).filter(Files::exists).toList();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).filter(DocumentationTest::isText).toList()) {
                    String text = Files.readString(file);
                    assertTrue(!text.contains(OUTSIDE), file + " refers to " + OUTSIDE + ", outside the repository");
                }
            }
        }
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return Stream.of(".md", ".java", ".scala", ".conf", ".sh", ".json", ".xml", ".py", ".properties", "run", "sparkrnn")
                .anyMatch(name::endsWith);
    }

    @Test
    void readmeNamesEveryBuildCiRuns() throws IOException {
        String readme = readme();
        for (String line : Files.readAllLines(ROOT.resolve(".ci/run"))) {
            if (line.startsWith("mvn ")) {
                assertTrue(readme.contains(line), "README does not say that CI runs " + line);
            }
        }
    }
}
