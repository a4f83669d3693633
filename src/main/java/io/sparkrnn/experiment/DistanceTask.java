package io.sparkrnn.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The long-distance dependency of the vanishing-gradient experiment, as classification lines
 * {@code label<TAB>text}: the text is one key character followed by {@code distance} filler characters, and the
 * label is the key. Read at the last character, the key was seen {@code distance} steps earlier; the fillers are
 * random so nothing nearer tells the answer. The same seed gives the same lines.
 */
final class DistanceTask {
    static final String KEYS = "abcd";
    static final String FILLERS = "efghijklmnopqrstuvwxyz";

    private DistanceTask() { }

    static Path write(Path file, int lines, int distance, long seed) throws IOException {
        Random random = new Random(seed * 1_000_003L + distance);
        StringBuilder text = new StringBuilder(lines * (distance + 4));
        for (int line = 0; line < lines; line++) {
            char key = KEYS.charAt(random.nextInt(KEYS.length()));
            text.append(key).append('\t').append(key);
            for (int i = 0; i < distance; i++) {
                text.append(FILLERS.charAt(random.nextInt(FILLERS.length())));
            }
            text.append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
