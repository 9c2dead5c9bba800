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

from optimizer.catalog import Lang, text

#: The environment variable naming a Dask scheduler (``tcp://host:8786``).
DASK_ENV = "VOUCHER_OPT_DASK"
#: Seconds to wait for a Dask scheduler before giving up.
CONNECT_SECONDS = 10


class ExecutorError(Exception):
    """No executor could be made: a code and fields, rendered at the edge.

    Codes (catalog keys): ``redemption.error.no_dask`` (Dask is not
    installed), ``redemption.error.unreachable`` (no scheduler answered).
    """

    def __init__(self, code: str, **fields: str) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields

    def text(self, lang: Lang) -> str:
        return text(self.code, lang, **self.fields)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, **self.fields}


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
    ExecutorError
        When a scheduler is named but Dask is not installed (``pip install
        'voucher-opt[dask]'``), or no scheduler answers at the address.
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
        raise ExecutorError("redemption.error.no_dask", address=address) from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as err:
        raise ExecutorError("redemption.error.unreachable", address=address,
                            detail=str(err) or type(err).__name__) from None
    try:
        executor = client.get_executor()
        yield executor
    finally:
        client.close()
