"""Errors that say where: file, sheet, row, column and cell of a bad input, and a code.

An :class:`InputError` carries a catalog code (``input.number.min``) and the
fields its sentence needs (``low``, ``got``); it is rendered in the reader's
language at the edge, with :meth:`InputError.render` (the command line) or
:meth:`InputError.what` (the app, which shows the location itself). Callers
never match message text: they read ``code`` and the fields.

``str(err)`` is the English line, for logs and callers that predate the codes.
"""

from __future__ import annotations

from typing import Any

from optimizer.catalog import Lang, text


def column_letter(position: int) -> str:
    """The spreadsheet letters of a 0-based column position (0 → "A", 27 → "AB")."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_label(column: str, lang: Lang) -> str:
    """A firms column as a reader knows it: ``score`` in English, ``评审得分`` in Chinese."""
    if lang == "en":
        return column
    from inputs.columns import zh_name  # columns imports the optimizer; keep this module light

    return zh_name(column) or column


class InputError(Exception):
    """A scenario file, sheet, row or cell that cannot be used, and why.

    Parameters
    ----------
    code
        The catalog key of the sentence, e.g. ``"input.number.min"``.
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
    key
        The policy key at fault (policy sheet errors), e.g. ``"rate.training"``.
    **fields
        The values the sentence names (``got``, ``low``, ...), already shown as text.

    Examples
    --------
    >>> err = InputError("input.number.min", file="sz.xlsx", sheet="firms", row=18,
    ...                  column="training_request", cell="F18", low="0", got="-5000")
    >>> str(err)
    'sz.xlsx: firms!F18 training_request: must be ≥ 0, got -5000'
    >>> err.render("zh")
    'sz.xlsx：firms!F18 训力券申请额：应 ≥ 0，实际为 -5000'
    >>> str(InputError("input.sheet.missing", file="x.xlsx", sheet="policy", found="firms"))
    "x.xlsx: sheet 'policy' is missing (sheets found: firms)"
    """

    def __init__(
        self,
        code: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        cell: str | None = None,
        key: str | None = None,
        **fields: Any,
    ) -> None:
        self.code = code
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.cell = cell
        self.key = key
        self.fields: dict[str, str] = {k: _one_line(v) for k, v in fields.items()}
        super().__init__(self.what("en"))

    def with_file(self, file: str) -> InputError:
        """The same error, naming ``file``."""
        return InputError(self.code, file=file, sheet=self.sheet, row=self.row,
                          column=self.column, cell=self.cell, key=self.key, **self.fields)

    def what(self, lang: Lang = "zh") -> str:
        """What is wrong (without the location), in ``lang``; a policy error starts with its key."""
        fields = {k: text(v, lang) if v.startswith("input.kind.") else v
                  for k, v in self.fields.items()}  # "a date", "日期"
        said = text(self.code, lang, **fields)
        return text("input.line.key", lang, key=self.key, what=said) if self.key else said

    def where(self, lang: Lang = "zh") -> str:
        """Where, without the file: ``"firms!F18 training_request"``, or ``""``."""
        if self.sheet and self.cell:
            place = text("input.where.cell", lang, sheet=self.sheet, cell=self.cell)
        elif self.sheet and self.row is not None:
            place = text("input.where.sheet_row", lang, sheet=self.sheet, row=self.row)
        elif self.sheet:
            place = text("input.where.sheet", lang, sheet=self.sheet)
        elif self.cell:
            place = self.cell
        elif self.row is not None:
            place = text("input.where.row", lang, row=self.row)
        else:
            place = ""
        column = column_label(self.column, lang) if self.column else ""
        return " ".join(part for part in (place, column) if part)

    def render(self, lang: Lang = "zh") -> str:
        """The whole line in ``lang``: file, location and what is wrong."""
        place, said = self.where(lang), self.what(lang)
        if self.sheet and not (self.cell or self.row is not None or self.column):
            line = text("input.line.sheet", lang, where=place, what=said)
        elif place:
            line = text("input.line.located", lang, where=place, what=said)
        else:
            line = said
        return text("input.line.file", lang, file=self.file, text=line) if self.file else line

    @property
    def location(self) -> str:
        """Where, in English (see :meth:`where`)."""
        return self.where("en")

    @property
    def message(self) -> str:
        """What is wrong, in English."""
        return self.what("en")

    @property
    def message_zh(self) -> str:
        """What is wrong, in Chinese."""
        return self.what("zh")

    def __str__(self) -> str:
        return self.render("en")

    def __reduce__(self) -> tuple[Any, ...]:
        place = (self.file, self.sheet, self.row, self.column, self.cell, self.key)
        return (_rebuild, (self.code, place, self.fields))

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON-ready fields: code, location, fields and the sentences."""
        return {
            "code": self.code,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "key": self.key,
            "fields": dict(self.fields),
            "message": self.message,
            "message_zh": self.message_zh,
            "text": self.render("en"),
            "text_zh": self.render("zh"),
        }


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())


def _rebuild(code: str, place: tuple[Any, ...], fields: dict[str, str]) -> InputError:
    file, sheet, row, column, cell, key = place
    return InputError(code, file=file, sheet=sheet, row=row, column=column, cell=cell, key=key,
                      **fields)


class InputWarning(InputError):
    """Something that is allowed but probably a mistake (a pool under ¥10,000, amounts in
    万元): the same code, fields and location as an error, shown beside the result and
    never raised."""
