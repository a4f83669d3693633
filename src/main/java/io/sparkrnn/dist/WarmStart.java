package io.sparkrnn.dist;

/**
 * The checkpoint a run was warm-started from ({@code train --init-from}). Saved in every checkpoint of the
 * run, so that running the same command again resumes the run instead of starting it over.
 *
 * @param uri the URI as given on the command line (a run folder, a promoted folder or a ckpt-N folder)
 * @param checkpointUri the ckpt-N folder it resolved to
 * @param round the round that checkpoint's run had trained
 */
public record WarmStart(String uri, String checkpointUri, int round) {
}
