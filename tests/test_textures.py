"""Two-zero textures of the minimal gauged L_μ−L_τ models (docs/physics/neutrino.md#two-zero-textures): exact zeros,
an independent solution of the zero conditions, a literature point, and points of an independent model scan."""
import csv
from pathlib import Path

import numpy as np
import pytest
from conftest import oscillation_params
from scipy.optimize import brentq

from globalfit.card import load_card
from globalfit.errors import CardError
from globalfit.physics.neutrino import TEXTURES, m_betabeta, mass_matrix, pmns, texture_ratios, texture_spectrum

rng = np.random.default_rng(42)
N = 4000
RANDOM = {"s12sq": rng.uniform(0.27, 0.34, N), "s13sq": rng.uniform(0.020, 0.024, N), "s23sq": rng.uniform(0.4, 0.62, N),
          "delta": rng.uniform(0, 2 * np.pi, N), "dm21sq": rng.uniform(7.0e-5, 7.8e-5, N)}


@pytest.mark.parametrize("texture", list(TEXTURES))
@pytest.mark.parametrize("ordering", ["NO", "IO"])
def test_reconstructed_matrix_has_the_zeros(texture, ordering):
    p = RANDOM
    m1, m2, m3, a21, a31, dm3l, ml, ok = texture_spectrum(texture, p["s12sq"], p["s13sq"], p["s23sq"], p["delta"],
                                                          p["dm21sq"], ordering)
    assert ok.sum() > (0 if (texture, ordering) == ("C", "IO") else 50)
    if not ok.any():
        return
    args = [x[ok] for x in (m1, m2, m3)] + [p[k][ok] for k in ("s12sq", "s13sq", "s23sq", "delta")] + [a21[ok], a31[ok]]
    m = mass_matrix(*args)
    kind, zeros = TEXTURES[texture]
    mat = np.linalg.inv(m) if kind == "minors" else m
    scale = np.abs(mat).max(axis=(1, 2))
    for a, b in zeros:
        assert np.max(np.abs(mat[:, a, b]) / scale) < 1e-12
    # the spectrum reproduces the input Δm²21 and has the requested ordering
    assert np.allclose(m2[ok] ** 2 - m1[ok] ** 2, p["dm21sq"][ok], rtol=1e-9)
    assert np.all(dm3l[ok] > 0) if ordering == "NO" else np.all(dm3l[ok] < 0)
    assert np.allclose(ml[ok], (m1 if ordering == "NO" else m3)[ok])


@pytest.mark.parametrize("texture", list(TEXTURES))
def test_ratios_agree_with_a_null_space_solution(texture):
    """Independent solution: the kernel of the 2×3 system of zero conditions from an SVD."""
    kind, ((a, b), (c, d)) = TEXTURES[texture]
    for k in range(20):
        v = pmns(RANDOM["s12sq"][k], RANDOM["s13sq"][k], RANDOM["s23sq"][k], RANDOM["delta"][k])
        rows = np.array([v[a] * v[b], v[c] * v[d]])
        if kind == "minors":
            rows = rows.conj()
        kernel = np.linalg.svd(rows)[2][-1].conj()  # A @ kernel = 0
        y = kernel / kernel[0]  # x (zeros) or 1/x (minors), normalised to the first entry
        x = y if kind == "zeros" else 1.0 / y
        r2, r3 = texture_ratios(texture, RANDOM["s12sq"][k], RANDOM["s13sq"][k], RANDOM["s23sq"][k], RANDOM["delta"][k])
        assert r2 == pytest.approx(x[1], rel=1e-9) and r3 == pytest.approx(x[2], rel=1e-9)
        # Δm² ratio from the kernel vs the spectrum
        m1, m2, m3, *_ = texture_spectrum(texture, RANDOM["s12sq"][k], RANDOM["s13sq"][k], RANDOM["s23sq"][k],
                                          RANDOM["delta"][k], 7.4e-5, "NO")
        if m1 > 0:
            ratio = (abs(x[1]) ** 2 - 1) / (abs(x[2]) ** 2 - 1)
            assert (m2**2 - m1**2) / (m3**2 - m1**2) == pytest.approx(ratio, rel=1e-9)


