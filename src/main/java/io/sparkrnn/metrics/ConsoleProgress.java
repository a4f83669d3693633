package io.sparkrnn.metrics;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One line per round on the console: what a user watching a terminal, a notebook cell or a scheduler's log
 * needs (loss, bits per character, throughput, time left). Quiet mode prints only the summary lines.
 */
public final class ConsoleProgress {
    private final PrintStream out;
    private final boolean quiet;

    public ConsoleProgress(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    public void info(String message) {
        if (!quiet) {
            out.println(message);
            out.flush();
        }
    }

    /** Always printed, also in quiet mode. */
    public void summary(String message) {
        out.println(message);
        out.flush();
    }

    public void round(MetricsRow row, int totalRounds, double secondsLeft) {
        if (quiet) {
            return;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d/%d  epoch %.2f  loss %.4f (%.3f bpc)",
                (long) row.number("round"), totalRounds, row.number("epoch"), row.number("trainLoss"), row.number("trainBpc")));
        if (!Double.isNaN(row.number("valBpc"))) {
            line.append(String.format(Locale.ROOT, "  val %.4f (%.3f bpc)", row.number("valLoss"), row.number("valBpc")));
        }
        line.append(String.format(Locale.ROOT, "  |g| %.2f clip %.0f%%  %,.0f tok/s  ETA %s",
                row.number("gradNormMean"), 100 * row.number("clipRate"), row.number("tokensPerSecond"),
                duration(secondsLeft)));
        if (row.number("nonFiniteReplicas") > 0) {
            line.append(String.format(Locale.ROOT, "  [%d replica(s) dropped: non-finite]", (long) row.number("nonFiniteReplicas")));
        }
        out.println(line);
        out.flush();
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
