"""Neutrino masses and mixing against hand calculations and an independent matrix construction."""
import numpy as np
import pytest

from globalfit.physics.neutrino import m_beta, m_betabeta, masses, mixing_probabilities, pmns, sum_masses

# NuFIT 5.2 best fit (likelihoods/nufit/NOTES.md)
S12, S13, S23, DCP = 0.303, 0.02225, 0.451, np.radians(232.0)
DM21, DM31, DM32_IO = 7.41e-5, 2.507e-3, -2.486e-3


def _pmns_by_product(s12sq, s13sq, s23sq, d, a21, a31):
    """PDG U = R23 · U13(δ) · R12 · diag(1, e^{iα21/2}, e^{iα31/2}) built by matrix products."""
    c = lambda s: np.sqrt(1 - s)  # noqa: E731
    s12, s13, s23 = np.sqrt([s12sq, s13sq, s23sq])
    r23 = np.array([[1, 0, 0], [0, c(s23sq), s23], [0, -s23, c(s23sq)]], dtype=complex)
    u13 = np.array([[c(s13sq), 0, s13 * np.exp(-1j * d)], [0, 1, 0], [-s13 * np.exp(1j * d), 0, c(s13sq)]])
    r12 = np.array([[c(s12sq), s12, 0], [-s12, c(s12sq), 0], [0, 0, 1]], dtype=complex)
    return r23 @ u13 @ r12 @ np.diag([1, np.exp(0.5j * a21), np.exp(0.5j * a31)])


def test_pmns_matches_matrix_product_and_is_unitary():
    rng = np.random.default_rng(0)
    pars = np.column_stack([rng.uniform(0.2, 0.4, 20), rng.uniform(0.01, 0.03, 20), rng.uniform(0.3, 0.7, 20),
                            rng.uniform(0, 2 * np.pi, (20, 3))])
    u = pmns(*pars.T)
    assert u.shape == (20, 3, 3)
    for k in range(20):
        assert np.allclose(u[k], _pmns_by_product(*pars[k]), atol=1e-14)
        assert np.allclose(u[k] @ u[k].conj().T, np.eye(3), atol=1e-14)
    probs = mixing_probabilities(*pars[:, :4].T)
    assert np.allclose(probs.sum(axis=1), 1) and np.allclose(probs.sum(axis=2), 1)


def test_spectra_at_zero_lightest_mass():
    m1, m2, m3, ok = masses(0.0, DM21, DM31, "NO")
    assert ok and m1 == 0 and m2 == pytest.approx(np.sqrt(DM21)) and m3 == pytest.approx(np.sqrt(DM31))
    assert sum_masses(m1, m2, m3) == pytest.approx(0.0587, abs=5e-5)  # docs/physics/neutrino.md minimum, NO
    m1, m2, m3, ok = masses(0.0, DM21, DM32_IO, "IO")
    assert ok and m3 == 0 and m2 == pytest.approx(np.sqrt(-DM32_IO)) and m1 == pytest.approx(np.sqrt(-DM32_IO - DM21))
    assert sum_masses(m1, m2, m3) == pytest.approx(0.0990, abs=5e-5)  # docs/physics/neutrino.md minimum, IO
    # the splittings are reproduced
    assert m2**2 - m1**2 == pytest.approx(DM21) and m3**2 - m2**2 == pytest.approx(DM32_IO)


def test_wrong_sign_splitting_is_outside_the_ordering():
    assert not masses(0.01, DM21, -DM31, "NO")[3]
    assert not masses(0.01, DM21, DM31, "IO")[3]


def test_quasi_degenerate_expansion():
    ml = 0.2
    m1, m2, m3, _ = masses(ml, DM21, DM31, "NO")
    # m_i ≈ m_l + Δm²/(2 m_l) − Δm⁴/(8 m_l³)
    expand = lambda d: ml + d / (2 * ml) - d**2 / (8 * ml**3)  # noqa: E731
    # the next term is Δm⁶/(16 m_l⁵): relative 4e-10 for m2, 1.5e-5 for m3
    assert m2 == pytest.approx(expand(DM21), rel=1e-9) and m3 == pytest.approx(expand(DM31), rel=3e-5)
    # with all phases zero (and δ = 0) m_ββ = m_l Σ|U_ei|² + O(Δm²/m) and m_β ≈ m_l
    mbb = m_betabeta(m1, m2, m3, S12, S13, 0.0, 0.0, 0.0)
    assert mbb == pytest.approx(ml, rel=2e-3)
    assert m_beta(m1, m2, m3, S12, S13) == pytest.approx(ml, rel=2e-3)


def test_mbb_hand_calculation_at_zero_lightest_mass():
    c13sq = 1 - S13
    m1, m2, m3, _ = masses(0.0, DM21, DM31, "NO")
    a, b = S12 * c13sq * m2, S13 * m3  # the two terms of m_ββ (m1 = 0)
    alphas = np.linspace(0, 2 * np.pi, 721)
    mbb = m_betabeta(m1, m2, m3, S12, S13, DCP, alphas, 2 * DCP)  # α31 − 2δ = 0
    assert mbb.max() == pytest.approx(a + b, rel=1e-5) and mbb.min() == pytest.approx(abs(a - b), rel=1e-3)
    m1, m2, m3, _ = masses(0.0, DM21, DM32_IO, "IO")
    mbb = m_betabeta(m1, m2, m3, S12, S13, DCP, alphas, 0.0)
    hi = c13sq * ((1 - S12) * m1 + S12 * m2)
    lo = c13sq * ((1 - S12) * m1 - S12 * m2)
    assert mbb.max() == pytest.approx(hi, rel=1e-3) and mbb.min() == pytest.approx(lo, abs=2e-4)
    assert 0.045 < hi < 0.051 and 0.017 < lo < 0.021  # the familiar IO band


def test_mbb_equals_sum_of_Uei_squared_masses():
    rng = np.random.default_rng(3)
    for _ in range(10):
        d, a21, a31 = rng.uniform(0, 2 * np.pi, 3)
        m = np.sort(rng.uniform(0, 0.1, 3))
        u = pmns(S12, S13, S23, d, a21, a31)
        assert m_betabeta(*m, S12, S13, d, a21, a31) == pytest.approx(abs(np.sum(u[0] ** 2 * m)), rel=1e-12)
