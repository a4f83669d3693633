package io.sparkrnn.experiment;

import java.io.IOException;

/** One of the lecture's claims, run on generated data; its result is one table. */
public interface Experiment {
    /** The name on the command line: sparkrnn experiment NAME. */
    String name();

    /** The claim, one sentence, printed above the table. */
    String claim();

    ResultTable run(ExperimentContext context) throws IOException;
}
