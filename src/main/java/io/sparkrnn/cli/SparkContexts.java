package io.sparkrnn.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark context for a command. Under spark-submit the master and settings come from spark-submit;
 * run directly, the command uses --master or local mode on every core.
 */
final class SparkContexts {
    private SparkContexts() { }

    static JavaSparkContext create(String appName, String master) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        // Our own one-line-per-round progress replaces Spark's console progress bar.
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.driver.maxResultSize", "2g");
        return new JavaSparkContext(conf);
    }
}
