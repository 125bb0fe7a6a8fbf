"""`python -m linkage ...`, and the file `spark-submit` is given on a cluster."""

from linkage.cli import app

if __name__ == "__main__":
    app(prog_name="linkage")
