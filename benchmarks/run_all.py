"""`make bench`: the accuracy benchmark (FEBRL3, FEBRL4, generated) and the 1M speed benchmark,
project and plain Splink side by side. Prints markdown for benchmarks/RESULTS.md."""
from __future__ import annotations

from benchmarks import accuracy, speed


def main() -> None:
    print("## Accuracy\n")
    accuracy.main(["--generated-records", "50000", "--seed", "3"])
    print("\n## Speed and memory, 1,000,000 records\n")
    speed.main(["--records", "1000000", "--seed", "2024"])


if __name__ == "__main__":
    main()
