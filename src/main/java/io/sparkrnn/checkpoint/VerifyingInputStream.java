package io.sparkrnn.checkpoint;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes what is read and, on reaching the end, throws if the size or SHA-256 differ from the manifest.
 * So a caller that reads a file to the end never silently gets corrupted bytes, at no extra pass.
 * mark/reset and skip are not supported, because they would break the running hash.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest sha = Sha256.newDigest();
    private final Manifest.Entry expected;
    private final String where;
    private long count;
    private boolean checked;

    VerifyingInputStream(InputStream in, Manifest.Entry expected, String where) {
        super(in);
        this.expected = expected;
        this.where = where;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            atEnd();
        } else {
            sha.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            atEnd();
        } else {
            sha.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Read and discard, so the hash still covers every byte.
        byte[] buf = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void atEnd() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        if (count != expected.bytes()) {
            throw new CheckpointException(where + " has " + count + " bytes but checksums.json says " + expected.bytes()
                    + ": the file was truncated or changed after the checkpoint was written");
        }
        String actual = Sha256.hex(sha.digest());
        if (!actual.equals(expected.sha256())) {
            throw new CheckpointException(where + " is corrupt: SHA-256 " + actual + " but checksums.json says "
                    + expected.sha256() + ". Resume from another checkpoint");
        }
    }
}
