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

/** The README is the user's reference: it must name every config key and exit code, and CI must run its test command. */
class DocumentationTest {
    private static final Path ROOT = Path.of(System.getProperty("project.basedir", "."));
    /** Spelled in two pieces so that this file does not match itself. */
    private static final String OUTSIDE = "../" + "shared";

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"));
    }

    @Test
    void everyConfigKeyIsInTheReadmeReference() throws IOException {
        String readme = readme();
        for (String key : Options.all().keySet()) {
            assertTrue(readme.contains("| `" + key + "` |"), "README's configuration reference lacks " + key);
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
