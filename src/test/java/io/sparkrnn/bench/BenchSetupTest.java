package io.sparkrnn.bench;

import io.sparkrnn.cli.Main;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.model.GraphFactory;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The harness compares like with like: the stock baseline is the same model as ours, built from DL4J parts only. */
class BenchSetupTest {

    @Test
    void stockBaselineHasOurModelsShapeWithDl4jsOwnLstm() {
        for (String name : new String[]{"a", "d"}) {
            ReplicaCase c = ReplicaCase.byName(name);
            ComputationGraph stock = StockDl4jGraph.build(c.spec);
            ComputationGraph ours = GraphFactory.build(c.spec);
            assertEquals(ours.numParams(), stock.numParams(), "case " + name);
            assertEquals(LSTM.class, stock.getLayer("lstm2").conf().getLayer().getClass(), "stock uses DL4J's LSTM");
            assertEquals(org.deeplearning4j.nn.layers.recurrent.LSTM.class, stock.getLayer("lstm2").getClass());
        }
    }

    @Test
    void oursWithDl4jLstmDiffersFromOursOnlyInTheLayerImplementation() {
        ReplicaCase c = ReplicaCase.byName("a");
        ComputationGraph ours = GraphFactory.build(c.spec);
        ComputationGraph swapped = ReplicaProbe.withDl4jLstm(c);
        assertEquals(io.sparkrnn.model.FastLstmImpl.class, ours.getLayer("rnn2").getClass());
        assertEquals(org.deeplearning4j.nn.layers.recurrent.LSTM.class, swapped.getLayer("rnn2").getClass());
        assertEquals(ours.params(), swapped.params(), "same configuration and seed: same initial parameters");
    }

    @Test
    void unknownSectionCaseOrThreadSettingIsAConfigurationError() {
        String messages = errorsOfConfigurationErrors(new String[]{"bench", "--sections", "gemm,nope"},
                new String[]{"bench", "--cases", "z"}, new String[]{"bench", "--threads", "1,many"},
                new String[]{"bench", "--sections", "scale", "--master", "local[4]"});
        assertTrue(messages.contains("unknown section 'nope'; use gemm, replica, peer, distributed, convergence, "
                + "scoring, scale or options"), messages);
        assertTrue(messages.contains("--master local[4] is not a standalone master (spark://host:port)"), messages);
        assertTrue(messages.contains("no workload named z; use a, b, c or d"), messages);
        assertTrue(messages.contains("unknown thread setting 'many'; use 1, omp or blas"), messages);
    }

    /** The normal build has no PyTorch peer: asking for it says how to get it, as a configuration error. */
    @Test
    void peerSectionWithoutThePeersBuildSaysHowToEnableIt() {
        org.junit.jupiter.api.Assumptions.assumeFalse(PeerProbe.available(), "built with -Ppeers");
        String message = errorsOfConfigurationErrors(new String[]{"bench", "--sections", "peer"});
        assertTrue(message.contains("build with 'mvn -Ppeers -DskipTests package'"), message);
        assertTrue(message.contains("SPARKRNN_MAVEN_PROFILES=peers deploy/sparkrnn bench --sections peer"), message);
        assertFalse(message.contains("\tat io.sparkrnn"), "no stack trace: " + message);
    }

    /** Runs each command line, asserts that each exits with the configuration-error code, returns their stderr. */
    private static String errorsOfConfigurationErrors(String[]... commandLines) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            for (String[] commandLine : commandLines) {
                assertEquals(ExitCodes.CONFIG, Main.run(commandLine), String.join(" ", commandLine));
            }
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void peerRunsOnThePlainLstmAndGruWorkloads() {
        assertTrue(ReplicaCase.byName("a").hasPeer());
        assertTrue(ReplicaCase.byName("b").hasPeer());
        assertTrue(ReplicaCase.byName("c").hasPeer());
        assertFalse(ReplicaCase.byName("d").hasPeer(), "dense connections are not a plain stack");
    }
}
