"""The gauged U(1)_{Lμ−Lτ} model (entry point ``lmu-ltau`` of the group ``globalfit.models``)."""
from models.lmu_ltau.model import G_NULL, LmuLtau, Options  # noqa: F401
