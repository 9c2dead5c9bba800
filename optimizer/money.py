"""Compatibility shim: money formatting lives in :mod:`optimizer.units`, ``Lang`` in the catalog.

Kept while ``ui/`` and the report still import from here; new code imports
:mod:`optimizer.units` and :mod:`optimizer.catalog`.
"""

from __future__ import annotations

from optimizer.catalog import Lang
from optimizer.units import share, yuan

__all__ = ["Lang", "share", "yuan"]