def test_c_minor_at_nufit_3_best_fit():
    """Asai, Hamaguchi, Nagata, arXiv:1705.00419 (minimal gauged L_μ−L_τ, C minor, NuFIT 3.0 NO best fit θ12 = 33.56°,
    θ13 = 8.46°, θ23 = 41.6°, Δm² = 7.50e-5 / 2.524e-3 eV²): δ ≈ 1.59–1.70π, Σm_ν ≈ 0.14–0.22 eV, m_ββ ≈ 0.024–0.055
    eV at 1σ; docs/physics/neutrino.md#two-zero-textures sanity: δ ≈ 1.61π, Σ ≈ 0.20, m_ββ ≈ 0.048."""
    s12, s13, s23 = (np.sin(np.radians(t)) ** 2 for t in (33.56, 8.46, 41.6))

    def dm31_residual(d):
        out = texture_spectrum("C", s12, s13, s23, d, 7.50e-5, "NO")
        return out[5] - 2.524e-3

    d = brentq(dm31_residual, 1.58 * np.pi, 1.61 * np.pi)
    m1, m2, m3, a21, a31, *_ = texture_spectrum("C", s12, s13, s23, d, 7.50e-5, "NO")
    assert d / np.pi == pytest.approx(1.61, abs=0.01)
    assert m1 + m2 + m3 == pytest.approx(0.20, abs=0.005)
    assert m_betabeta(m1, m2, m3, s12, s13, d, a21, a31) == pytest.approx(0.048, abs=0.001)


SCAN = Path(__file__).parent / "data" / "lmultau_singlet_points.csv"


def _pdg_from_matrix(m):
    """Masses and PDG angles/δ of a complex symmetric mass matrix (rephasing-invariant extraction)."""
    h = m.conj().T @ m  # = U D² U† for m = U* D U†
    w, u = np.linalg.eigh(h)
    masses = np.sqrt(w)
    s13sq = abs(u[0, 2]) ** 2
    s12sq = abs(u[0, 1]) ** 2 / (1 - s13sq)
    s23sq = abs(u[1, 2]) ** 2 / (1 - s13sq)
    c12, s12, c13, s13, c23, s23 = (np.sqrt(x) for x in (1 - s12sq, s12sq, 1 - s13sq, s13sq, 1 - s23sq, s23sq))
    jarlskog = np.imag(u[0, 0] * u[1, 1] * np.conj(u[0, 1]) * np.conj(u[1, 0]))
    cos_d = (abs(u[1, 0]) ** 2 - s12sq * c23**2 - c12**2 * s23sq * s13sq) / (2 * s12 * c12 * s23 * c23 * s13)
    sin_d = jarlskog / (s12 * c12 * s23 * c23 * s13 * c13**2)
    return masses, s12sq, s13sq, s23sq, np.arctan2(sin_d, cos_d)


def test_pdg_extraction_inverts_our_parametrisation():
    m = mass_matrix(0.01, 0.013, 0.051, 0.31, 0.022, 0.47, 4.1, 1.0, 2.5)
    masses, s12, s13, s23, d = _pdg_from_matrix(m)
    assert np.allclose(masses, [0.01, 0.013, 0.051]) and np.allclose([s12, s13, s23], [0.31, 0.022, 0.47])
    assert np.mod(d, 2 * np.pi) == pytest.approx(4.1, abs=1e-9)


def test_points_of_an_independent_model_scan_are_reproduced():
    """Points of the minimal singlet model from the UFO-model scan of github.com/bastianot/Lmu-Ltau_UFO
    (Datasets/generalPoints15.csv @ d53809d): m_ν = −M_D M_R⁻¹ M_D with (M_R)_μμ = (M_R)_ττ = 0 and diagonal
    M_D. From each point's mixing parameters our C-minor solution must give back its masses and every
    |(m_ν)_ab| (rephasing invariants)."""
    rows = list(csv.DictReader(SCAN.open()))
    assert len(rows) >= 10
    for row in rows:
        f = {k: float(v) for k, v in row.items()}
        mr = np.array([[f["Mee"], f["Vemu"], f["Vetau"]],
                       [f["Vemu"], 0.0, f["Mmutau"] * np.exp(1j * f["Xi"])],
                       [f["Vetau"], f["Mmutau"] * np.exp(1j * f["Xi"]), 0.0]])
        md = np.diag([f["fe"], f["fmu"], f["ftau"]])
        mnu = -md @ np.linalg.inv(mr) @ md * 1e9  # GeV → eV
        masses, s12, s13, s23, d = _pdg_from_matrix(mnu)
        dm21 = masses[1] ** 2 - masses[0] ** 2
        m1, m2, m3, a21, a31, dm3l, _, ok = texture_spectrum("C", s12, s13, s23, d, dm21, "NO")
        assert ok
        assert np.allclose([m1, m2, m3], masses, rtol=1e-6)
        ours = mass_matrix(m1, m2, m3, s12, s13, s23, d, a21, a31)
        assert np.allclose(np.abs(ours), np.abs(mnu), rtol=1e-6, atol=1e-9 * np.abs(mnu).max())


