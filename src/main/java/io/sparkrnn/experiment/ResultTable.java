package io.sparkrnn.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An experiment's result: named columns, rows of cells, written as markdown (for people) and CSV (for tools);
 * optionally followed by further tables (parts) of the same experiment, each in the markdown under its title and
 * in its own CSV file.
 */
public final class ResultTable {
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, ResultTable> parts = new LinkedHashMap<>();
    private final Map<String, String> partTitles = new LinkedHashMap<>();

    public ResultTable(String... columns) {
        this.columns = List.of(columns);
    }

    public ResultTable add(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns.size() + " columns " + columns);
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(format(cell));
        }
        rows.add(row);
        return this;
    }

    /** A line printed under the markdown table (not in the CSV): how a figure was measured. */
    public ResultTable note(String note) {
        notes.add(note);
        return this;
    }

    /** Adds a further table, written under {@code title} in the markdown and as NAME-{@code suffix}.csv. */
    public ResultTable part(String suffix, String title, ResultTable part) {
        parts.put(suffix, part);
        partTitles.put(suffix, title);
        return this;
    }

    public String markdown() {
        StringBuilder text = new StringBuilder();
        text.append("| ").append(String.join(" | ", columns)).append(" |\n");
        text.append(columns.stream().map(c -> "---").collect(Collectors.joining(" | ", "| ", " |\n")));
        for (List<String> row : rows) {
            text.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        notes.forEach(note -> text.append('\n').append(note).append('\n'));
        parts.forEach((suffix, part) -> text.append("\n### ").append(partTitles.get(suffix)).append("\n\n")
                .append(part.markdown()));
        return text.toString();
    }

    public String csv() {
        StringBuilder text = new StringBuilder(columns.stream().map(ResultTable::csvCell)
                .collect(Collectors.joining(","))).append('\n');
        for (List<String> row : rows) {
            text.append(row.stream().map(ResultTable::csvCell).collect(Collectors.joining(","))).append('\n');
        }
        return text.toString();
    }

    /** Writes NAME.md (claim and tables), NAME.csv and NAME-SUFFIX.csv of each part into {@code folder}, creating it. */
    public void write(Path folder, String name, String heading) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(name + ".md"), heading + "\n\n" + markdown(), StandardCharsets.UTF_8);
        Files.writeString(folder.resolve(name + ".csv"), csv(), StandardCharsets.UTF_8);
        for (Map.Entry<String, ResultTable> part : parts.entrySet()) {
            Files.writeString(folder.resolve(name + "-" + part.getKey() + ".csv"), part.getValue().csv(),
                    StandardCharsets.UTF_8);
        }
    }

    /** The names of the files {@link #write} writes besides NAME.md and NAME.csv. */
    public List<String> partFiles(String name) {
        return parts.keySet().stream().map(suffix -> name + "-" + suffix + ".csv").collect(Collectors.toList());
    }

    private static String format(Object cell) {
        if (cell instanceof Double || cell instanceof Float) {
            double value = ((Number) cell).doubleValue();
            return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "NaN";
        }
        return String.valueOf(cell);
    }

    private static String csvCell(String cell) {
        return cell.contains(",") || cell.contains("\"") ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}
