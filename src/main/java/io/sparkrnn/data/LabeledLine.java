package io.sparkrnn.data;

import java.io.Serializable;

/**
 * One line of a classification corpus, {@code label<TAB>text}, with the text cut to the characters the model
 * reads. Lines that are not of that form are kept as bad lines, so the corpus check can count and show them.
 */
public final class LabeledLine implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String label;
    private final String text;
    /** Why the line is not {@code label<TAB>text}, or null. */
    private final String problem;
    private final String where;

    private LabeledLine(String label, String text, String problem, String where) {
        this.label = label;
        this.text = text;
        this.problem = problem;
        this.where = where;
    }

    /**
     * @param line the line without its '\n' (possibly only its beginning, when it was longer than needed)
     * @param maxTextLength code points of text kept; the model reads no more
     * @param where the file and position of the line, for error messages
     */
    public static LabeledLine parse(String line, int maxTextLength, String where) {
        int tab = line.indexOf('\t');
        if (tab < 0) {
            return bad("no TAB between label and text", line, where);
        }
        String label = line.substring(0, tab).trim();
        if (label.isEmpty()) {
            return bad("empty label", line, where);
        }
        String text = line.substring(tab + 1);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1); // a file with Windows line ends
        }
        if (text.isEmpty()) {
            return bad("empty text", line, where);
        }
        int cut = text.codePointCount(0, text.length()) > maxTextLength
                ? text.offsetByCodePoints(0, maxTextLength) : text.length();
        return new LabeledLine(label, text.substring(0, cut), null, where);
    }

    private static LabeledLine bad(String problem, String line, String where) {
        return new LabeledLine(null, line, problem, where);
    }

    public boolean isValid() { return problem == null; }
    public String label() { return label; }
    public String text() { return text; }
    public String problem() { return problem; }
    public String where() { return where; }

    /** The line as an error message shows it: its position, the problem, and its start. */
    public String describe() {
        String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return where + ": " + problem + " in \"" + shown.replace("\t", "\\t") + "\"";
    }

    /** The text the held-out split hashes: label and text, so that the same example always lands on the same side. */
    public String splitKey() { return label + '\t' + text; }
}
