"""PuLP's HiGHS interface with a bulk hand-over and warm re-solves.

With :mod:`optimizer.model`, the only module that imports :mod:`pulp` and
:mod:`highspy`.

This module reads PuLP 4.2's private model (``pulp._rustcore``, ``lp._model``,
``constraint.id``): the public per-variable walk costs 1.05 s of a 1.5 s solve
at 100,000 firms. ``pyproject.toml`` therefore pins ``pulp==4.2.*``, and
``tests/optimizer/test_model.py`` checks the hand-over against PuLP's own on
random scenarios, so a PuLP release that changes these internals fails loudly.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import highspy
import numpy as np
import pulp
from pulp import _rustcore

from optimizer.result import Status

_RUST_LE = _rustcore.Sense.LessEqual
_RUST_GE = _rustcore.Sense.GreaterEqual
_M = highspy.HighsModelStatus
#: Every HiGHS model status → (PuLP's status, ours). None is left "Undefined".
HIGHS_STATUS: dict[Any, tuple[pulp.LpSolveStatus, Status]] = {
    _M.kOptimal: (pulp.LpSolveStatus.Optimal, Status.OPTIMAL),
    _M.kInfeasible: (pulp.LpSolveStatus.Infeasible, Status.INFEASIBLE),
    _M.kUnbounded: (pulp.LpSolveStatus.Unbounded, Status.UNBOUNDED),
    _M.kUnboundedOrInfeasible: (pulp.LpSolveStatus.Infeasible, Status.INFEASIBLE),
    _M.kTimeLimit: (pulp.LpSolveStatus.TimeLimit, Status.TIME_LIMIT),
    _M.kIterationLimit: (pulp.LpSolveStatus.IterationLimit, Status.ITERATION_LIMIT),
    _M.kSolutionLimit: (pulp.LpSolveStatus.SolutionLimit, Status.ITERATION_LIMIT),
    _M.kObjectiveBound: (pulp.LpSolveStatus.Stopped, Status.ITERATION_LIMIT),
    _M.kObjectiveTarget: (pulp.LpSolveStatus.Stopped, Status.ITERATION_LIMIT),
    _M.kInterrupt: (pulp.LpSolveStatus.Interrupted, Status.ERROR),
    _M.kHighsInterrupt: (  # type: ignore[attr-defined]
        pulp.LpSolveStatus.Interrupted, Status.ERROR),
    _M.kMemoryLimit: (pulp.LpSolveStatus.MemoryLimit, Status.ERROR),
    _M.kNotset: (pulp.LpSolveStatus.NotSolved, Status.ERROR),
    _M.kLoadError: (pulp.LpSolveStatus.NumericalError, Status.ERROR),
    _M.kModelError: (pulp.LpSolveStatus.NumericalError, Status.ERROR),
    _M.kPresolveError: (pulp.LpSolveStatus.NumericalError, Status.ERROR),
    _M.kSolveError: (pulp.LpSolveStatus.NumericalError, Status.ERROR),
    _M.kPostsolveError: (pulp.LpSolveStatus.NumericalError, Status.ERROR),
    _M.kModelEmpty: (pulp.LpSolveStatus.Optimal, Status.OPTIMAL),
    _M.kUnknown: (pulp.LpSolveStatus.NumericalError, Status.ERROR),
}
#: PuLP's statuses → ours, for a solve that did not go through HiGHS's model status.
PULP_STATUS: dict[pulp.LpSolveStatus, Status] = {
    pulp.LpSolveStatus.Optimal: Status.OPTIMAL,
    pulp.LpSolveStatus.Infeasible: Status.INFEASIBLE,
    pulp.LpSolveStatus.Unbounded: Status.UNBOUNDED,
    pulp.LpSolveStatus.TimeLimit: Status.TIME_LIMIT,
    pulp.LpSolveStatus.IterationLimit: Status.ITERATION_LIMIT,
    pulp.LpSolveStatus.SolutionLimit: Status.ITERATION_LIMIT,
}


def status_of(lp: pulp.LpProblem, status: pulp.LpSolveStatus) -> Status:
    """Our status of the last solve of ``lp``: from HiGHS's model status when there is one."""
    highs: Any = getattr(lp, "solverModel", None)
    if highs is not None and hasattr(highs, "getModelStatus"):
        mapped = HIGHS_STATUS.get(highs.getModelStatus())
        if mapped is not None:
            return mapped[1]
    return PULP_STATUS.get(status, Status.ERROR)


