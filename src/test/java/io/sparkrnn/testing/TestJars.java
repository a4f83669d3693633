package io.sparkrnn.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Builds small application jars for cluster tests from compiled classes (e.g. target/test-classes). */
public final class TestJars {

  private TestJars() {}

  /**
   * Writes {@code jar} with every file under {@code classesDir} whose '/'-separated relative path
   * passes {@code include} (plus the directory entries above them), and a manifest naming
   * {@code mainClass} when it is not null. Returns the number of files written.
   */
  public static int jar(Path classesDir, Path jar, Predicate<String> include, String mainClass)
      throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classesDir)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> include.test(relative(classesDir, p)))
          .sorted()
          .collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new IOException("no files under " + classesDir + " match the filter");
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    }
    Files.createDirectories(jar.toAbsolutePath().getParent());
    Set<String> dirs = new HashSet<>();
    try (OutputStream out = Files.newOutputStream(jar);
         JarOutputStream jos = new JarOutputStream(out, manifest)) {
      for (Path file : files) {
        String name = relative(classesDir, file);
        for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
          String dir = name.substring(0, i + 1);
          if (dirs.add(dir)) {
            jos.putNextEntry(new JarEntry(dir));
            jos.closeEntry();
          }
        }
        jos.putNextEntry(new JarEntry(name));
        Files.copy(file, jos);
        jos.closeEntry();
      }
    }
    return files.size();
  }

  /**
   * A jar of the files whose relative path starts with one of {@code pathPrefixes}, e.g.
   * {@code "io/sparkrnn/testing/HdfsWordCountApp"} (also takes its nested classes).
   */
  public static Path jarOfClasses(Path classesDir, Path jar, String... pathPrefixes) throws IOException {
    jar(classesDir, jar, name -> Stream.of(pathPrefixes).anyMatch(name::startsWith), null);
    return jar;
  }

  private static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
