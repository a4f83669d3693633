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
        RunConfig config = ConfigLoader.load(null, List.of("model.layers=5", "sample.prompt=Call me \"I\" // # ",
                "checkpoint.root=hdfs://nn:8020/a//b#c d"));
        RunConfig reloaded = ConfigLoader.loadText(config.render(), "checkpoint", List.of());
        assertEquals(config, reloaded);
        assertEquals("Call me \"I\" // # ", reloaded.get(Options.SAMPLE_PROMPT));
        assertEquals("hdfs://nn:8020/a//b#c d", reloaded.get(Options.CHECKPOINT_ROOT));
    }

    /** Values that HOCON would cut at a comment, unquote, or split: every one must arrive exactly as typed. */
    private static final List<String> AWKWARD_STRINGS = List.of(
            "/data//runs", "exp#3", "runs with spaces/and  two", "C:/not/a/scheme", "/data/*/glob?",
            "a=b=c", "\"quoted\"", "'single'", "${not.a.substitution}", "trailing space ", " leading", "x // y # z",
            "file:///data/runs", "file:/tmp/runs", "hdfs://nn:8020/user/me/runs", "hdfs:///runs", "s3a://bucket/key//x#y",
            "abfss://container@account.dfs.core.windows.net/runs", "gs://bucket/runs", "viewfs://cluster/runs",
            "wasbs://c@a.blob.core.windows.net/r", "o3fs://bucket.volume.om/r", "webhdfs://nn:9870/r", "har:///a.har/b",
            "http://host/p?q=1&r=2#frag");

    @Test
    void overriddenStringsReachTheOptionExactlyAsTyped() {
        for (String value : AWKWARD_STRINGS) {
            RunConfig config = ConfigLoader.load(null, List.of("checkpoint.root=" + value, "run.id=" + value,
                    "sample.prompt=" + value, "data.corpus=" + value));
            assertEquals(value, config.get(Options.CHECKPOINT_ROOT), "checkpoint.root");
            assertEquals(value, config.get(Options.RUN_ID), "run.id");
            assertEquals(value, config.get(Options.SAMPLE_PROMPT), "sample.prompt");
            assertEquals(List.of(value), config.get(Options.CORPUS), "data.corpus");
            assertEquals(config, ConfigLoader.loadText(config.render(), "checkpoint", List.of()), value);
        }
    }

    @Test
    void severalCorpusUrisAreAJsonArrayAndACommaGlobIsOneUri() {
        RunConfig list = ConfigLoader.load(null, List.of(
                "data.corpus=[\"hdfs://nn/a//b/*.txt\", \"file:///c#d\", \"s3a://e/{1,2}\"]"));
        assertEquals(List.of("hdfs://nn/a//b/*.txt", "file:///c#d", "s3a://e/{1,2}"), list.get(Options.CORPUS));
        RunConfig glob = ConfigLoader.load(null, List.of("data.corpus=hdfs:///data/{2024,2025}/*.txt"));
        assertEquals(List.of("hdfs:///data/{2024,2025}/*.txt"), glob.get(Options.CORPUS));

        ConfigError unquoted = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("data.corpus=[a, b]")));
        assertEquals("data.corpus", unquoted.key());
        assertTrue(unquoted.getMessage().contains("got '[a, b]'") && unquoted.getMessage().contains("JSON array of quoted strings"),
                unquoted.getMessage());
    }

    @Test
    void overridesAreConvertedByTheirOptionsTypeOrRefusedNamingKeyAndValue() {
        RunConfig config = ConfigLoader.load(null, List.of("model.layers= 4 ", "train.learningRate=1.0E-4",
                "run.seed=-9000000000", "log.quiet=yes", "model.bidirectional=false", "task=classify"));
        assertEquals(4, config.get(Options.LAYERS));
        assertEquals(1e-4, config.get(Options.LEARNING_RATE));
        assertEquals(-9_000_000_000L, config.get(Options.SEED));
        assertEquals(true, config.get(Options.QUIET));

        for (String bad : List.of("model.layers=3x", "model.layers=2.5", "model.layers=", "run.seed=1e3",
                "train.learningRate=NaN", "train.learningRate=0x1p3", "train.learningRate=2d", "log.quiet=maybe",
                "model.lstmForgetBias=Infinity", "eval.maxWindows=99999999999")) {
            String key = bad.substring(0, bad.indexOf('='));
            String value = bad.substring(bad.indexOf('=') + 1);
            ConfigError error = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of(bad)), bad);
            assertEquals(key, error.key(), bad);
            assertTrue(error.getMessage().startsWith(key + " must be ") && error.getMessage().contains("got '" + value + "'"),
                    error.getMessage());
        }
        ConfigError unknown = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("checkpoint.roots=/a//b")));
        assertTrue(unknown.getMessage().contains("unknown config key 'checkpoint.roots' (in --set); did you mean checkpoint.root"),
                unknown.getMessage());
    }
}
