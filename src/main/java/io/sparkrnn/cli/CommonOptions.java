package io.sparkrnn.cli;

import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.RunConfig;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** --conf and --set, shared by every subcommand that reads a configuration. */
final class CommonOptions {
    @Option(names = "--conf", paramLabel = "FILE", description = "HOCON config file (e.g. conf/local.conf).")
    File conf;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key; repeatable. Wins over --conf.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not run by spark-submit (default: local[*]).")
    String master;

    RunConfig load() {
        return ConfigLoader.load(conf, overrides);
    }
}
