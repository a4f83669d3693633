"""Nightly retraining of the spark-rnn language model, as an Airflow DAG (Airflow 2.6 or later).

    production_exists -> choose_start -> train_warm_start | train_first_model -> gate -> promote

* train: `sparkrnn train` through spark-submit. Tonight's run id is fixed by the logical date, so a retried
  task resumes the run from its last checkpoint. With a production model the run is warm-started from it
  (`--init-from`: its parameters and vocabulary, round 0); the very first run starts from scratch.
* gate: `sparkrnn evaluate --baseline <production> --max-regression <bpc>` on tonight's held-out data. Exit code
  10 (worse than production by more than the margin, in bits per character) marks the task skipped, so
  `promote` is skipped and production stays as it is; any other failure fails the task. Drop
  `skip_on_exit_code` to be alerted on a regression instead. The first model has no baseline and passes.
* promote: `sparkrnn promote` copies the run's latest checkpoint to production atomically (checksums verified,
  temp folder, rename, LATEST), keeping the previous copies for rollback.

Set the Airflow Variables of DEFAULTS (or edit them) and the Spark connection `spark_rnn` (master, deploy mode,
queue). `spark_rnn_home` is where the project is installed for the scheduler and the workers: `spark-rnn.jar`
(the build's target/spark-rnn.jar), `conf/` and `deploy/java17-opens.txt`.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator
from airflow.operators.python import BranchPythonOperator
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.utils.trigger_rule import TriggerRule

DEFAULTS = {
    # The project as installed for the scheduler: spark-rnn.jar (target/spark-rnn.jar), conf/, deploy/.
    "spark_rnn_home": "/opt/spark-rnn",
    "spark_rnn_conf": "conf/cluster.conf",
    "spark_rnn_root": "hdfs:///user/spark-rnn/runs",
    "spark_rnn_production": "hdfs:///user/spark-rnn/runs/production",
    "spark_rnn_corpus": "hdfs:///data/corpus/*.txt",
    "spark_rnn_max_regression": "0.02",
}
MAIN_CLASS = "io.sparkrnn.cli.Main"
REGRESSION_EXIT_CODE = 10  # io.sparkrnn.config.ExitCodes.REGRESSION


def setting(name):
    return Variable.get(name, default_var=DEFAULTS[name])


def java17_flags(home):
    """The driver's Java 17 flags from the project's one list (executors get them from Spark itself)."""
    with open(f"{home}/deploy/java17-opens.txt", encoding="utf-8") as lines:
        return " ".join(line.strip() for line in lines if line.strip() and not line.strip().startswith("#"))


HOME = setting("spark_rnn_home")
JAR = f"{HOME}/spark-rnn.jar"
CONF = f"{HOME}/{setting('spark_rnn_conf')}"
ROOT = setting("spark_rnn_root")
PRODUCTION = setting("spark_rnn_production")
CORPUS = setting("spark_rnn_corpus")
MAX_REGRESSION = setting("spark_rnn_max_regression")
RUN_ID = "nightly-{{ ds_nodash }}"
RUN_URI = f"{ROOT}/{RUN_ID}"
JAVA17_FLAGS = java17_flags(HOME)
SPARK_CONF = {
    "spark.driver.extraJavaOptions": JAVA17_FLAGS,
    "spark.executorEnv.OMP_NUM_THREADS": "1",  # one ND4J thread per task slot
}
# The commands below run the CLI without a cluster (evaluate uses a few executors, promote none).
SUBMIT = (f"spark-submit --class {MAIN_CLASS} --conf 'spark.driver.extraJavaOptions={JAVA17_FLAGS}' "
          f"--conf spark.executorEnv.OMP_NUM_THREADS=1 {JAR}")
TRAIN_ARGS = ["train", "--conf", CONF, "--set", f"checkpoint.root={ROOT}", "--set", f"run.id={RUN_ID}",
              "--set", f"data.corpus={CORPUS}", "--set", "log.quiet=true"]


def train_task(task_id, extra_args):
    """`sparkrnn train` through spark-submit; a retry resumes tonight's run from its last checkpoint."""
    return SparkSubmitOperator(
        task_id=task_id,
        conn_id="spark_rnn",
        application=JAR,
        java_class=MAIN_CLASS,
        conf=SPARK_CONF,
        application_args=TRAIN_ARGS + extra_args,
    )


def choose_start(ti):
    exists = ti.xcom_pull(task_ids="production_exists")
    return "train_warm_start" if exists == "yes" else "train_first_model"


with DAG(
    dag_id="spark_rnn_nightly",
    description="Nightly retraining of the spark-rnn model: train, gate against production, promote",
    schedule="30 1 * * *",
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,  # one writer per run folder and per production folder
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["spark-rnn"],
) as dag:
    production_exists = BashOperator(
        task_id="production_exists",
        bash_command=f"if hdfs dfs -test -e {PRODUCTION}/LATEST; then echo yes; else echo no; fi",
        do_xcom_push=True,
    )
    choose = BranchPythonOperator(task_id="choose_start", python_callable=choose_start)
    train_warm_start = train_task("train_warm_start", ["--init-from", PRODUCTION])
    train_first_model = train_task("train_first_model", [])
    gate = BashOperator(
        task_id="gate",
        trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS,  # after whichever train branch ran
        bash_command=(
            "{% if ti.xcom_pull(task_ids='production_exists') == 'yes' %}"
            f"{SUBMIT} evaluate --checkpoint {RUN_URI} --baseline {PRODUCTION} --max-regression {MAX_REGRESSION}"
            "{% else %}echo 'no production model yet: the first model is promoted without a gate'{% endif %}"
        ),
        skip_on_exit_code=REGRESSION_EXIT_CODE,
    )
    promote = BashOperator(
        task_id="promote",
        bash_command=f"{SUBMIT} promote --checkpoint {RUN_URI} --to {PRODUCTION}",
    )

    production_exists >> choose >> [train_warm_start, train_first_model] >> gate >> promote
