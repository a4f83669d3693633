package io.sparkrnn.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated language-model corpus: sentences of a small grammar over invented words, with structure at
 * several distances (spelling inside words, word order, a subject and its verb agreeing in number across a
 * relative clause, a closing bracket matching an opening one), so that better models reach lower loss.
 * The same seed always gives the same text.
 */
public final class SyntheticLanguage {
    private static final String[] ONSETS = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "tr"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ai", "ou"};
    private static final String[] CODAS = {"", "", "n", "r", "s", "l", "k"};

    private final Random random;
    private final List<String> nouns;
    private final List<String> verbs;
    private final List<String> adjectives;

    public SyntheticLanguage(long seed) {
        this.random = new Random(seed);
        this.nouns = words(60, 2);
        this.verbs = words(40, 2);
        this.adjectives = words(30, 3);
    }

    /** Writes about {@code characters} characters of sentences, one per line, to {@code file}. */
    public Path write(Path file, int characters) throws IOException {
        StringBuilder text = new StringBuilder(characters + 200);
        while (text.length() < characters) {
            text.append(sentence()).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    String sentence() {
        boolean plural = random.nextBoolean();
        StringBuilder s = new StringBuilder();
        s.append(capitalised(nounPhrase(plural)));
        if (random.nextInt(3) == 0) {
            // The agreement below must be carried across this clause.
            s.append(" that ").append(verb(random.nextBoolean())).append(' ').append(nounPhrase(random.nextBoolean()));
        }
        s.append(' ').append(verb(plural)).append(' ').append(nounPhrase(random.nextBoolean()));
        if (random.nextInt(4) == 0) {
            s.append(" (").append(pick(adjectives)).append(' ').append(pick(nouns)).append(')');
        }
        return s.append('.').toString();
    }

    private String nounPhrase(boolean plural) {
        String article = plural ? (random.nextBoolean() ? "the" : "some") : (random.nextBoolean() ? "the" : "a");
        String adjective = random.nextInt(3) == 0 ? pick(adjectives) + " " : "";
        return article + " " + adjective + pick(nouns) + (plural ? "s" : "");
    }

    private String verb(boolean plural) {
        return pick(verbs) + (plural ? "" : "es");
    }

    /** A Zipf-like choice: early words far more often than late ones, as in real text. */
    private String pick(List<String> words) {
        double u = random.nextDouble();
        int index = (int) Math.floor(Math.pow(words.size() + 1, u)) - 1;
        return words.get(Math.min(index, words.size() - 1));
    }

    private List<String> words(int count, int maxSyllables) {
        List<String> words = new ArrayList<>();
        while (words.size() < count) {
            StringBuilder word = new StringBuilder();
            int syllables = 1 + random.nextInt(maxSyllables);
            for (int i = 0; i < syllables; i++) {
                word.append(ONSETS[random.nextInt(ONSETS.length)]).append(VOWELS[random.nextInt(VOWELS.length)])
                        .append(CODAS[random.nextInt(CODAS.length)]);
            }
            if (!words.contains(word.toString())) {
                words.add(word.toString());
            }
        }
        return words;
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
