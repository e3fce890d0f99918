"""The checkers' framework: one result type, one registry of named checks, one loop.

Every check is a function ``check(context) -> (status, message)`` registered under its
code with ``@_check(kind, code)``, in the order it runs. Each checker (``check_loss``,
``check_metric``, ``check_fold_loop``) builds a shared context and calls
:func:`_run_checks`, which turns the learner's exceptions into findings and skips the
remaining checks when one raises :class:`_Stop`. What comes back is a
:class:`CheckResult` of :class:`Finding` objects, each with a :class:`Status`, and
``CheckResult.report`` is the one printer.

This module imports no Keras.
Taught in: notebooks/03_custom_losses.ipynb
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


class Status(str, enum.Enum):
    """How one check ended; equal to its string value (``Status.FAIL == "fail"``)."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"  # the check did not apply, or an earlier one failed so it could not run


PASS, FAIL, SKIP = Status.PASS, Status.FAIL, Status.SKIP


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: a stable ``code``, a :class:`Status` and a plain-words ``message``."""

    code: str
    message: str
    status: Status = FAIL

    @property
    def passed(self) -> bool:
        return self.status != FAIL

    def line(self) -> str:
        label = {PASS: "ok  ", FAIL: "FAIL", SKIP: "skip"}[self.status]
        return f"{label} {self.code}: {self.message}"


@dataclass
class CheckResult:
    """What a checker found: truthy iff every check passed.

    Attributes:
        subject: what was checked, e.g. "check_loss(my_mse)".
        checks: every :class:`Finding`, passed, failed and skipped, in the order run.
        values: what the checks measured, for code to use (e.g. check_fold_loop's
            ``scores``, ``reference`` and ``builds``).
    """

    subject: str
    checks: list[Finding] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        """The problems: the failed checks only."""
        return [check for check in self.checks if check.status == FAIL]

    @property
    def codes(self) -> list[str]:
        """The codes of the problems, e.g. ``["shape", "sample_weight"]``."""
        return [finding.code for finding in self.findings]

    def __getitem__(self, code: str) -> Finding:
        for check in self.checks:
            if check.code == code:
                return check
        raise KeyError(f"no check with code {code!r}; codes run: {[c.code for c in self.checks]}")

    def __bool__(self) -> bool:
        return not self.findings

    def _headline(self) -> str:
        problems = len(self.findings)
        verdict = "all checks passed" if not problems else f"{problems} problem{'s' * (problems > 1)}"
        return f"{self.subject}: {verdict}"

    def report(self) -> str:
        """The short plain-text report that ``verbose=True`` prints."""
        return "\n".join([self._headline(), *("  " + check.line() for check in self.checks)])

    def __repr__(self) -> str:
        return self.report()

    def _repr_markdown_(self) -> str:
        marks = {PASS: "✅", FAIL: "❌", SKIP: "➖"}
        lines = [f"**{self._headline()}**", ""]
        lines += [f"- {marks[c.status]} `{c.code}`: {c.message}" for c in self.checks]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The registry: named checks over a shared context, one loop

_REGISTRY: dict[str, list[tuple[str, Callable]]] = {"loss": [], "metric": [], "fold_loop": []}


def _check(kind: str, code: str):
    """Register ``function(context) -> (status, message)`` as check ``code`` of ``kind``, in order."""

    def register(function):
        _REGISTRY[kind].append((code, function))
        return function

    return register


class _Stop(Exception):
    """Raised by a check whose outcome leaves the later checks nothing to run on."""

    def __init__(self, status: Status, message: str, reason: str):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason


def _run_checks(kind: str, subject: str, context: SimpleNamespace, verbose: bool) -> CheckResult:
    """Run every check of ``kind`` in order; the learner's exceptions become findings."""
    result = CheckResult(subject, values=context.values)
    skipped = None
    for code, check in _REGISTRY[kind]:
        if skipped is not None:
            result.checks.append(Finding(code, skipped, SKIP))
            continue
        try:
            status, message = check(context)
        except _Stop as stop:
            status, message, skipped = stop.status, stop.message, f"skipped: {stop.reason}"
        except Exception as error:  # the learner's code may raise anything
            status, message = FAIL, f"raised {_error_text(error)}"
        result.checks.append(Finding(code, message, Status(status)))
    if verbose:
        print(result.report())
    return result


def _codes(kind: str) -> tuple[str, ...]:
    """The codes of the checks of ``kind``, in the order they run."""
    return tuple(code for code, _ in _REGISTRY[kind])


def _error_text(error: BaseException, limit: int = 300) -> str:
    """One line naming the exception, short enough to read in a report."""
    text = " ".join(str(error).split()).rstrip(".")
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
