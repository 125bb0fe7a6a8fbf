"""The Spark engine: the same stages and the same model on PySpark and Splink's SparkAPI, for data
that does not fit one machine. Row-local stages (validation, standardization, blocking keys) run the
project's own polars code inside Spark tasks; joins, scoring and connected components run in Spark;
constrained clustering runs per connected component, each in one task. Nothing that grows with the
data is collected to the driver."""

from linkage.spark.run import SparkConfig, SparkResult, link_spark

__all__ = ["SparkConfig", "SparkResult", "link_spark"]
