package io.sparkrnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes this process has read and written through system calls (Linux /proc/self/io rchar, wchar): sockets and
 * files alike. A Spark driver on a cluster writes no shuffle files, so between two moments of a round without
 * evaluation or checkpoint its counts are the broadcast and task traffic it serves and receives.
 */
final class ProcessIo {
    final long read;
    final long written;

    private ProcessIo(long read, long written) {
        this.read = read;
        this.written = written;
    }

    static ProcessIo now() {
        long read = -1;
        long written = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("rchar:")) {
                    read = Long.parseLong(line.substring(6).trim());
                } else if (line.startsWith("wchar:")) {
                    written = Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new ProcessIo(-1, -1);
        }
        return new ProcessIo(read, written);
    }

    boolean known() { return read >= 0 && written >= 0; }
}
