package io.sparkrnn.checkpoint;

import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * How many checkpoints to keep and which permissions they get. Immutable.
 *
 * <p>Permissions are octal strings as in {@code chmod} ("750"). They are applied explicitly after
 * creation, so a loose umask cannot widen them (and a strict one cannot make the folders unusable).
 */
public final class CheckpointPolicy {
    private static final Pattern OCTAL = Pattern.compile("[0-7]{3,4}");

    private final int keep;
    private final String dirPermission;
    private final String filePermission;

    /**
     * @param keep how many of the newest complete checkpoints to keep (>= 1); the one with the best
     *     validation loss is kept in addition
     * @param dirPermission octal permission of run and checkpoint folders; the owner needs rwx
     * @param filePermission octal permission of checkpoint files; the owner needs rw
     */
    public CheckpointPolicy(int keep, String dirPermission, String filePermission) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1 (the newest checkpoint is always kept), got " + keep);
        }
        this.keep = keep;
        this.dirPermission = checkOctal("dirPermission", dirPermission, 07, "rwx (7xx), or the folder cannot be filled or listed");
        this.filePermission = checkOctal("filePermission", filePermission, 06, "rw (6xx), or the file cannot be written and read back");
    }

    /** Keep 3, folders 750, files 640: the group (e.g. the team's Spark user) can read, others nothing. */
    public static CheckpointPolicy defaults() {
        return new CheckpointPolicy(3, "750", "640");
    }

    private static String checkOctal(String what, String value, int ownerBits, String why) {
        if (value == null || !OCTAL.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 3 or 4 octal digits like \"750\", got "
                    + (value == null ? "null" : "\"" + value + "\""));
        }
        int bits = Integer.parseInt(value, 8);
        if (((bits >> 6) & ownerBits) != ownerBits) {
            throw new IllegalArgumentException(what + " must give the owner " + why + ", got \"" + value + "\"");
        }
        return value;
    }

    public int keep() {
        return keep;
    }

    /** The folder permission as given, e.g. "750". */
    public String dirPermissionOctal() {
        return dirPermission;
    }

    /** The file permission as given, e.g. "640". */
    public String filePermissionOctal() {
        return filePermission;
    }

    public FsPermission dirPermission() {
        return new FsPermission((short) Integer.parseInt(dirPermission, 8));
    }

    public FsPermission filePermission() {
        return new FsPermission((short) Integer.parseInt(filePermission, 8));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CheckpointPolicy)) {
            return false;
        }
        CheckpointPolicy p = (CheckpointPolicy) o;
        return keep == p.keep && dirPermission.equals(p.dirPermission) && filePermission.equals(p.filePermission);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keep, dirPermission, filePermission);
    }

    @Override
    public String toString() {
        return "CheckpointPolicy(keep=" + keep + ", dirPermission=" + dirPermission + ", filePermission=" + filePermission + ")";
    }
}
