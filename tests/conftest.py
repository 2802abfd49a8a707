"""Shared fixtures: in-process test plugins (Gaussian likelihoods) and card builders."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest
import yaml

from globalfit import likelihood as registry
from globalfit import samplers
from globalfit.card import load_card
from globalfit.likelihood import Likelihood
from globalfit.posterior import Posterior
from globalfit.samplers import problems

#: problems with a known evidence that every nested engine's tests recover (globalfit/samplers/problems.py)
EVIDENCE_CASES = [problems.gauss(2), problems.gauss(5), problems.bimodal(3), problems.banana(2), problems.shell(3),
                  problems.flat(4)]


def run_problem(problem, sampler: dict, seed: int = 3):
    """Run `sampler` (a card's sampler block) on a known-evidence problem (register its plugin first)."""
    card = load_card(problems.card(problem, sampler, seed=seed))
    return samplers.run(Posterior(card), card.sampler, card.seed, progress=False)


def gaussian_plugin(name: str, dim: int, mean: np.ndarray, cov: np.ndarray) -> type[Likelihood]:
    """A normalised multivariate Gaussian log-likelihood in parameters x0..x{dim-1}."""
    inv = np.linalg.inv(cov)
    _, logdet = np.linalg.slogdet(cov)
    norm = -0.5 * (dim * np.log(2 * np.pi) + logdet)
    names = tuple(f"x{i}" for i in range(dim))

    def loglike(self, q):
        x = np.column_stack([q[n] for n in names]) - mean
        return norm - 0.5 * np.einsum("ni,ij,nj->n", x, inv, x)

    return type(f"Gauss_{name}", (Likelihood,), {"name": name, "requires": names, "loglike": loglike})


@pytest.fixture
def register_plugin():
    """Register plugin classes for one test, unregister afterwards."""
    added = []

    def add(cls):
        registry.register(cls)
        added.append(cls.name)
        return cls

    yield add
    for name in added:
        registry.unregister(name)


def gminus2_card(**over) -> dict:
    card = {
        "name": "t",
        "params": {"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 10.0},
                   "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1}},
        "likelihoods": {"gminus2": {"dataset": "fnal2021-wp20"}},
        "sampler": {"name": "dynesty", "progress": False, "dynesty": {"nlive": 100, "dlogz": 0.5}},
        "seed": 3,
    }
    card.update(over)
    return card


def interrupt_after(posterior, calls: int) -> None:
    """Send SIGTERM to this process at the `calls`-th vectorized likelihood call of `posterior` (a running
    sampler's checkpointer defers it to the next safe point)."""
    inner, n = posterior.log_likelihood, [0]

    def log_likelihood(theta):
        n[0] += 1
        if n[0] == calls:
            os.kill(os.getpid(), signal.SIGTERM)
        return inner(theta)

    posterior.log_likelihood = log_likelihood


def box_study_card(tmp_path: Path, nlive: int, dlogz: float, variants: dict, compare: list) -> dict:
    """A study of a 1-D normalised Gaussian ("gauss1", register gaussian_plugin first) in the box [−10, 10]."""
    return {
        "name": "boxes",
        "params": {"x0": {"prior": "uniform", "min": -10.0, "max": 10.0}},
        "likelihoods": {"gauss1": None},
        "sampler": {"name": "dynesty", "progress": False, "dynesty": {"nlive": nlive, "dlogz": dlogz}},
        "output": str(tmp_path / "boxes"),
        "seed": 2,
        "variants": variants,
        "compare": compare,
    }


def oscillation_params() -> dict:
    """The oscillation + mass + phase prior box of examples/ordering.yaml (NO), a fresh copy per call."""
    card = yaml.safe_load((Path(__file__).parents[1] / "examples" / "ordering.yaml").read_text())
    return card["params"]


# ------------------------------------------------------------------------------------------------ slow
#: modules and tests taking more than ~1.5 s each, all their cases together (measured with --durations on the
#: 2-core CI machine); they carry the marker `slow`, so `pytest -m "not slow"` gives a quick check in under a minute.
#: The full suite (the README's test command) runs them all.
SLOW_MODULES = {"test_readme.py", "test_run_safety.py", "test_checkpoint.py"}
SLOW_TESTS = {
    "test_samplers.py::test_dynesty_evidence_gaussian_in_box",
    "test_samplers.py::test_dynamic_nested_sampling_runs_and_stores_evidence",
    "test_samplers.py::test_emcee_recovers_correlated_gaussian",
    "test_samplers.py::test_same_seed_identical_chains",
    "test_textures.py::test_texture_relation_curves_and_plot",
    "test_textures.py::test_texture_run_stores_the_predictions",
    "test_compare_study.py::test_study_runs_variants_and_compares",
    "test_damaged_inputs.py::test_damaged_data_file_raises_data_error",
    "test_damaged_inputs.py::test_end_to_end_exit_2_naming_the_file",
    "test_trident.py::test_a_at_100_mev_ccfr",
    "test_external_plugins.py::test_an_external_model_and_experiment_list_and_run",
    "test_profile_tension.py::test_tension_of_two_gaussian_measurements",
    "test_profile_tension.py::test_report_with_tension",
    "test_nufit.py::test_oscillation_only_fit_reproduces_one_sigma_ranges",
    "test_robustness.py::test_end_to_end_exit_2_without_traceback",
    "test_robustness.py::test_random_points_full_prior_box",
    "test_robustness.py::test_malformed_card_exit_2_names_the_key",
    "test_report.py::test_one_nested_run",
    "test_report.py::test_renders_in_headless_chromium",
    "test_fast_paths.py::test_gm2_table_equals_gauss_legendre_rule_1kev_to_100gev",
    "test_defects.py::test_tension_rerun_shows_progress",
    "test_defects.py::test_run_with_some_variants_prints_their_comparison",
    "test_cli_runs.py::test_run_directory_contents",
    "test_evidence_problems.py::test_optional_engines_recover_the_evidence",
    "test_lockstep.py::test_reported_error_follows_the_scatter_over_seeds",
    "test_lockstep.py::test_a_lockstep_run_is_stored_summarised_and_compared",
    "test_engines.py::test_engine_under_two_mpi_ranks_gives_the_single_process_run",
    "test_engines.py::test_evidence_and_moments_of_a_gaussian_in_a_box",
    "test_engine_agreement.py::test_engines_study_prints_and_stores_the_agreement_table",
    "test_engines.py::test_same_seed_identical_results",
    "test_evidence_problems.py::test_dynesty_recovers_the_evidence",
    "test_u1x_atlas.py::test_bound_3_two_plus_one_agrees_with_brute_force",
    "test_engines.py::test_interrupted_run_resumes_from_the_engine_files",
    "test_validation.py::test_texture_viability_regression",
    "test_belle2_forecast.py::test_catalogued_table_matches_fresh_monte_carlo",
    "test_robustness.py::test_changed_data_file_is_refused",
    "test_u1x_atlas.py::test_every_listed_two_plus_one_assignment_is_anomaly_free",
    "test_engines.py::test_compare_runs_of_two_engines",
    "test_belle2_forecast.py::test_mumu_two_integration_methods_agree",
    "test_engine_agreement.py::test_a_stored_disagreement_is_flagged_by_compare",
    "test_validation.py::test_minimal_model_with_nufit_3_0",
    "test_api.py::test_run_card_returns_the_run_and_it_is_path_like",
    "test_u1x_atlas.py::test_yaml_entries_are_card_charges",
    "test_trident_forecast.py::test_spectrum_is_ratio_of_flux_averaged_cross_sections",
}


def pytest_collection_modifyitems(config, items):
    seen_modules, seen_tests = set(), set()
    for item in items:
        module = item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
        test = f"{module}::{item.originalname if hasattr(item, 'originalname') else item.name}"
        seen_modules.add(module)
        seen_tests.add(test)
        if module in SLOW_MODULES or test in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
    stale = [t for t in SLOW_TESTS if t.split("::")[0] in seen_modules and t not in seen_tests]
    if stale:
        raise pytest.UsageError(f"tests/conftest.py SLOW_TESTS names tests that do not exist: {stale}")
