"""Physical constants in GeV units (ħ = c = 1) unless the name says otherwise.

Source: R. L. Workman et al. (Particle Data Group), Review of Particle Physics, PDG 2024 edition
(S. Navas et al., Phys. Rev. D 110 (2024) 030001). Values as listed in globalfit's docs/physics/conventions.md.
"""
from __future__ import annotations

import math

PDG_EDITION = "PDG 2024 (Phys. Rev. D 110 (2024) 030001)"

# Lepton masses [GeV]
M_E = 0.51099895e-3
M_MU = 0.1056583755
M_TAU = 1.77686

# Gauge bosons, top quark [GeV]
M_Z = 91.1876
M_W = 80.37
M_T = 172.5  # pole mass

# Mesons [GeV] and the K+ lifetime [s]
M_K_PLUS = 0.493677
M_PI_PLUS = 0.13957039
TAU_K_PLUS_S = 1.2380e-8

# Couplings
G_F = 1.1663788e-5  # Fermi constant [GeV^-2]
ALPHA_0 = 1.0 / 137.035999  # fine-structure constant at q^2 = 0
E_CHARGE = math.sqrt(4.0 * math.pi * ALPHA_0)  # positron charge, e = sqrt(4 pi alpha)
V_HIGGS = 246.22  # (sqrt(2) G_F)^(-1/2) [GeV]
S2W_MZ = 0.23122  # sin^2 theta_W, MS-bar at m_Z
S2W_LOW = 0.23857  # sin^2 theta_W at Q^2 ~ 0 (low-energy running value)

# Conversion factors
HBAR_GEV_S = 6.582119569e-25  # hbar [GeV s]
EV = 1.0e-9  # one eV in GeV
