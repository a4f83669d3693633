package io.sparkrnn.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real Spark standalone cluster for tests: a Master and N Workers as separate JVMs on 127.0.0.1
 * (ports chosen by the OS), optionally an in-process {@link MiniDFSCluster} with one DataNode, and
 * spark-submit (client deploy mode, the driver in its own JVM) against it.
 * <pre>
 * try (StandaloneClusterFixture cluster = StandaloneClusterFixture.builder().workers(2).hdfs(true).start()) {
 *   SubmitResult r = cluster.submit(appJar, "my.Main", List.of(cluster.hdfsUri() + "/out"), Map.of(),
 *       Duration.ofMinutes(2));
 *   JsonNode app = cluster.awaitApplicationState(r.appId().get(), "FINISHED", Duration.ofSeconds(30));
 * }
 * </pre>
 * SPARK_HOME: by default {@code target/spark-home-full}, assembled from Maven Central by
 * {@code deploy/local/spark-home.sh} (idempotent; seconds when the jars are in ~/.m2, about a
 * minute and 216 MB of downloads on a clean machine). Master, Workers, executors and the driver all
 * use exactly those jars, as on a real cluster: application classes reach the executors only
 * through the app jar and {@code --jars}, so packaging mistakes fail here and not on the cluster.
 * <p>
 * Defaults follow deploy/local: Java 17 flags from {@code deploy/java17-opens.txt}, executor
 * sizing from {@code deploy/local/spark-defaults.conf}. Logs and work dirs go under
 * {@code target/standalone-cluster/<timestamp>/}.
 * <p>
 * {@link #close()} terminates every process the fixture started (and their children, e.g. the
 * executors of a Worker): TERM, then KILL after a grace period. A JVM shutdown hook does the same
 * if the test JVM exits without closing.
 */
