"""``store:NAME`` and ``store:NAME@N`` wherever a scenario file is accepted.

:func:`inputs.load_scenario` hands a reference here, so ``solve``,
``compare``, ``sweep``, ``explain`` and ``ui`` take one without a change.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from inputs.store.errors import StoreError
from inputs.store.refs import parse_ref
from optimizer.scenario import Scenario


def load_ref(source: str | Path) -> Scenario:
    """The scenario ``source`` refers to, named ``NAME@N`` (the version it resolved to).

    Raises
    ------
    StoreError
        For a malformed reference, an unknown or deleted name or an unknown version.
    """
    ref = parse_ref(source)
    if ref is None:
        raise StoreError("store.bad_ref", ref=str(source))
    from inputs.store.db import open_store

    scenario, found = open_store().load(ref.name, ref.version)
    return Scenario(scenario.firms, scenario.policy, f"{ref.name}@{found.version}")


def source_sha256(source: str | Path) -> str:
    """SHA-256 of the file ``source``; for a store reference, the version's digest.

    What a report prints as its source: a file's bytes, or the stored
    version's :attr:`Scenario.digest` (which the store checks on every load).
    """
    ref = parse_ref(source)
    if ref is None:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest()
    from inputs.store.db import open_store

    return open_store().load_version(ref.name, ref.version).digest
