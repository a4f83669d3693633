"""Nightly retraining of the spark-rnn language model, as an Airflow DAG (Airflow 2.6 or later).

One task, `nightly_retrain`: `sparkrnn nightly` through spark-submit, the same tested pipeline that
deploy/cron/nightly-retrain.sh runs (NightlyPipelineSuite). It resumes tonight's run if an earlier attempt
died (a retry of this task), else warm-starts it from production, else trains the first model from scratch;
gates it against production; promotes it only when it passes. Tonight's run id comes from the logical date,
so a retry continues the same run. Exit codes (the README's table) fail the task: 10 the gate failed
(production unchanged), 5 another nightly run holds the production folder's lock, 4 the file system could
not be reached (production unchanged). A retry after a promotion that went through does nothing; a retry
after a failed gate trains nothing more but evaluates again, and fails again (SparkSubmitOperator cannot
tell exit codes apart: lower `retries` if an evaluation is expensive).

Like deploy/spark-submit.sh, the task ships the dependency jars (lib/*.jar of the installation: Spark
expands the pattern when the task runs) and sets ND4J's off-heap memory limits with a matching
spark.executor.memoryOverhead (its sizing with the wrapper's defaults, see SPARK_CONF).

Nothing is read when the scheduler imports this file: the settings are Airflow Variables, looked up by
Jinja templates when the task runs (defaults below), and the Spark connection `spark_rnn` (master, deploy
mode, queue) is read by the operator then. `spark_rnn_home` is the binary distribution unpacked on the
machines that run the task (spark-rnn.jar, lib/, conf/).

Not imported by a live Airflow: the build machines reach no Python package index. The project's tests
compile this file and check its syntax tree (DagSyntaxTest).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

MAIN_CLASS = "io.sparkrnn.cli.Main"

# Airflow Variables, read by Jinja when the task runs (the second argument is the default).
HOME = "{{ var.value.get('spark_rnn_home', '/opt/spark-rnn') }}"
CONF = "{{ var.value.get('spark_rnn_conf', 'conf/cluster.conf') }}"
ROOT = "{{ var.value.get('spark_rnn_root', 'hdfs:///user/spark-rnn/runs') }}"
PRODUCTION = "{{ var.value.get('spark_rnn_production', 'hdfs:///user/spark-rnn/runs/production') }}"
CORPUS = "{{ var.value.get('spark_rnn_corpus', 'hdfs:///data/corpus/*.txt') }}"
MAX_REGRESSION = "{{ var.value.get('spark_rnn_max_regression', '0.02') }}"
RUN_ID = "nightly-{{ ds_nodash }}"

APPLICATION = HOME + "/spark-rnn.jar"
# spark-submit's --jars: Spark resolves the pattern when it submits (lib/spark/ is for local mode only).
DEPENDENCY_JARS = HOME + "/lib/*.jar"

# What deploy/spark-submit.sh sets with its defaults (EXECUTOR_MEMORY=2g, ND4J_OFFHEAP=2g,
# NATIVE_OVERHEAD=512m, ND4J_DRIVER_OFFHEAP=1g, DRIVER_MEMORY=2g): ND4J keeps its arrays off the Java heap,
# so executors need its limits and a memoryOverhead of off-heap + native overhead (see that script's
# header to size them). Spark 3.5 and 4 add the Java 17 module flags themselves.
DRIVER_MEMORY = "2g"
SPARK_CONF = {
    "spark.driver.extraJavaOptions": "-Dorg.bytedeco.javacpp.maxbytes=1g",
    "spark.executor.extraJavaOptions":
        "-Dorg.bytedeco.javacpp.maxbytes=2048m -Dorg.bytedeco.javacpp.maxphysicalbytes=4608m",
    "spark.executor.memory": "2048m",
    "spark.executor.memoryOverhead": "2560m",
    "spark.executorEnv.OMP_NUM_THREADS": "1",
    "spark.scheduler.minRegisteredResourcesRatio": "1.0",
    "spark.scheduler.maxRegisteredResourcesWaitingTime": "120s",
    "spark.ui.showConsoleProgress": "false",
}

NIGHTLY_ARGS = [
    "nightly",
    "--conf", HOME + "/" + CONF,
    "--run-id", RUN_ID,
    "--production", PRODUCTION,
    "--max-regression", MAX_REGRESSION,
    "--set", "checkpoint.root=" + ROOT,
    "--set", "data.corpus=" + CORPUS,
    "--set", "log.quiet=true",
]

with DAG(
    dag_id="spark_rnn_nightly",
    description="Nightly retraining of the spark-rnn model: sparkrnn nightly (train, gate, promote)",
    schedule="30 1 * * *",
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,  # the production folder's lock refuses a second one anyway (exit 5)
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["spark-rnn"],
) as dag:
    nightly_retrain = SparkSubmitOperator(
        task_id="nightly_retrain",
        conn_id="spark_rnn",
        application=APPLICATION,
        java_class=MAIN_CLASS,
        jars=DEPENDENCY_JARS,
        driver_memory=DRIVER_MEMORY,
        conf=SPARK_CONF,
        application_args=NIGHTLY_ARGS,
    )
