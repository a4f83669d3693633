package io.sparkrnn.cli;

import io.sparkrnn.config.ConfigError;
import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.RunSnapshot;
import io.sparkrnn.dist.SnapshotEvaluation;
import io.sparkrnn.train.LossSum;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The promotion gate ({@code evaluate --baseline}, and {@code nightly} before it promotes): a candidate and a
 * baseline language model on the same held-out data (the candidate's corpus and split), both figures printed,
 * then the verdict. Returns {@link ExitCodes#OK} on a pass and {@link ExitCodes#REGRESSION} on a fail.
 */
final class BaselineComparison {
    private BaselineComparison() { }

    static int compare(JavaSparkContext sc, String candidateUri, RunSnapshot candidate, String baselineUri,
                       RegressionGate gate, List<String> overrides) throws IOException {
        if (candidate.isClassifier()) {
            throw new ConfigError(null, "--baseline gates language models on bits per character; checkpoint "
                    + candidateUri + " is a classifier (task = classify). Evaluate both checkpoints without "
                    + "--baseline and compare their accuracy and F1");
        }
        RunSnapshot base = Checkpoints.load(baselineUri, sc.hadoopConfiguration());
        if (base.isClassifier()) {
            throw new ConfigError(null, "baseline " + baselineUri + " is a classifier (task = classify), the candidate "
                    + "a language model: they cannot be compared");
        }
        RunConfig data = ConfigLoader.loadText(candidate.config().render(), candidateUri, overrides);
        LossSum candidateLoss = SnapshotEvaluation.evaluate(sc, data, candidate).loss();
        LossSum baselineLoss = SnapshotEvaluation.evaluate(sc, data, base).loss();
        print("candidate", candidateUri, candidate, candidateLoss);
        print("baseline", baselineUri, base, baselineLoss);
        System.out.printf(Locale.ROOT, "held-out data: %s of %s (run.seed %d)%n",
                data.get(Options.VALIDATION_FRACTION), data.get(Options.CORPUS), data.get(Options.SEED));
        if (!candidate.vocabulary().equals(base.vocabulary())) {
            System.out.println("note: the models have different vocabularies; characters one of them lacks count "
                    + "as <unk> for it, which makes its figure look better than it is");
        }
        System.out.println(gate.verdict(candidateLoss.bitsPerToken(), baselineLoss.bitsPerToken()));
        return gate.passes(candidateLoss.bitsPerToken(), baselineLoss.bitsPerToken()) ? ExitCodes.OK : ExitCodes.REGRESSION;
    }

    static void print(String role, String uri, RunSnapshot snapshot, LossSum loss) {
        System.out.printf(Locale.ROOT, "%s %s (round %d)%nvalidation loss %.4f nats, perplexity %.3f, "
                        + "%.4f bits per character, %,d characters%n", role, uri, snapshot.round(),
                loss.meanLoss(), loss.perplexity(), loss.bitsPerToken(), loss.tokens());
    }
}
