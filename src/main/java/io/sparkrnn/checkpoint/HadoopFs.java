package io.sparkrnn.checkpoint;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The few file operations checkpoints need, over one Hadoop {@link FileContext}.
 *
 * <p>FileContext rather than FileSystem because only {@code FileContext.rename(.., OVERWRITE)} replaces
 * a file atomically on HDFS (what Spark's CheckpointFileManager relies on for the same reason).
 * Permissions are set explicitly after creation because create/mkdir apply the configured umask.
 */
final class HadoopFs {
    private final FileContext fc;

    private HadoopFs(FileContext fc) {
        this.fc = fc;
    }

    /** The file context for the file system {@code path} lives on (scheme-less paths: the default FS). */
    static HadoopFs forPath(Path path, Configuration conf) throws IOException {
        URI uri = path.toUri();
        String scheme = uri.getScheme();
        URI defaultFs = FileSystem.getDefaultUri(conf);
        // "hdfs:///runs" means "on the default HDFS", as FileSystem.get understands it; FileContext
        // would reject the missing authority.
        boolean onDefault = scheme == null
                || (uri.getAuthority() == null && !"file".equals(scheme) && scheme.equals(defaultFs.getScheme()));
        FileContext fc = onDefault ? FileContext.getFileContext(conf) : FileContext.getFileContext(uri, conf);
        return new HadoopFs(fc);
    }

    Path qualify(Path path) {
        return fc.makeQualified(path);
    }

    boolean exists(Path path) throws IOException {
        return fc.util().exists(path);
    }

    FileStatus status(Path path) throws IOException {
        return fc.getFileStatus(path);
    }

    /** The entries of {@code dir}; empty if it does not exist. */
    List<FileStatus> list(Path dir) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        try {
            RemoteIterator<FileStatus> it = fc.listStatus(dir);
            while (it.hasNext()) {
                out.add(it.next());
            }
        } catch (FileNotFoundException e) {
            return List.of();
        }
        return out;
    }

    /**
     * Creates {@code dir} (and missing parents) unless it exists; a folder we create gets
     * {@code permission} exactly. An existing folder is left as it is: it may be shared.
     */
    void mkdirs(Path dir, FsPermission permission) throws IOException {
        if (exists(dir)) {
            if (!status(dir).isDirectory()) {
                throw new CheckpointException(dir + " is a file, not a folder: remove it or choose another path");
            }
            return;
        }
        fc.mkdir(dir, permission, true);
        fc.setPermission(dir, permission);
    }

    /**
     * Creates a new file (never overwrites) with {@code permission} set before any byte is written. Of two
     * processes creating the same file at once exactly one succeeds: HDFS's NameNode guarantees it, but the local
     * file system's create checks existence and then opens, so on {@code file://} the file is first claimed with
     * an O_EXCL create (the run lock depends on this).
     */
    FSDataOutputStream create(Path file, FsPermission permission) throws IOException {
        EnumSet<CreateFlag> flags = EnumSet.of(CreateFlag.CREATE);
        Path qualified = qualify(file);
        if ("file".equals(qualified.toUri().getScheme())) {
            try {
                Files.createFile(Paths.get(qualified.toUri()));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new FileAlreadyExistsException(qualified + " already exists");
            }
            flags = EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE);
        }
        FSDataOutputStream out = fc.create(file, flags, Options.CreateOpts.perms(permission));
        try {
            fc.setPermission(file, permission);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /**
     * Creates {@code file} (never overwriting), lets {@code body} write it, syncs and closes it. Not
     * try-with-resources: when a write fails (HDFS: a space quota, a lost DataNode) DFSOutputStream's close throws
     * the very same exception, and adding it to itself as suppressed would replace it by an IllegalArgumentException.
     */
    void writeFile(Path file, FsPermission permission, IOConsumer<FSDataOutputStream> body) throws IOException {
        FSDataOutputStream out = create(file, permission);
        try {
            body.accept(out);
            sync(out);
        } catch (IOException | RuntimeException | Error e) {
            try {
                out.close();
            } catch (IOException | RuntimeException closing) {
                if (closing != e) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
        out.close();
    }

    FSDataInputStream open(Path file) throws IOException {
        return fc.open(file);
    }

    void rename(Path src, Path dst, boolean overwrite) throws IOException {
        fc.rename(src, dst, overwrite ? Options.Rename.OVERWRITE : Options.Rename.NONE);
    }

    boolean delete(Path path, boolean recursive) throws IOException {
        return fc.delete(path, recursive);
    }

    /**
     * Forces the bytes to the storage devices where the stream supports it (HDFS: the DataNodes' disks),
     * so a completed checkpoint survives a power loss and not only a process crash.
     */
    static void sync(FSDataOutputStream out) throws IOException {
        out.flush();
        if (out.hasCapability(StreamCapabilities.HSYNC)) {
            out.hsync();
        }
    }
}
