package io.sparkrnn.dist;

import io.sparkrnn.data.TextBlocks;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Run by LongLineSuite in a JVM with a small heap: reads a corpus file into blocks and counts its characters, the
 * pass of CorpusPipeline.prepare that reads the raw text, and prints {@code count <codepoint> <n>} lines.
 * Arguments: {@code corpusUri blockSize pieces|textFile}; textFile reads through Spark's own textFile instead
 * (the control: a line that does not fit in the heap as one String).
 */
public final class LongLineChild {
    private LongLineChild() { }

    public static void main(String[] args) {
        String uri = args[0];
        int blockSize = Integer.parseInt(args[1]);
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("long-line")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                // Spark refuses to start below 450 MB of heap unless told how much to plan for; nothing is cached here.
                .set("spark.testing.memory", String.valueOf(512L << 20));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            JavaRDD<String> text = "textFile".equals(args[2]) ? sc.textFile(uri, 2).map(line -> line + "\n")
                    : CorpusSource.pieces(sc, List.of(uri), 2, 4 * blockSize, CorpusQuality.register(sc));
            Map<Integer, Long> counts = CorpusPipeline.countCodePoints(
                    text.mapPartitions(pieces -> new TextBlocks(pieces, blockSize)));
            new TreeMap<>(counts).forEach((cp, n) -> System.out.println("count " + cp + " " + n));
            System.out.println("max heap " + Runtime.getRuntime().maxMemory());
        }
    }
}