def test_texture_options_follow_the_field_content():
    base = {"params": {"s12sq": {"prior": "uniform", "min": 0.25, "max": 0.36},
                       "s13sq": {"prior": "uniform", "min": 0.019, "max": 0.026},
                       "s23sq": {"prior": "uniform", "min": 0.38, "max": 0.65},
                       "delta_cp": {"prior": "uniform", "min": 0.0, "max": 360.0},
                       "dm21sq": {"prior": "uniform", "min": 6.5e-5, "max": 8.5e-5}},
            "likelihoods": {"nufit": None, "cosmology": None}}
    assert load_card({**base, "model": {"higgs": "singlet"}}).model.texture == "C"
    assert load_card({**base, "model": {"higgs": "doublet"}}).model.texture == "B3"
    assert load_card({**base, "model": {"higgs": "doublet", "doublet_charge": -1}}).model.texture == "B4"
    with pytest.raises(CardError, match="contradicts higgs: singlet"):
        load_card({**base, "model": {"higgs": "singlet", "texture": "B4"}})
    # with a texture, m_lightest and the Majorana phases are predictions, not parameters
    with pytest.raises(CardError, match="params.m_lightest.*derived in this model"):
        load_card({**base, "model": {"higgs": "singlet"},
                   "params": {**base["params"], "m_lightest": {"prior": "log-uniform", "min": 1e-4, "max": 1}}})


def test_texture_relation_curves_and_plot(tmp_path):
    from globalfit import cli
    from globalfit.plots import texture_curves

    s12, s13, s23 = (np.sin(np.radians(t)) ** 2 for t in (33.56, 8.46, 41.6))
    x, d = texture_curves("C", "NO", s12, s13, 7.50e-5, 2.524e-3, np.array([s23]))
    assert np.any(np.abs(d / 180.0 - 1.61) < 0.01)  # the 1705.00419 point lies on the curve
    out = texture_spectrum("C", s12, s13, np.full(len(d), s23), np.radians(d), 7.50e-5, "NO")
    assert np.allclose(out[5], 2.524e-3, rtol=2e-2)
    png = tmp_path / "t.png"
    assert cli.main(["texture-plot", "--ordering", "NO", "--nufit", "nufit-5.2", "-o", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert cli.main(["texture-plot", "--textures", "B3,X"]) == 2


TEX_CARD = {
    "name": "texC", "model": {"higgs": "singlet"},
    "params": {k: v for k, v in oscillation_params().items()
               if k in ("s12sq", "s13sq", "s23sq", "delta_cp", "dm21sq")},
    "likelihoods": {"nufit": None, "cosmology": None, "kamland_zen": None},
    "sampler": {"name": "dynesty", "progress": False, "dynesty": {"nlive": 100, "dlogz": 1.0}},
}


def test_texture_run_stores_the_predictions(tmp_path):
    from globalfit.chains import load_run
    from globalfit.runner import run_card

    run = load_run(run_card(load_card(TEX_CARD), tmp_path / "c", progress=False))
    post = run.idata.posterior
    for name in ("m1", "m2", "m3", "sum_mnu", "m_betabeta", "alpha21", "alpha31", "dm3lsq", "m_lightest"):
        assert name in post, name
    assert post["alpha21"].attrs["units"] == "deg" and 0 <= float(post["alpha21"].min()) <= 360
    assert float(post["dm3lsq"].min()) > 0 and float(post["sum_mnu"].min()) > 0.1  # C: quasi-degenerate
    res = run.manifest["results"]
    assert res["points_outside_domain"] > 0 and 0 < res["prior_fraction_in_domain"] < 1


def test_texture_without_solution_is_reported_not_sampled(tmp_path):
    from globalfit.errors import RunError
    from globalfit.runner import run_card

    card = load_card({**TEX_CARD, "model": {"higgs": "doublet"},  # B3 needs δ ≈ 90° or 270°
                      "params": {**TEX_CARD["params"], "delta_cp": {"prior": "uniform", "min": 150.0, "max": 200.0}}})
    with pytest.raises(RunError, match="no solution"):
        run_card(card, tmp_path / "b3", progress=False)
    assert (tmp_path / "b3" / "failed.json").exists()
