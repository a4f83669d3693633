package io.sparkrnn.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The bidirectional experiment's sentiment task, as lines {@code label<TAB>text}: each text opens with an
 * adverb and an adjective ("terribly exciting", "wonderfully dull"), then neutral words. The adverb's own tone
 * is misleading; the label is the tone of the adjective AFTER it. A left-to-right reader must carry the pair
 * across the neutral tail to the end of the line; a right-to-left reader meets it last. Same seed, same lines.
 */
final class FlipAfterTask {
    private static final List<String> ADVERBS = List.of("terribly", "awfully", "wonderfully", "horribly", "amazingly");
    private static final List<String> POSITIVE = List.of("exciting", "good", "funny", "clever", "lovely");
    private static final List<String> NEGATIVE = List.of("boring", "bad", "dull", "silly", "ugly");
    private static final List<String> NEUTRAL = List.of("the", "film", "was", "and", "its", "plot", "cast", "music",
            "ending", "story", "of", "a", "with", "long", "scenes");

    private FlipAfterTask() { }

    static Path write(Path file, int lines, int tailWords, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < lines; line++) {
            boolean positive = random.nextBoolean();
            List<String> adjectives = positive ? POSITIVE : NEGATIVE;
            text.append(positive ? "pos" : "neg").append('\t')
                    .append(ADVERBS.get(random.nextInt(ADVERBS.size()))).append(' ')
                    .append(adjectives.get(random.nextInt(adjectives.size())));
            for (int i = 0; i < tailWords; i++) {
                text.append(' ').append(NEUTRAL.get(random.nextInt(NEUTRAL.size())));
            }
            text.append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
