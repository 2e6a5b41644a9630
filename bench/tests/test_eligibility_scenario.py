from bench.scenarios import Options, eligibility


def test_eligibility_scenario_reports_rates_and_ratio_without_errors(monkeypatch):
    monkeypatch.setattr(eligibility, "PROFILES", 2_000)
    monkeypatch.setattr(eligibility, "CHUNK", 500)
    metrics = eligibility.run(Options())
    assert metrics["errors"] == 0
    assert metrics["profiles"] == 2_000
    assert metrics["profiles_per_s"] > 0 and metrics["baseline_parse_per_s"] > 0
    assert 0 < metrics["ratio"] < 1  # evaluating includes parsing, so it cannot beat parsing alone
    assert 0 < metrics["eligible"] < 2_000  # the generated applicants are a mix


def test_generated_profiles_are_the_same_for_the_same_seed():
    assert eligibility.profiles_generate(50) == eligibility.profiles_generate(50)
