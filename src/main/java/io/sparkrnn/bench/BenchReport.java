package io.sparkrnn.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The harness's output: printed as it is produced, and optionally saved to a file at the end. */
final class BenchReport {
    private final PrintStream out;
    private final List<String> lines = new ArrayList<>();

    BenchReport(PrintStream out) {
        this.out = out;
    }

    void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        lines.add(text);
        out.println(text);
        out.flush();
    }

    void heading(String title) {
        line("");
        line("## %s", title);
    }

    void save(Path file) throws IOException {
        Files.write(file, lines);
    }
}
