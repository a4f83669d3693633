package io.sparkrnn.train;

import java.io.Serializable;

/**
 * Counts of (true label, predicted label) pairs, and the classification metrics read from them. Adds up across
 * shards like {@link LossSum}.
 */
public final class Confusion implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[][] counts;

    public Confusion(int labels) {
        this.counts = new long[labels][labels];
    }

    public void add(int actual, int predicted) {
        counts[actual][predicted]++;
    }

    public Confusion plus(Confusion other) {
        Confusion sum = new Confusion(counts.length);
        for (int a = 0; a < counts.length; a++) {
            for (int p = 0; p < counts.length; p++) {
                sum.counts[a][p] = counts[a][p] + other.counts[a][p];
            }
        }
        return sum;
    }

    public int labels() { return counts.length; }

    public long total() {
        long total = 0;
        for (int a = 0; a < counts.length; a++) {
            total += support(a);
        }
        return total;
    }

    /** Examples whose true label is {@code label}. */
    public long support(int label) {
        long n = 0;
        for (long c : counts[label]) {
            n += c;
        }
        return n;
    }

    private long predicted(int label) {
        long n = 0;
        for (long[] row : counts) {
            n += row[label];
        }
        return n;
    }

    /** Fraction classified correctly; NaN without examples. */
    public double accuracy() {
        long correct = 0;
        for (int a = 0; a < counts.length; a++) {
            correct += counts[a][a];
        }
        long total = total();
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Of the examples predicted as {@code label}, the fraction that are; 0 when none is predicted so. */
    public double precision(int label) {
        long predicted = predicted(label);
        return predicted == 0 ? 0 : (double) counts[label][label] / predicted;
    }

    /** Of the examples of {@code label}, the fraction predicted so; 0 when there are none. */
    public double recall(int label) {
        long support = support(label);
        return support == 0 ? 0 : (double) counts[label][label] / support;
    }

    public double f1(int label) {
        double p = precision(label);
        double r = recall(label);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Unweighted mean of the labels' F1 (a label with no example and no prediction counts as 0). */
    public double macroF1() {
        double sum = 0;
        for (int label = 0; label < counts.length; label++) {
            sum += f1(label);
        }
        return sum / counts.length;
    }
}
