"""Where Monte Carlo batches and sweeps run: local processes, or a Dask scheduler.

The optimizer takes any :class:`concurrent.futures.Executor`; this module makes
one at the edge. ``--dask ADDRESS`` (or the ``VOUCHER_OPT_DASK`` environment
variable) sends the work to a Dask distributed scheduler through
``distributed.Client(address).get_executor()``; otherwise it runs in local
processes. Every task is seeded explicitly, so the results are the same bytes
either way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

#: The environment variable naming a Dask scheduler (``tcp://host:8786``).
DASK_ENV = "VOUCHER_OPT_DASK"


def dask_address(flag: str | None) -> str | None:
    """The scheduler to use: ``--dask`` if given, else ``VOUCHER_OPT_DASK``, else None."""
    return flag or os.environ.get(DASK_ENV) or None


@contextmanager
def executor_for(address: str | None = None, workers: int | None = None) -> Iterator[Executor]:
    """An executor for the duration of a command, shut down afterwards.

    Parameters
    ----------
    address
        A Dask scheduler address; None for local processes.
    workers
        Local processes (default: the machine's cores).

    Raises
    ------
    RuntimeError
        When a scheduler is named but Dask is not installed (``pip install
        'voucher-opt[dask]'``).
    """
    if address is None:
        # forkserver: forking a process that runs solver threads may deadlock
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield pool
        return
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError("--dask needs Dask distributed: pip install 'voucher-opt[dask]'") \
            from None
    client = Client(address)
    try:
        executor = client.get_executor()
        yield executor
    finally:
        client.close()
