package io.sparkrnn.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The label set of a classification run: label i is the i-th label in sorted order, so the same corpus gives the
 * same ids on every run, partitioning and machine. Saved in every checkpoint as labels.json.
 */
public final class Labels implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int FORMAT = 1;

    private final List<String> names;
    private transient Map<String, Integer> ids;

    private Labels(List<String> sortedNames) {
        this.names = List.copyOf(sortedNames);
    }

    public static Labels of(Collection<String> names) {
        return new Labels(new ArrayList<>(new TreeSet<>(names)));
    }

    public int size() { return names.size(); }

    public String name(int id) { return names.get(id); }

    public List<String> names() { return names; }

    /** The id of {@code label}, or -1 if the set lacks it. */
    public int id(String label) {
        if (ids == null) {
            Map<String, Integer> map = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                map.put(names.get(i), i);
            }
            ids = map;
        }
        return ids.getOrDefault(label, -1);
    }

    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        names.forEach(root.putArray("labels")::add);
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Labels fromJson(String json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        if (root == null || root.path("format").asInt() != FORMAT || !root.path("labels").isArray()) {
            throw new IOException("not a spark-rnn label set (format " + FORMAT + "): expected fields format and labels");
        }
        List<String> names = new ArrayList<>();
        root.get("labels").forEach(label -> names.add(label.asText()));
        Labels labels = of(names);
        if (!labels.names.equals(names)) {
            throw new IOException("labels are not sorted and distinct: " + names);
        }
        return labels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels && ((Labels) o).names.equals(names);
    }

    @Override
    public int hashCode() { return names.hashCode(); }

    @Override
    public String toString() { return names.toString(); }
}
