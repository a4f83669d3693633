package io.sparkrnn.metrics;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code <run>/metrics.jsonl/}: one JSON object per round, in a folder of part files as Spark writes its own JSON
 * output: {@code part-00000.jsonl} holds rounds 1 to {@value #ROUNDS_PER_PART}, {@code part-00001.jsonl} the next
 * {@value #ROUNDS_PER_PART}, and so on. A round rewrites only its own part, through a temporary file and an atomic
 * rename: the cost of a round does not grow with the run, and a reader never sees half a line (appends are not
 * portable across Hadoop file systems, and an append cut short by a full disk would leave one). Opening the journal
 * to resume a run drops, once, the rows of the rounds the run will repeat.
 * <p>
 * Reading rule: every part file in the folder, names starting with '.' or '_' excluded (temporary files), each
 * round exactly once; {@code spark.read.json("<run>/metrics.jsonl")} does exactly that, and {@link #read} too.
 */
public final class MetricsJournal {
    public static final String FILE_NAME = "metrics.jsonl";
    /** Rounds per part file: a round's write is at most this many rows. */
    public static final int ROUNDS_PER_PART = 100;

    private final FileContext files;
    private final Path folder;
    private final FsPermission dirPermission;
    private final FsPermission filePermission;
    private final List<MetricsRow> rows = new ArrayList<>();

    private MetricsJournal(FileContext files, Path folder, FsPermission dirPermission, FsPermission filePermission) {
        this.files = files;
        this.folder = folder;
        this.dirPermission = dirPermission;
        this.filePermission = filePermission;
    }

    /**
     * Opens the journal of a run folder, keeping the rows of rounds up to {@code keepThroughRound}: later rows (of
     * rounds a resumed run repeats) are removed from the files now. A journal of the earlier single-file layout is
     * converted.
     *
     * @param dirPermission, filePermission of the folder and its files, set explicitly so that the umask cannot widen them
     */
    public static MetricsJournal open(String runUri, Configuration conf, int keepThroughRound,
                                      FsPermission dirPermission, FsPermission filePermission) throws IOException {
        Path folder = new Path(runUri, FILE_NAME);
        FileContext files = FileContext.getFileContext(folder.toUri(), conf);
        MetricsJournal journal = new MetricsJournal(files, folder, dirPermission, filePermission);
        boolean exists = files.util().exists(folder);
        boolean singleFile = exists && files.getFileStatus(folder).isFile();
        List<MetricsRow> old = exists ? read(files, folder) : List.of();
        old.stream().filter(row -> round(row) <= keepThroughRound).forEach(journal.rows::add);
        if (singleFile) {
            journal.convertSingleFile();
        } else if (journal.rows.size() < old.size()) {
            journal.dropRowsAfter(keepThroughRound);
        }
        return journal;
    }

    /** The rows of a run's journal, by round (either layout); empty when it has none. */
    public static List<MetricsRow> read(String runUri, Configuration conf) throws IOException {
        Path folder = new Path(runUri, FILE_NAME);
        FileContext files = FileContext.getFileContext(folder.toUri(), conf);
        return files.util().exists(folder) ? read(files, folder) : List.of();
    }

    public List<MetricsRow> rows() { return List.copyOf(rows); }

    /** The newest row: the round before the one about to run. */
    public Optional<MetricsRow> last() {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(rows.size() - 1));
    }

    public void append(MetricsRow row) {
        rows.add(row);
        try {
            writePart(part(round(row)), folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + folder + ": " + e.getMessage(), e);
        }
    }

    private void dropRowsAfter(int round) throws IOException {
        int lastPart = round == 0 ? -1 : part(round);
        for (FileStatus file : partFiles(files, folder)) {
            if (partNumber(file.getPath()) > lastPart) {
                files.delete(file.getPath(), false);
            }
        }
        if (lastPart >= 0) {
            writePart(lastPart, folder);
        }
    }

    /**
     * The earlier layout, one file rewritten whole every round, becomes a folder: written beside it, then moved
     * into its place. A reader in between finds neither, never a mix.
     */
    private void convertSingleFile() throws IOException {
        Path staging = new Path(folder.getParent(), "." + FILE_NAME + ".converting-" + UUID.randomUUID());
        files.mkdir(staging, dirPermission, true);
        files.setPermission(staging, dirPermission);
        for (int part = 0; !rows.isEmpty() && part <= part(round(last().get())); part++) {
            writePart(part, staging);
        }
        files.delete(folder, false);
        files.rename(staging, folder);
    }

    /** Writes part {@code part} of the rows in {@code into} through a temporary file and an atomic rename. */
    private void writePart(int part, Path into) throws IOException {
        if (!files.util().exists(into)) {
            files.mkdir(into, dirPermission, true);
            files.setPermission(into, dirPermission);
        }
        Path target = new Path(into, partName(part));
        Path temp = new Path(into, "." + partName(part) + ".tmp-" + UUID.randomUUID());
        FSDataOutputStream out = files.create(temp, EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE),
                Options.CreateOpts.perms(filePermission));
        try {
            files.setPermission(temp, filePermission);
            for (MetricsRow row : rows) {
                if (part(round(row)) == part) {
                    out.write((row.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // Not try-with-resources: a failed HDFS stream throws the same exception again from close().
            closeQuietly(out, e);
            files.delete(temp, false);
            throw e;
        }
        out.close();
        files.rename(temp, target, Options.Rename.OVERWRITE);
    }

    private static int part(long round) {
        return (int) ((round - 1) / ROUNDS_PER_PART);
    }

    private static long round(MetricsRow row) {
        return (long) row.number("round");
    }

    private static String partName(int part) {
        return String.format("part-%05d.jsonl", part);
    }

    private static int partNumber(Path file) {
        String name = file.getName();
        return Integer.parseInt(name.substring("part-".length(), name.length() - ".jsonl".length()));
    }

    private static List<FileStatus> partFiles(FileContext files, Path folder) throws IOException {
        return Arrays.stream(files.util().listStatus(folder))
                .filter(status -> status.isFile() && status.getPath().getName().matches("part-\\d+\\.jsonl"))
                .sorted(Comparator.comparing(status -> status.getPath().getName()))
                .collect(Collectors.toList());
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

    private static List<MetricsRow> read(FileContext files, Path folder) throws IOException {
        List<Path> sources = files.getFileStatus(folder).isFile() ? List.of(folder)
                : partFiles(files, folder).stream().map(FileStatus::getPath).collect(Collectors.toList());
        List<MetricsRow> rows = new ArrayList<>();
        for (Path source : sources) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(files.open(source), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        rows.add(MetricsRow.fromJson(line));
                    }
                }
            }
        }
        rows.sort(Comparator.comparingLong(MetricsJournal::round));
        return rows;
    }
}
