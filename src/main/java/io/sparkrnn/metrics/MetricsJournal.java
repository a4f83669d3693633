package io.sparkrnn.metrics;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

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
    private final FsPermission permission;
    private final List<MetricsRow> rows = new ArrayList<>();

    private MetricsJournal(FileContext files, Path path, FsPermission permission) {
        this.files = files;
        this.path = path;
        this.permission = permission;
    }

    /**
     * Opens the journal of a run folder, keeping the rows of rounds up to {@code keepThroughRound}.
     *
     * @param permission of the file, set explicitly so that the umask cannot widen it
     */
    public static MetricsJournal open(String runUri, Configuration conf, int keepThroughRound, FsPermission permission)
            throws IOException {
        Path path = new Path(runUri, FILE_NAME);
        FileContext files = FileContext.getFileContext(path.toUri(), conf);
        MetricsJournal journal = new MetricsJournal(files, path, permission);
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
        FSDataOutputStream out = files.create(temp, EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE,
                org.apache.hadoop.fs.CreateFlag.OVERWRITE), Options.CreateOpts.createParent(),
                Options.CreateOpts.perms(permission));
        try {
            files.setPermission(temp, permission);
            for (MetricsRow row : rows) {
                out.write((row.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // Not try-with-resources: a failed HDFS stream throws the same exception again from close().
            closeQuietly(out, e);
            files.delete(temp, false);
            throw e;
        }
        out.close();
        files.rename(temp, path, Options.Rename.OVERWRITE);
    }

    private static void closeQuietly(FSDataOutputStream out, IOException failure) {
        try {
            out.close();
        } catch (IOException closing) {
            if (closing != failure) {
                failure.addSuppressed(closing);
            }
        }
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
