"""Functions run in separate processes by the concurrency tests (importable by spawn)."""

from __future__ import annotations

from typing import Any

from inputs.store import open_store
from optimizer import Scenario


def save_after_barrier(url: str, name: str, scenario: Scenario, barrier: Any, queue: Any) -> None:
    """Wait for every process, then open the store and save one version; report the version.

    Opening races too: the first process to get there creates the schema.
    """
    barrier.wait(timeout=60)
    ref = open_store(url).save_version(name, scenario)
    queue.put((ref.version, ref.digest))