public final class StandaloneClusterFixture implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://[0-9.]+:[0-9]+)");
  private static final Pattern MASTER_UI_PORT =
      Pattern.compile("Successfully started service 'MasterUI' on port ([0-9]+)");
  private static final Duration GRACE = Duration.ofSeconds(15);

  private final Builder options;
  private final Path workDir;
  private final Path sparkHome;
  private final List<String> javaFlags;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Every process started (daemons and drivers), for close() and the shutdown hook. */
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  private final Map<String, Long> daemonPids = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Set<Long> observedPids = Collections.synchronizedSet(new LinkedHashSet<>());
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger submissions = new AtomicInteger();
  private final Thread shutdownHook;
  private final Map<String, Duration> timings = Collections.synchronizedMap(new LinkedHashMap<>());

  private String masterUrl;
  private String masterUiUrl;
  private Process masterProcess;
  private final List<Process> workerProcesses = new CopyOnWriteArrayList<>();
  private volatile MiniDFSCluster hdfs;
  private volatile String hdfsUri;

  public static Builder builder() {
    return new Builder();
  }

  /** Options of the cluster; {@link #start()} launches it. */
  public static final class Builder {
    private int workers = 2;
    private int workerCores = 1;
    private String workerMemory = "1g";
    private String daemonHeap = "256m";
    private final List<String> daemonJavaOptions = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
    private boolean hdfs;
    private Path sparkHome;
    private Path workDir;
    private Path sparkDefaults = repoRoot().resolve("deploy/local/spark-defaults.conf");
    private Duration startTimeout = Duration.ofMinutes(2);
    private final Map<String, String> daemonEnv = new LinkedHashMap<>();

    private Builder() {}

    /** Number of Worker JVMs (default 2). */
    public Builder workers(int n) {
      workers = n;
      return this;
    }

    /** Cores each Worker offers (default 1: one 1-core executor per Worker). */
    public Builder workerCores(int n) {
      workerCores = n;
      return this;
    }

    /** Memory each Worker offers to executors (default 1g). */
    public Builder workerMemory(String value) {
      workerMemory = value;
      return this;
    }

    /** -Xmx of the Master and Worker JVMs (default 256m). */
    public Builder daemonHeap(String value) {
      daemonHeap = value;
      return this;
    }

    /**
     * JVM options of the Master and Worker JVMs, replacing the default {@code -XX:TieredStopAtLevel=1}
     * (C1 only: measured here, it halves the CPU a Master needs to start, 7.2 s to 3.9 s, and its
     * RSS, 150 to 134 MB; these JVMs coordinate and never run hot code).
     */
    public Builder daemonJavaOptions(String... values) {
      daemonJavaOptions.clear();
      daemonJavaOptions.addAll(List.of(values));
      return this;
    }

    /** Also start an in-process MiniDFSCluster (1 DataNode). */
    public Builder hdfs(boolean value) {
      hdfs = value;
      return this;
    }

    /** Use this SPARK_HOME (a folder with jars/) as is, instead of assembling target/spark-home-full. */
    public Builder sparkHome(Path value) {
      sparkHome = value;
      return this;
    }

    /** Folder for logs, work dirs and HDFS data (default target/standalone-cluster/&lt;timestamp&gt;). */
    public Builder workDir(Path value) {
      workDir = value;
      return this;
    }

    /** SparkSubmit --properties-file (default deploy/local/spark-defaults.conf; null for none). */
    public Builder sparkDefaults(Path value) {
      sparkDefaults = value;
      return this;
    }

    public Builder startTimeout(Duration value) {
      startTimeout = value;
      return this;
    }

    /** Environment of the Worker JVMs, which executors inherit (e.g. OMP_* / LD_LIBRARY_PATH). */
    public Builder daemonEnv(String key, String value) {
      daemonEnv.put(key, value);
      return this;
    }

    public StandaloneClusterFixture start() throws IOException, InterruptedException {
      StandaloneClusterFixture fixture = new StandaloneClusterFixture(this);
      try {
        fixture.startAll();
        return fixture;
      } catch (IOException | InterruptedException | RuntimeException | Error e) {
        fixture.close();
        throw e;
      }
    }
  }

  private StandaloneClusterFixture(Builder options) throws IOException {
    this.options = options;
    Path target = buildDir();
    this.workDir = (options.workDir != null ? options.workDir
        : target.resolve("standalone-cluster").resolve(
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"))))
        .toAbsolutePath();
    Files.createDirectories(workDir);
    this.sparkHome = (options.sparkHome != null ? options.sparkHome : target.resolve("spark-home-full"))
        .toAbsolutePath();
    this.javaFlags = java17Flags();
    this.shutdownHook = new Thread(this::killAllNow, "standalone-cluster-fixture-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  // ---------------------------------------------------------------------------------- start

  private void startAll() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    if (options.sparkHome == null) {
      assembleSparkHome();
      timings.put("sparkHome", since(t0));
    }
    if (!Files.isDirectory(sparkHome.resolve("jars"))) {
      throw new IllegalStateException("no jars/ in SPARK_HOME " + sparkHome);
    }
    long t1 = System.nanoTime();
    masterProcess = launch("master", List.of("org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", "0", "--webui-port", "0"), workDir.resolve("master.log"));
    // The in-process MiniDFSCluster starts while the daemon JVMs boot.
    CompletableFuture<Void> hdfsStarted = options.hdfs
        ? CompletableFuture.runAsync(this::startHdfs, r -> {
            Thread t = new Thread(r, "minidfs-start");
            t.setDaemon(true);
            t.start();
          })
        : CompletableFuture.completedFuture(null);
    try {
      waitFor("the Master to be elected leader", () -> logContains("master.log", "I have been elected leader"),
          masterProcess);
      String masterLog = read(workDir.resolve("master.log"));
      masterUrl = group(MASTER_URL, masterLog);
      masterUiUrl = "http://127.0.0.1:" + group(MASTER_UI_PORT, masterLog);
      timings.put("master", since(t1));

      for (int i = 1; i <= options.workers; i++) {
        Path dir = workDir.resolve("worker-" + i);
        Files.createDirectories(dir);
        workerProcesses.add(launch("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--port", "0", "--webui-port", "0",
            "--cores", String.valueOf(options.workerCores), "--memory", options.workerMemory,
            "--work-dir", dir.toString(), masterUrl), workDir.resolve("worker-" + i + ".log")));
      }
      waitFor(options.workers + " alive workers at " + masterUiUrl + "/json/",
          () -> aliveWorkers() == options.workers, workerProcesses.toArray(new Process[0]));
      timings.put("workers", since(t1));
      hdfsStarted.get(options.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      timings.put("cluster", since(t1));
    } catch (ExecutionException e) {
      throw new IllegalStateException("MiniDFSCluster did not start", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("MiniDFSCluster did not start in " + options.startTimeout, e);
    } finally {
      // On failure close() shuts HDFS down: let a half-way start finish first.
      try {
        hdfsStarted.get(options.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException ignored) {
        // reported above, or the start failed for another reason already being thrown
      }
    }
  }

  private void assembleSparkHome() throws IOException, InterruptedException {
    Path script = repoRoot().resolve("deploy/local/spark-home.sh");
    Path log = workDir.resolve("spark-home.log");
    ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), sparkHome.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // The Spark line of this build (the pom's spark4 profile changes it), passed through Surefire.
    for (String property : List.of("spark.version", "scala.version", "scala.binary.version", "hadoop.version",
        "jackson.version", "slf4j.version")) {
      String value = System.getProperty(property);
      if (value != null) {
        builder.environment().put(property.replace('.', '_').toUpperCase(java.util.Locale.ROOT), value);
      }
    }
    Process p = builder.start();
    processes.add(p);
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      terminate(List.of(p.toHandle()), GRACE);
      throw new IllegalStateException("spark-home.sh did not finish in 15 minutes; see " + log);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("spark-home.sh failed (" + p.exitValue() + "):\n" + read(log));
    }
  }

  private void startHdfs() {
    long t0 = System.nanoTime();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, workDir.resolve("hdfs").toString());
    conf.set("dfs.replication", "1");
    try {
      hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
      hdfs.waitActive();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    hdfsUri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
    timings.put("hdfs", since(t0));
  }

  /** Starts a Master/Worker JVM with Spark's jars. */
  private Process launch(String name, List<String> mainAndArgs, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(javaFlags);
    cmd.add("-Xmx" + options.daemonHeap);
    cmd.addAll(options.daemonJavaOptions);
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + File.separator + "*");
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    sparkEnvironment(pb.environment());
    pb.environment().putAll(options.daemonEnv);
    Process p = pb.start();
    processes.add(p);
    daemonPids.put(name, p.pid());
    observedPids.add(p.pid());
    return p;
  }

  private void sparkEnvironment(Map<String, String> env) {
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", scalaBinaryVersion());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OMP_NUM_THREADS", "1");
    env.remove("SPARK_CONF_DIR");
  }

  // --------------------------------------------------------------------------------- submit

  /** spark-submit and wait (see {@link SubmitRequest}); the driver is killed after {@code timeout}. */
  public SubmitResult submit(File appJar, String mainClass, List<String> args, Map<String, String> conf,
      Duration timeout) throws IOException, InterruptedException {
    return submit(SubmitRequest.of(appJar, mainClass).args(args).conf(conf).timeout(timeout));
  }

  public SubmitResult submit(SubmitRequest request) throws IOException, InterruptedException {
    return submitAsync(request).await();
  }

  /**
   * Launches SparkSubmit in client deploy mode as a separate JVM and returns at once. The command:
   * {@code java <java17 flags> -Xmx<driverMemory> <driverJavaOptions> -cp $SPARK_HOME/jars/*:<driverClassPath>
   * org.apache.spark.deploy.SparkSubmit --master <url> --deploy-mode client --properties-file
   * <sparkDefaults> --conf <fixture defaults> --conf <request conf> [--jars ...] --class <main> <jar> <args>}.
   * Fixture defaults: spark.driver.host=127.0.0.1, spark.cores.max = all worker cores,
   * spark.driver.extraJavaOptions = the Java 17 flags, and with HDFS spark.hadoop.fs.defaultFS and
   * spark.hadoop.dfs.replication=1.
   */
  public Submission submitAsync(SubmitRequest request) throws IOException {
    ensureOpen();
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.cores.max", String.valueOf(options.workers * options.workerCores));
    conf.put("spark.driver.extraJavaOptions", String.join(" ", javaFlags));
    if (hdfsUri != null) {
      conf.put("spark.hadoop.fs.defaultFS", hdfsUri);
      conf.put("spark.hadoop.dfs.replication", "1");
    }
    conf.putAll(request.conf);

    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(javaFlags);
    cmd.add("-Xmx" + request.driverMemory);
    cmd.addAll(request.driverJavaOptions);
    cmd.add("-cp");
    List<String> cp = new ArrayList<>();
    cp.add(sparkHome.resolve("jars") + File.separator + "*");
    request.driverClassPath.forEach(f -> cp.add(f.getAbsolutePath()));
    cmd.add(String.join(File.pathSeparator, cp));
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", masterUrl, "--deploy-mode", "client"));
    if (options.sparkDefaults != null) {
      cmd.addAll(List.of("--properties-file", options.sparkDefaults.toAbsolutePath().toString()));
    }
    conf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
    if (!request.jars.isEmpty()) {
      cmd.add("--jars");
      cmd.add(request.jars.stream().map(File::getAbsolutePath).collect(Collectors.joining(",")));
    }
    cmd.addAll(List.of("--class", request.mainClass, request.appJar.getAbsolutePath()));
    cmd.addAll(request.args);

    String name = request.name != null ? request.name
        : request.mainClass.substring(request.mainClass.lastIndexOf('.') + 1);
    return launchDriver(name, cmd, request.env, request.timeout);
  }

  /**
   * Runs a submit command of one's own, e.g. a deploy/ script, as a driver of this cluster: the same
   * environment (SPARK_HOME, SPARK_SCALA_VERSION, SPARK_LOCAL_IP, OMP_NUM_THREADS=1) plus {@code env}, the
   * same log file (submit-N-NAME.log), timeout and cleanup as {@link #submitAsync}. The command must
   * pass the master ({@link #masterUrl()}) and spark.driver.host=127.0.0.1 itself.
   */
  public Submission submitCommand(String name, List<String> command, Map<String, String> env, Duration timeout)
      throws IOException {
    ensureOpen();
    return launchDriver(name, command, env, timeout);
  }

  private Submission launchDriver(String name, List<String> cmd, Map<String, String> env, Duration timeout)
      throws IOException {
    Path log = workDir.resolve("submit-" + submissions.incrementAndGet() + "-" + name + ".log");
    Files.writeString(log.resolveSibling(log.getFileName() + ".cmd"), String.join(" ", cmd) + "\n");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    sparkEnvironment(pb.environment());
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    observedPids.add(p.pid());
    return new Submission(this, p, log, timeout);
  }

  // ------------------------------------------------------------------------------ accessors

  /** spark://127.0.0.1:PORT */
  public String masterUrl() {
    return masterUrl;
  }

  /** http://127.0.0.1:PORT of the Master's web UI (JSON at /json/). */
  public String masterUiUrl() {
    return masterUiUrl;
  }

  public Path sparkHome() {
    return sparkHome;
  }

  public Path workDir() {
    return workDir;
  }

  /** The Java 17 flags every JVM gets (from deploy/java17-opens.txt). */
  public List<String> javaFlags() {
    return javaFlags;
  }

  /** The in-process MiniDFSCluster, or null without {@code hdfs(true)}. */
  public MiniDFSCluster hdfs() {
    return hdfs;
  }

  /** hdfs://127.0.0.1:PORT, or null without HDFS. */
  public String hdfsUri() {
    return hdfsUri;
  }

  /** A client of the MiniDFSCluster (owned by it: do not close). */
  public FileSystem fileSystem() throws IOException {
    if (hdfs == null) {
      throw new IllegalStateException("started without hdfs(true)");
    }
    return hdfs.getFileSystem();
  }

  /** PIDs of the Master ("master") and Workers ("worker-1", ...). */
  public Map<String, Long> daemonPids() {
    synchronized (daemonPids) {
      return new LinkedHashMap<>(daemonPids);
    }
  }

  /**
   * Every PID this fixture started or saw under its processes (daemons, drivers, and executors
   * seen as children of the Workers at close time).
   */
  public Set<Long> observedPids() {
    synchronized (observedPids) {
      return new LinkedHashSet<>(observedPids);
    }
  }

  /**
   * How long the start phases took: "sparkHome" (spark-home.sh), "master" (leader elected),
   * "workers" (all alive, from the Master's launch), "hdfs" (MiniDFSCluster, in parallel),
   * "cluster" (everything ready, from the Master's launch).
   */
  public Map<String, Duration> timings() {
    synchronized (timings) {
      return new LinkedHashMap<>(timings);
    }
  }

  // ---------------------------------------------------------------------------------- REST

  /** GET a URL and parse it as JSON. */
  public JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + url + ": HTTP " + response.statusCode() + "\n" + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** The Master's state: {@code GET <master UI>/json/} (workers, aliveworkers, activeapps, completedapps...). */
  public JsonNode masterJson() throws IOException, InterruptedException {
    return getJson(masterUiUrl + "/json/");
  }

  /** The Master's view of one application (from activeapps or completedapps; "state" e.g. RUNNING, FINISHED). */
  public Optional<JsonNode> application(String appId) throws IOException, InterruptedException {
    JsonNode json = masterJson();
    for (String list : List.of("activeapps", "completedapps")) {
      for (JsonNode app : json.path(list)) {
        if (appId.equals(app.path("id").asText())) {
          return Optional.of(app);
        }
      }
    }
    return Optional.empty();
  }

  /** Polls the Master until the application is in {@code state}; throws after {@code timeout}. */
  public JsonNode awaitApplicationState(String appId, String state, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<JsonNode> app = Optional.empty();
    while (System.nanoTime() < deadline) {
      app = application(appId);
      if (app.isPresent() && state.equals(app.get().path("state").asText())) {
        return app.get();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("application " + appId + " not " + state + " after " + timeout
        + "; last seen: " + app.map(JsonNode::toString).orElse("nothing"));
  }

  private int aliveWorkers() {
    try {
      return masterJson().path("aliveworkers").asInt(-1);
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * The executors' stdout/stderr files of an application (worker-N/APP/EXEC/std*), for failure
   * messages: file to content.
   */
  public Map<Path, String> executorLogs(String appId) throws IOException {
    Map<Path, String> logs = new LinkedHashMap<>();
    for (int i = 1; i <= options.workers; i++) {
      Path appDir = workDir.resolve("worker-" + i).resolve(appId);
      if (!Files.isDirectory(appDir)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(appDir)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
          if (f.getFileName().toString().startsWith("std")) {
            logs.put(f, read(f));
          }
        }
      }
    }
    return logs;
  }

  // ---------------------------------------------------------------------------------- close

  /** Terminates every process started (TERM, KILL after 15 s) and shuts HDFS down. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      // Drivers first (they unregister their apps), then Workers (they kill their executors),
      // then the Master.
      List<Process> daemons = new ArrayList<>(workerProcesses);
      if (masterProcess != null) {
        daemons.add(masterProcess);
      }
      processes.forEach(p -> p.descendants().forEach(d -> observedPids.add(d.pid())));
      terminate(handles(processes.stream().filter(p -> !daemons.contains(p))), GRACE);
      terminate(handles(workerProcesses.stream()), GRACE);
      if (masterProcess != null) {
        terminate(List.of(masterProcess.toHandle()), GRACE);
      }
    } finally {
      if (hdfs != null) {
        hdfs.shutdown(true);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or will run
      }
    }
  }

  private static List<ProcessHandle> handles(Stream<Process> processes) {
    return processes.map(Process::toHandle).collect(Collectors.toList());
  }

  /** Shutdown hook: no grace, the JVM is going away. */
  private void killAllNow() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /**
   * TERM the roots, wait up to {@code grace} for them and their descendants to exit, then KILL
   * whatever is left. Descendants are captured before signalling (a Worker's executors).
   */
  static void terminate(List<ProcessHandle> roots, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>();
    for (ProcessHandle root : roots) {
      root.descendants().forEach(all::add);
      all.add(root);
    }
    roots.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      sleepQuietly(100);
    }
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // reported by the caller's own checks (isAlive)
      }
    }
  }

  // -------------------------------------------------------------------------------- helpers

  /** The repository root: Surefire's project.basedir, else the working directory. */
  public static Path repoRoot() {
    return Paths.get(System.getProperty("project.basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  /** The build's output folder: Surefire's project.build.directory (target/, or target/spark4 with -Pspark4). */
  public static Path buildDir() {
    String dir = System.getProperty("project.build.directory");
    return dir != null ? Paths.get(dir).toAbsolutePath() : repoRoot().resolve("target");
  }

  /** The Scala line of the Spark this build runs on (2.12 for Spark 3.5, 2.13 for Spark 4). */
  public static String scalaBinaryVersion() {
    return System.getProperty("scala.binary.version", "2.12");
  }

  /** The Java 17 flags of deploy/java17-opens.txt (one per line, '#' comments). */
  public static List<String> java17Flags() {
    Path file = repoRoot().resolve("deploy/java17-opens.txt");
    try (Stream<String> lines = Files.lines(file)) {
      return lines.map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .collect(Collectors.toUnmodifiableList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Java 17 flags from " + file, e);
    }
  }

  private static String javaExecutable() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("cluster closed");
    }
  }

  private boolean logContains(String file, String text) {
    try {
      Path p = workDir.resolve(file);
      return Files.exists(p) && read(p).contains(text);
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  /** Polls {@code ready} every 250 ms; fails fast with the log tail when a watched process dies. */
  private void waitFor(String what, BooleanSupplier ready, Process... watched) throws InterruptedException {
    long deadline = System.nanoTime() + options.startTimeout.toNanos();
    while (!ready.getAsBoolean()) {
      for (Process p : watched) {
        if (!p.isAlive()) {
          String name = daemonPids.entrySet().stream().filter(e -> e.getValue() == p.pid())
              .map(Map.Entry::getKey).findFirst().orElse("pid " + p.pid());
          throw new IllegalStateException("waiting for " + what + ": " + name + " exited with "
              + p.exitValue() + "; " + name + ".log ends with:\n" + tail(workDir.resolve(name + ".log"), 40));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + options.startTimeout + " waiting for " + what
            + "; logs in " + workDir);
      }
      Thread.sleep(250);
    }
  }

  private static String group(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no match for " + pattern + " in:\n" + text);
    }
    return m.group(1);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(no " + file + ")";
    }
    List<String> all = read(file).lines().collect(Collectors.toList());
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
