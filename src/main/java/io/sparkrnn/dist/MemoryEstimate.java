package io.sparkrnn.dist;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A memory need as the sum of named parts, so that a refusal can say which part is too big. */
final class MemoryEstimate {
    private final Map<String, Long> parts = new LinkedHashMap<>();

    MemoryEstimate add(String part, long bytes) {
        if (bytes > 0) {
            parts.merge(part, bytes, Long::sum);
        }
        return this;
    }

    MemoryEstimate addAll(MemoryEstimate other) {
        other.parts.forEach(this::add);
        return this;
    }

    long total() { return parts.values().stream().mapToLong(Long::longValue).sum(); }

    /** "1.2 GB: parameters in the broadcast 257 MB, summed update 85 MB, ..." */
    String describe() {
        return Bytes.format(total()) + " (" + parts.entrySet().stream()
                .map(e -> e.getKey() + " " + Bytes.format(e.getValue())).collect(Collectors.joining(", ")) + ")";
    }
}
