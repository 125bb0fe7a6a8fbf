from benchmarks.stages import main


def test_every_stage_gets_its_seconds_and_peak_memory(tmp_path, capsys):
    main(["--records", "3000", "--seed", "9", "--data", str(tmp_path)])
    out = capsys.readouterr().out
    rows = {
        line.split("|")[1].strip(): line.split("|")[2:4]
        for line in out.splitlines()
        if line.startswith("| ") and not line.startswith("| stage")
    }
    assert {"read and validate", "standardize", "block", "score", "cluster", "assign ids"} <= set(rows)
    assert all(float(peak) > 0.05 for _, peak in rows.values())  # a Python process holds more than 50 MB
    assert "candidate pairs" in out and (tmp_path / "g3000_s9" / "records.csv").exists()
