package io.sparkrnn.ml;

import org.apache.spark.sql.types.StructField;

import java.io.Serializable;
import java.util.List;

/** The columns {@code transform} adds for one kind of model, and their values for a chunk of texts. */
interface OutputColumns extends Serializable {
    /** The added columns, in order. */
    StructField[] fields();

    /** For each text (null included), the values of {@link #fields()}, with a network holding the model. */
    Object[][] values(ScoringModel model, ScoringNetwork network, List<String> texts);
}
