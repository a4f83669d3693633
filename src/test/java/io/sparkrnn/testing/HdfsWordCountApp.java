package io.sparkrnn.testing;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import scala.Tuple2;

/**
 * A tiny Spark application for {@link StandaloneClusterFixture} tests: word count of a text file
 * read with 2 partitions, result (sorted {@code word<TAB>count} lines, one part file) written to
 * an output directory (an {@code hdfs://} URI in the tests). Prints, for the test to parse:
 * <pre>
 * PARTITIONS 2
 * PARTITION &lt;index&gt; EXECUTOR &lt;executor id&gt; PID &lt;executor JVM pid&gt; LINES &lt;n&gt; OMP &lt;$OMP_NUM_THREADS&gt;
 * APP_ID app-...
 * WROTE &lt;output&gt;
 * </pre>
 * Usage: {@code HdfsWordCountApp <input> <output>}. Spark and its dependencies come from the
 * cluster; the application jar holds only this class.
 */
public final class HdfsWordCountApp {

  private HdfsWordCountApp() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: HdfsWordCountApp <input> <output>");
      System.exit(2);
    }
    SparkConf conf = new SparkConf().setAppName("HdfsWordCountApp");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      JavaRDD<String> lines = sc.textFile(args[0], 2);
      if (lines.getNumPartitions() != 2) {
        lines = lines.repartition(2);
      }
      System.out.println("PARTITIONS " + lines.getNumPartitions());

      List<String> where = lines.mapPartitionsWithIndex((index, it) -> {
        long n = 0;
        while (it.hasNext()) {
          it.next();
          n++;
        }
        String line = "PARTITION " + index + " EXECUTOR " + SparkEnv.get().executorId()
            + " PID " + ProcessHandle.current().pid() + " LINES " + n + " OMP " + System.getenv("OMP_NUM_THREADS");
        return Collections.singletonList(line).iterator();
      }, false).collect();
      where.forEach(System.out::println);

      lines.flatMap(l -> Arrays.asList(l.toLowerCase().split("[^a-z]+")).iterator())
          .filter(w -> !w.isEmpty())
          .mapToPair(w -> new Tuple2<>(w, 1))
          .reduceByKey(Integer::sum, 2)
          .sortByKey(true, 1)
          .map(t -> t._1() + "\t" + t._2())
          .saveAsTextFile(args[1]);
      System.out.println("APP_ID " + sc.sc().applicationId());
      System.out.println("WROTE " + args[1]);
    }
  }
}
