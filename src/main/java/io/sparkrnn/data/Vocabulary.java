package io.sparkrnn.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Character vocabulary: id 0 is {@code <unk>}, then every kept code point in ascending order, so the same
 * counts always give the same ids whatever order Spark returned them in.
 */
public final class Vocabulary implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int UNK = 0;
    public static final String UNK_SYMBOL = "<unk>";
    private static final int FORMAT = 1;

    private final int[] codePoints;
    private transient Map<Integer, Integer> ids;

    private Vocabulary(int[] sortedCodePoints) {
        this.codePoints = sortedCodePoints;
    }

    /**
     * Keeps the code points seen at least {@code minCount} times that are text: the replacement character
     * (what undecodable bytes become) and control characters other than newline and tab map to {@code <unk>}.
     */
    public static Vocabulary fromCounts(Map<Integer, Long> counts, int minCount) {
        int[] kept = counts.entrySet().stream()
                .filter(e -> e.getValue() >= minCount && isText(e.getKey()))
                .mapToInt(Map.Entry::getKey)
                .sorted()
                .toArray();
        return new Vocabulary(kept);
    }

    /** Whether a code point can get an id of its own; everything else is {@code <unk>}. */
    public static boolean isText(int codePoint) {
        if (codePoint == '\n' || codePoint == '\t') {
            return true;
        }
        return codePoint != 0xFFFD && !Character.isISOControl(codePoint) && Character.isDefined(codePoint)
                && !(codePoint >= 0xD800 && codePoint <= 0xDFFF);
    }

    public static Vocabulary of(String text) {
        return new Vocabulary(text.codePoints().distinct().sorted().toArray());
    }

    /** Symbols including {@code <unk>}. */
    public int size() { return codePoints.length + 1; }

    public int id(int codePoint) {
        Integer id = lookup().get(codePoint);
        return id == null ? UNK : id;
    }

    public String symbol(int id) {
        if (id == UNK) {
            return UNK_SYMBOL;
        }
        return new String(Character.toChars(codePoints[id - 1]));
    }

    /** The text a sample shows: {@code <unk>} as U+FFFD so generated text stays one character per step. */
    public String printable(int id) {
        return id == UNK ? "\uFFFD" : symbol(id);
    }

    public int[] encode(String text) {
        return text.codePoints().map(this::id).toArray();
    }

    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder(ids.length);
        for (int id : ids) {
            text.append(printable(id));
        }
        return text.toString();
    }

    /** SHA-256 of the symbol list: a checkpoint is only compatible with the vocabulary it was trained on. */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Arrays.toString(codePoints).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : digest.digest()) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("unk", UNK_SYMBOL);
        ArrayNode points = root.putArray("codePoints");
        for (int cp : codePoints) {
            points.add(cp);
        }
        ArrayNode symbols = root.putArray("symbols");
        for (int id = 0; id < size(); id++) {
            symbols.add(symbol(id));
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Vocabulary fromJson(String json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        if (root == null || root.path("format").asInt() != FORMAT || !root.path("codePoints").isArray()) {
            throw new IOException("not a spark-rnn vocabulary (format " + FORMAT + "): expected fields format and codePoints");
        }
        int[] points = new int[root.get("codePoints").size()];
        for (int i = 0; i < points.length; i++) {
            points[i] = root.get("codePoints").get(i).asInt();
        }
        return new Vocabulary(points);
    }

    private Map<Integer, Integer> lookup() {
        if (ids == null) {
            Map<Integer, Integer> map = new HashMap<>(codePoints.length * 2);
            for (int i = 0; i < codePoints.length; i++) {
                map.put(codePoints[i], i + 1);
            }
            ids = map;
        }
        return ids;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary && Arrays.equals(codePoints, ((Vocabulary) o).codePoints);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(codePoints); }
}
