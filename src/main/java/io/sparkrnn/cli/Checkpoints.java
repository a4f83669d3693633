package io.sparkrnn.cli;

import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.dist.RunSnapshot;
import io.sparkrnn.dist.SnapshotFiles;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;

/** Opens the checkpoint a command names: a ckpt-N folder, or a run folder (its latest complete checkpoint). */
final class Checkpoints {
    private Checkpoints() { }

    static RunSnapshot load(String uri, Configuration hadoopConf) throws IOException {
        return SnapshotFiles.read(CheckpointRef.resolve(uri, hadoopConf));
    }
}
