"""COSMO-RL worker: multi-objective RL (CPGD) for vision-language models, for COSMO Studio.

Submodules are imported lazily by their users so that `python -m cosmo_rl.tiny --help`
does not pay for importing torch/transformers.
"""

__version__ = "0.1.0"