class BulkHiGHS(pulp.HiGHS):
    """PuLP's HiGHS interface, handing the model over in bulk.

    PuLP 4.2 passes a model to HiGHS by walking a Python wrapper of every
    variable and every term, then writes the solution back the same way: 1.05 s
    of a 1.5 s solve at 100,000 firms, where HiGHS itself takes 0.3 s. This
    class reads the same PuLP model through its Rust handles into arrays and
    writes the solution back with PuLP's batch setters. Status handling is
    PuLP's. ``tests/optimizer/test_model.py`` checks that both hand-overs give
    the same solution and duals.

    After a solve the HiGHS object stays on ``lp.solverModel``; :meth:`resolve`
    re-runs it after moving row bounds only, by simplex from its last basis.
    """

    _column_ids: list[int]
    _column_of: np.ndarray
    _row_ids: list[int]
    _row_of: dict[int, int]

    def createAndConfigureSolver(self, lp: pulp.LpProblem) -> None:
        """A HiGHS object silenced by its own options before any other HiGHS call.

        ``highspy.Highs()`` calls a HiGHS method in its constructor, which prints
        the "Running HiGHS" banner before an option can be set; HiGHS's
        maintainers say ``output_flag`` must be false before the first method
        call (ERGO-Code/HiGHS#1702). So this takes the bare HiGHS object that
        ``highspy.Highs`` wraps (its Python layer only adds callbacks, which are
        not used here), turns ``output_flag`` and ``log_to_console`` off first,
        then sets the other options. Nothing touches file descriptor 1.
        """
        highs: Any = highspy._Highs()  # type: ignore[attr-defined]
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("log_to_console", False)
        for key, value in self.optionsDict.items():
            if key not in ("warmStart", "logPath"):
                highs.setOptionValue(key, value)
        if self.timeLimit is not None:
            highs.setOptionValue("time_limit", float(self.timeLimit))
        lp.solverModel = highs

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:
        inf = highspy.kHighsInf
        model = lp._model
        highs: Any = lp.solverModel
        variables = model.list_variables()
        ids = np.fromiter((v.id() for v in variables), dtype=np.int64, count=len(variables))
        column_of = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, dtype=np.int64)
        column_of[ids] = np.arange(len(ids))
        lower = np.array([v.lb for v in variables], dtype=float)
        upper = np.array([v.ub for v in variables], dtype=float)
        cost = np.zeros(len(variables))
        objective = model.get_objective()
        if objective is not None:
            terms = objective.items()
            cost[column_of[[v.id() for v, _ in terms]]] = [c for _, c in terms]
        empty = np.zeros(0, dtype=np.int32)
        highs.addCols(len(variables), cost, np.where(np.isinf(lower), -inf, lower),
                      np.where(np.isinf(upper), inf, upper), 0, empty, empty, np.zeros(0))
        sense = highspy.ObjSense.kMaximize if lp.sense == pulp.LpMaximize else \
            highspy.ObjSense.kMinimize
        highs.changeObjectiveSense(sense)
        if objective is not None:
            highs.changeObjectiveOffset(objective.constant)

        constraints = model.list_constraints()
        starts, index, value = [0], [], []
        row_lower, row_upper = [], []
        for constraint in constraints:
            terms = constraint.items()
            index.append(column_of[[v.id() for v, _ in terms]])
            value.append(np.array([c for _, c in terms], dtype=float))
            starts.append(starts[-1] + len(terms))
            low, up = row_bounds(constraint.sense == _RUST_LE, constraint.sense == _RUST_GE,
                                 constraint.rhs)
            row_lower.append(low)
            row_upper.append(up)
        highs.addRows(
            len(constraints), np.array(row_lower), np.array(row_upper), starts[-1],
            np.array(starts[:-1], dtype=np.int32),
            np.concatenate(index).astype(np.int32) if index else empty,
            np.concatenate(value) if value else np.zeros(0))
        self._column_ids = ids.tolist()
        self._column_of = column_of
        self._row_ids = [c.id() for c in constraints]
        self._row_of = {row_id: k for k, row_id in enumerate(self._row_ids)}

    def actualSolve(self, lp: pulp.LpProblem, **kwargs: Any) -> pulp.LpSolveStats:
        """Hand over, solve and read back; describe the solve without PuLP's ``buildStats``,
        which wraps every variable again to count them (0.15 s at 100,000 firms)."""
        started = time.perf_counter()
        self.createAndConfigureSolver(lp)
        self.buildSolverModel(lp)
        highs: Any = lp.solverModel
        highs.run()
        status, solved = self.findSolutionValues(lp)
        objective = lp.objective.value() if solved and lp.objective is not None else None
        return pulp.LpSolveStats(
            solver=self.name, status=pulp.LpSolveStatus(status), has_solution=solved,
            time=time.perf_counter() - started, objective=objective,
            num_variables=len(self._column_ids), num_constraints=len(self._row_ids))

    def findSolutionValues(self, lp: pulp.LpProblem) -> tuple[int, bool]:
        highs: Any = lp.solverModel
        highs_status = highs.getModelStatus()
        status, ours = HIGHS_STATUS.get(highs_status, (pulp.LpSolveStatus.NumericalError,
                                                       Status.ERROR))
        solved = ours is Status.OPTIMAL
        if solved:
            solution = highs.getSolution()
            model = lp._model
            model.set_variable_values(list(zip(self._column_ids, solution.col_value,
                                               strict=True)))
            model.set_variable_djs(list(zip(self._column_ids, solution.col_dual, strict=True)))
            model.set_constraint_pis(list(zip(self._row_ids, solution.row_dual, strict=True)))
        return status, solved

    def resolve(self, lp: pulp.LpProblem, moved: Iterable[pulp.LpConstraint],
                changed: Iterable[tuple[pulp.LpConstraint, pulp.LpVariable, float]] = (),
                ) -> tuple[pulp.LpSolveStatus, bool]:
        """Re-solve ``lp``, changed since this solver's last solve of it only in ``moved``'s RHS
        and in the ``changed`` coefficients.

        The kept HiGHS object gets the rows' new bounds and coefficients and runs
        the simplex method from its last basis; presolve and the other options
        stay as they were. The solution is read back by :meth:`findSolutionValues`.

        Parameters
        ----------
        lp
            The problem this solver last solved, its HiGHS object still on
            ``lp.solverModel``.
        moved
            The constraints whose right-hand sides changed since.
        changed
            ``(constraint, variable, coefficient)`` set in ``lp`` since (0: no term).

        Returns
        -------
        tuple
            PuLP's status and whether a solution was read back.
        """
        highs: Any = lp.solverModel
        rows, lower, upper = [], [], []
        for constraint in moved:
            low, up = row_bounds(constraint.sense == pulp.LpConstraintLE,
                                 constraint.sense == pulp.LpConstraintGE, -constraint.constant)
            rows.append(self._row_of[constraint.id])
            lower.append(low)
            upper.append(up)
        if rows:
            highs.changeRowsBounds(len(rows), np.array(rows, dtype=np.int32), np.array(lower),
                                   np.array(upper))
        for constraint, variable, value in changed:
            highs.changeCoeff(self._row_of[constraint.id], int(self._column_of[variable.id]),
                              value)
        highs.setOptionValue("solver", "simplex")
        highs.run()
        status, solved = self.findSolutionValues(lp)
        return pulp.LpSolveStatus(status), solved


def row_bounds(le: bool, ge: bool, rhs: float) -> tuple[float, float]:
    """HiGHS's (lower, upper) bounds of a row ``≤``, ``≥`` or ``=`` ``rhs``."""
    inf = highspy.kHighsInf
    return (-inf if le else rhs), (inf if ge else rhs)
