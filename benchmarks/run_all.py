"""`make bench`: accuracy (FEBRL3, FEBRL4, generated), the 1M speed benchmark with plain Splink side
by side, the referral check at scale, and the service under load beside plain Splink's
predict_between. Prints markdown for benchmarks/RESULTS.md."""

from __future__ import annotations

from benchmarks import accuracy, referrals, service_speed, speed


def main() -> None:
    print("## Accuracy\n")
    accuracy.main(["--generated-records", "50000", "--seed", "3"])
    print("\n## Speed and memory, 1,000,000 records\n")
    speed.main(["--records", "1000000", "--seed", "2024"])
    print("\n## Referrals, 100,000 against 1 million IV-D records\n")
    referrals.main(["--families", "240000", "--seed", "2025", "--referrals", "100000"])
    print("\n## On-demand service, 1,000,000-record index\n")
    service_speed.main(["--records", "1000000", "--seed", "2024"])


if __name__ == "__main__":
    main()
