"""ambit: plan and evaluate intermunicipal cooperation reforms, from Python.

- :class:`MaxPHeuristic`: max-p regionalisation, a drop-in for
  ``spopt.region.MaxPHeuristic`` (same signature and attributes) that also proves an upper
  bound on the number of regions.
- :mod:`ambit.region`: audit a region's district map against a reform's policy, plan districts.
- :mod:`ambit.qca`: Qualitative Comparative Analysis matching R's QCA (truth tables,
  minimisation, calibration).

Errors in the inputs raise ``ValueError`` with a message naming the file, line, field and
value (or the column and row of a DataFrame). Long computations release the GIL and stop on
Ctrl-C (``KeyboardInterrupt``).
"""

from . import qca, region
from ._ambit import __version__
from ._maxp import MaxPHeuristic

__all__ = ["MaxPHeuristic", "qca", "region", "__version__"]
