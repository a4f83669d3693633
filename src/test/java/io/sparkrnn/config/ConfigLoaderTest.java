package io.sparkrnn.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @Test
    void defaultsAreValidAndTyped() {
        RunConfig config = RunConfig.defaults();
        assertEquals(3, config.get(Options.LAYERS));
        assertEquals("lstm", config.get(Options.CELL));
        assertEquals(List.of("bundled:moby-dick"), config.get(Options.CORPUS));
    }

    @Test
    void fileValuesAreOverriddenBySet(@TempDir Path dir) throws IOException {
        File conf = dir.resolve("a.conf").toFile();
        Files.writeString(conf.toPath(), "model { layers = 4, hiddenSize = 32 }\ntrain.learningRate = 0.01\n");
        RunConfig config = ConfigLoader.load(conf, List.of("model.layers=6", "data.corpus=hdfs://nn:8020/corpus/*.txt"));
        assertEquals(6, config.get(Options.LAYERS));
        assertEquals(32, config.get(Options.HIDDEN_SIZE));
        assertEquals(0.01, config.get(Options.LEARNING_RATE));
        assertEquals(List.of("hdfs://nn:8020/corpus/*.txt"), config.get(Options.CORPUS));
    }

    @Test
    void unknownKeyNamesTheKeyAndNearMatches() {
        ConfigError error = assertThrows(ConfigError.class,
                () -> ConfigLoader.load(null, List.of("model.hiddenSise=12")));
        assertEquals("model.hiddenSise", error.key());
        assertTrue(error.getMessage().contains("unknown config key 'model.hiddenSise'"), error.getMessage());
        assertTrue(error.getMessage().contains("did you mean model.hiddenSize"), error.getMessage());
    }

    @Test
    void outOfRangeValuesNameKeyValueAndRule() {
        ConfigError rate = assertThrows(ConfigError.class,
                () -> ConfigLoader.load(null, List.of("train.learningRate=-0.5")));
        assertEquals("train.learningRate", rate.key());
        assertEquals("train.learningRate must be a number > 0, got -0.5 (key train.learningRate in --set train.learningRate)",
                rate.getMessage());

        ConfigError seq = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("model.seqLength=0")));
        assertTrue(seq.getMessage().startsWith("model.seqLength must be an integer >= 2, got 0"), seq.getMessage());

        ConfigError depth = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("model.layers=17")));
        assertTrue(depth.getMessage().contains("an integer from 1 to 16, got 17"), depth.getMessage());

        ConfigError cell = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("model.cell=transformer")));
        assertTrue(cell.getMessage().contains("one of lstm, gru, rnn, got transformer"), cell.getMessage());
    }

    @Test
    void wrongTypeIsReportedWithTheExpectedType(@TempDir Path dir) throws IOException {
        File conf = dir.resolve("bad.conf").toFile();
        Files.writeString(conf.toPath(), "model.layers = many\n");
        ConfigError error = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of()));
        assertEquals("model.layers", error.key());
        assertTrue(error.getMessage().contains("must be an integer, got \"many\""), error.getMessage());
        assertTrue(error.getMessage().contains(conf.getPath()), error.getMessage());
    }

    @Test
    void missingFileAndMalformedOverrideAreClear() {
        ConfigError missing = assertThrows(ConfigError.class,
                () -> ConfigLoader.load(new File("no/such.conf"), List.of()));
        assertTrue(missing.getMessage().contains("no/such.conf does not exist"), missing.getMessage());
        ConfigError malformed = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("model.layers")));
        assertTrue(malformed.getMessage().contains("--set expects key=value"), malformed.getMessage());
    }

    @Test
    void bidirectionalLanguageModelIsRejectedWithTheReason() {
        ConfigError error = assertThrows(ConfigError.class,
                () -> ConfigLoader.load(null, List.of("model.bidirectional=true")));
        assertEquals("model.bidirectional", error.key());
        assertTrue(error.getMessage().contains("reads the characters it must predict"), error.getMessage());
        RunConfig classify = ConfigLoader.load(null, List.of("task=classify", "model.bidirectional=true",
                "model.bidirectionalMerge=add"));
        assertEquals(true, classify.get(Options.BIDIRECTIONAL));
        assertThrows(ConfigError.class, () -> classify.with(Options.TASK, "lm"));
        ConfigError engine = assertThrows(ConfigError.class,
                () -> ConfigLoader.load(null, List.of("task=classify", "train.engine=dl4j")));
        assertEquals("train.engine", engine.key());
        assertTrue(engine.getMessage().contains("trains language models only"), engine.getMessage());
    }

    @Test
    void renderedConfigLoadsBackEqual() {
        RunConfig config = ConfigLoader.load(null, List.of("model.layers=5", "sample.prompt=\"Call me \\\"I\\\"\""));
        RunConfig reloaded = ConfigLoader.loadText(config.render(), "checkpoint", List.of());
        assertEquals(config, reloaded);
        assertEquals("Call me \"I\"", reloaded.get(Options.SAMPLE_PROMPT));
    }
}
