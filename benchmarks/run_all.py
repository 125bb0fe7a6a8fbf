"""`make bench`: accuracy (FEBRL3, FEBRL4, generated), the 1M speed benchmark with plain Splink side
by side, and the referral check at scale. Prints markdown for benchmarks/RESULTS.md."""
from __future__ import annotations

from benchmarks import accuracy, referrals, speed


def main() -> None:
    print("## Accuracy\n")
    accuracy.main(["--generated-records", "50000", "--seed", "3"])
    print("\n## Speed and memory, 1,000,000 records\n")
    speed.main(["--records", "1000000", "--seed", "2024"])
    print("\n## Referrals, 100,000 against 1 million IV-D records\n")
    referrals.main(["--families", "240000", "--seed", "2025", "--referrals", "100000"])


if __name__ == "__main__":
    main()
