package io.sparkrnn.metrics;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code <run>/metrics.jsonl}: one JSON object per round. The whole file is rewritten through a temporary file
 * and an atomic rename, because appends are not portable across Hadoop file systems and a reader must never
 * see half a line. Rounds after a resume replace the rows of the rounds they repeat.
 */
public final class MetricsJournal {
    public static final String FILE_NAME = "metrics.jsonl";

    private final FileContext files;
    private final Path path;
    private final List<MetricsRow> rows = new ArrayList<>();

    private MetricsJournal(FileContext files, Path path) {
        this.files = files;
        this.path = path;
    }

    /** Opens the journal of a run folder, keeping the rows of rounds up to {@code keepThroughRound}. */
    public static MetricsJournal open(String runUri, Configuration conf, int keepThroughRound) throws IOException {
        Path path = new Path(runUri, FILE_NAME);
        FileContext files = FileContext.getFileContext(path.toUri(), conf);
        MetricsJournal journal = new MetricsJournal(files, path);
        if (files.util().exists(path)) {
            for (MetricsRow row : read(files, path)) {
                if (row.number("round") <= keepThroughRound) {
                    journal.rows.add(row);
                }
            }
        }
        return journal;
    }

    public List<MetricsRow> rows() { return List.copyOf(rows); }

    /** The newest row: the round before the one about to run. */
    public Optional<MetricsRow> last() {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(rows.size() - 1));
    }

    public void append(MetricsRow row) {
        rows.add(row);
        try {
            rewrite();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private void rewrite() throws IOException {
        Path temp = new Path(path.getParent(), "." + FILE_NAME + ".tmp-" + UUID.randomUUID());
        try (FSDataOutputStream out = files.create(temp, EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE,
                org.apache.hadoop.fs.CreateFlag.OVERWRITE), Options.CreateOpts.createParent())) {
            for (MetricsRow row : rows) {
                out.write((row.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        files.rename(temp, path, Options.Rename.OVERWRITE);
    }

    static List<MetricsRow> read(FileContext files, Path path) throws IOException {
        List<MetricsRow> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(files.open(path), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(MetricsRow.fromJson(line));
                }
            }
        }
        return rows;
    }
}
