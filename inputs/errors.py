"""Errors that say where: file, sheet, row, column and cell of a bad input.

The command line prints ``str(err)`` and exits 2; the app shows the same line
next to the table, or uses :meth:`InputError.to_dict` to highlight the cell.
"""

from __future__ import annotations

import re
from typing import Any

#: The messages of :mod:`inputs` and of policy keys (English) as an officer reads
#: them in Chinese. Every failure mode has a line here; tests check it.
MESSAGES_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template) for pattern, template in (
        (r"^must be ≥ (\S+), got (.+)$", r"应 ≥ \1，实际为 \2"),
        (r"^must be between (\S+) and (\S+), got (.+)$", r"应在 \1 到 \2 之间，实际为 \3"),
        (r"^must be a (?:finite )?number, got (.+)$", r"应为数字，实际为 \1"),
        (r"^must be a date such as (\S+), got (.+)$", r"应为日期（如 \1），实际为 \2"),
        (r"^must be one of (.+), got (.+)$", r"应为以下之一：\1；实际为 \2"),
        (r"^is blank; a value is required$", "为空，此项必填"),
        (r"^(.+) is already used in row (\d+)$", r"\1 已在第 \2 行使用（企业编号不能重复）"),
        (r"^required column (.+) is missing(.*)$", r"缺少必需的列 \1\2"),
        (r"^has no firm rows$", "没有企业数据行"),
        (r"^is missing$", "缺失"),
        (r"^is empty \(it needs a header row\)$", "为空（需要表头行）"),
        (r"^is neither UTF-8 nor GB18030 text$", "既不是 UTF-8 也不是 GB18030 编码的文本"),
        (r"^cannot read the (workbook|CSV|file): (.+)$", r"无法读取文件：\2"),
        (r"^unsupported file type (.+) \(use (.+)\)$", r"不支持的文件类型 \1（请用 \2）"),
        (r"^no such file \((.+)\)$", r"文件不存在（\1）"),
        (r"^column (.+) is given twice \(also in column (\w+)\)$",
         r"列 \1 出现了两次（另见第 \2 列）"),
        (r"^needs a header row with the columns key \(键\) and value \(值\)$",
         "需要包含 key（键）和 value（值）两列的表头行"),
        (r"^is blank but the row has a value$", "为空，但该行有值"),
        # policy keys (optimizer.policy.PolicyError)
        (r"^appears twice$", "重复出现"),
        (r"^must be yes or no, got (.+)$", r"应为 是/否（yes/no），实际为 \1"),
        (r"^unknown size class (.+) \(use (.+)\)$", r"未知的企业规模 \1（可用：\2）"),
        (r"^each tier is share:weight, got (.+)$", r"每一档应写作 比例:权重，实际为 \1"),
        (r"^tier shares must rise and end at 1, got (.+)$",
         r"各档比例应递增并以 1 结束，实际为 \1"),
        (r"^tier weights must not rise \(returns diminish\), got (.+)$",
         r"各档权重不应递增（收益递减），实际为 \1"),
        (r"^is required \(yuan in the pool\)$", "必填（资金池金额，元）"),
        (r"^program (.+) has no (budget\.\S+) key$", r"券种 \1 没有 \2 资金池参数"),
        (r"^unknown policy key \(see the README for the allowed keys\)$",
         "未知的政策参数（允许的参数见 README）"),
        (r"^is required for program (.+)$", r"券种 \1 必须设置此项"),
    )
)
#: A policy error reads "key: what is wrong"; the key stays as it is.
_POLICY_KEY = re.compile(r"^([A-Za-z_][\w.]*): (.+)$")



def column_letter(position: int) -> str:
    """The spreadsheet letters of a 0-based column position (0 → "A", 27 → "AB")."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class InputError(Exception):
    """A scenario file, sheet, row or cell that cannot be used, and why.

    Parameters
    ----------
    message
        What is wrong, in plain words (one line).
    file
        The file name as the user knows it, e.g. ``"shenzhen.xlsx"``.
    sheet
        The sheet, e.g. ``"firms"`` or ``"policy"``.
    row
        The spreadsheet row number, 1-based; the header is row 1.
    column
        The canonical column name, e.g. ``"training_request"``.
    cell
        The cell reference such as ``"F18"``, when the column's position is known.

    Examples
    --------
    >>> str(InputError("must be ≥ 0, got -5000", file="sz.xlsx", sheet="firms",
    ...                row=18, column="training_request", cell="F18"))
    'sz.xlsx: firms!F18 training_request: must be ≥ 0, got -5000'
    >>> str(InputError("is missing", file="x.xlsx", sheet="policy"))
    "x.xlsx: sheet 'policy' is missing"
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.message = " ".join(str(message).split())
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.cell = cell
        super().__init__(self.message)

    def with_file(self, file: str) -> InputError:
        """The same error, naming ``file``."""
        return InputError(
            self.message,
            file=file,
            sheet=self.sheet,
            row=self.row,
            column=self.column,
            cell=self.cell,
        )

    @property
    def location(self) -> str:
        """Where, without the file: ``"firms!F18 training_request"``, or ``""``."""
        if self.sheet and self.cell:
            where = f"{self.sheet}!{self.cell}"
        elif self.sheet and self.row is not None:
            where = f"{self.sheet} row {self.row}"
        elif self.sheet:
            where = f"sheet '{self.sheet}'"
        elif self.cell:
            where = self.cell
        elif self.row is not None:
            where = f"row {self.row}"
        else:
            where = ""
        return " ".join(part for part in (where, self.column or "") if part)

    def __str__(self) -> str:
        where = self.location
        if self.sheet and not (self.cell or self.row is not None or self.column):
            text = f"{where} {self.message}"  # "sheet 'policy' is missing"
        elif where:
            text = f"{where}: {self.message}"
        else:
            text = self.message
        return f"{self.file}: {text}" if self.file else text

    def __reduce__(self) -> tuple[Any, ...]:
        fields = (self.file, self.sheet, self.row, self.column, self.cell)
        return (_rebuild, (self.message, *fields))

    @property
    def message_zh(self) -> str:
        """What is wrong, in Chinese (the English message if no translation matches)."""
        return _translate(self.message)

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON-ready fields, plus ``text`` (the one-line ``str``)."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "message": self.message,
            "message_zh": self.message_zh,
            "text": str(self),
        }


def _translate(message: str) -> str:
    for pattern, template in MESSAGES_ZH:
        if pattern.match(message):
            return pattern.sub(template, message)
    keyed = _POLICY_KEY.match(message)
    if keyed:
        return f"{keyed.group(1)}：{_translate(keyed.group(2))}"
    return message


def _rebuild(
    message: str,
    file: str | None,
    sheet: str | None,
    row: int | None,
    column: str | None,
    cell: str | None,
) -> InputError:
    return InputError(message, file=file, sheet=sheet, row=row, column=column, cell=cell)
