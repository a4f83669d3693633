package io.sparkrnn.metrics;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One line per round on the console: what a user watching a terminal, a notebook cell or a scheduler's log
 * needs (loss, bits per character, throughput, time left). On an interactive terminal a progress bar under
 * the lines is redrawn in place after every round; logs and notebooks get the lines alone. Quiet mode
 * ({@code log.quiet}, for pipelines) prints only the summary lines.
 */
public final class ConsoleProgress {
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean quiet;
    private final boolean interactive;
    /** Characters of the bar now on screen, to be overwritten before anything else is printed. */
    private int barShown;

    /** Line output only, as for a log file or a notebook. */
    public ConsoleProgress(PrintStream out, boolean quiet) {
        this(out, quiet, false);
    }

    /** @param interactive whether {@code out} is a terminal a person watches, where a bar can be redrawn */
    public ConsoleProgress(PrintStream out, boolean quiet, boolean interactive) {
        this.out = out;
        this.quiet = quiet;
        this.interactive = interactive;
    }

    /** Standard output, with the bar when the JVM runs attached to a terminal (not piped, not redirected). */
    public static ConsoleProgress forStandardOutput(boolean quiet) {
        return new ConsoleProgress(System.out, quiet, System.console() != null);
    }

    public void info(String message) {
        if (!quiet) {
            println(message);
        }
    }

    /** Always printed, also in quiet mode. */
    public void summary(String message) {
        println(message);
    }

    public void round(MetricsRow row, int totalRounds, double secondsLeft) {
        if (quiet) {
            return;
        }
        println(line(row, totalRounds, secondsLeft));
        if (interactive) {
            String bar = bar((long) row.number("round"), totalRounds, secondsLeft);
            out.print(bar);
            out.flush();
            barShown = bar.length();
        }
    }

    private void println(String text) {
        if (barShown > 0) {
            out.print("\r" + " ".repeat(barShown) + "\r");
            barShown = 0;
        }
        out.println(text);
        out.flush();
    }

    /** {@code [#########.....................]  12/40 rounds  30%  ETA 3m12s}, no line end. */
    static String bar(long round, int totalRounds, double secondsLeft) {
        double done = totalRounds == 0 ? 1 : Math.min(1, (double) round / totalRounds);
        int filled = (int) Math.round(done * BAR_WIDTH);
        return String.format(Locale.ROOT, "[%s%s]  %d/%d rounds  %.0f%%  ETA %s", "#".repeat(filled),
                ".".repeat(BAR_WIDTH - filled), round, totalRounds, 100 * done, duration(secondsLeft));
    }

    private static String line(MetricsRow row, int totalRounds, double secondsLeft) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d/%d  epoch %.2f  loss %.4f (%.3f bpc)",
                (long) row.number("round"), totalRounds, row.number("epoch"), row.number("trainLoss"), row.number("trainBpc")));
        if (!Double.isNaN(row.number("valAccuracy"))) {
            line.append(String.format(Locale.ROOT, "  val %.4f acc %.3f F1 %.3f", row.number("valLoss"),
                    row.number("valAccuracy"), row.number("valMacroF1")));
        } else if (!Double.isNaN(row.number("valBpc"))) {
            line.append(String.format(Locale.ROOT, "  val %.4f (%.3f bpc)", row.number("valLoss"), row.number("valBpc")));
        }
        line.append(String.format(Locale.ROOT, "  |g| %.2f clip %.0f%%  %,.0f tok/s  ETA %s",
                row.number("gradNormMean"), 100 * row.number("clipRate"), row.number("tokensPerSecond"),
                duration(secondsLeft)));
        if (row.number("nonFiniteReplicas") > 0) {
            line.append(String.format(Locale.ROOT, "  [%d replica(s) dropped: non-finite]", (long) row.number("nonFiniteReplicas")));
        }
        return line.toString();
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
