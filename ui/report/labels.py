"""Labels the report composes from the catalog's words.

Every word is in :mod:`optimizer.catalog` (``report.*`` and the glossary);
this module only puts them together: a program's header, a size class, the
per-firm limits of a policy in plain lines.
"""

from __future__ import annotations

from optimizer.catalog import Lang, has, text
from optimizer.money import share, yuan
from optimizer.policy import Policy
from optimizer.rules import rule_name
from optimizer.scenario import SizeClass

#: Size classes in the report's order.
CLASSES: tuple[str, ...] = tuple(str(c) for c in SizeClass)


def _known(key: str, fallback: str, lang: Lang) -> str:
    return text(key, lang) if has(key) else fallback


def class_label(size_class: str, lang: Lang) -> str:
    """The glossary's name of a size class (初创企业 / startup); unknown ones as given."""
    return _known(f"class.{size_class}", size_class, lang)


def program_label(program: str, lang: Lang) -> str:
    """The glossary's name of a program (训力券 / training vouchers); others by their key."""
    return _known(f"program.{program}", program, lang)


def reason_code_label(code: str, lang: Lang) -> str:
    """A short label for an explanation's reason code (未达门槛, 资金池用尽, ...)."""
    return _known(f"report.reason.{code}", code, lang)


def objective_label(objective: str, lang: Lang) -> str:
    """What the objective maximises, in words."""
    return _known(f"report.objective.{objective}", objective, lang)


def baseline_label(name: str, lang: Lang) -> str:
    """The glossary's name of an allocation method (``fcfs``, ``pro_rata``, ...)."""
    if name == "optimized":
        return text("report.optimized", lang)
    return _known(f"term.{name}", name, lang)


def program_header(program: str, key: str, lang: Lang) -> str:
    """A per-program label: ``训力券申请额（万元）`` / ``Training vouchers request (¥10k)``."""
    label = text("report.per_program", lang, program=program_label(program, lang),
                 what=text(f"report.{key}", lang))
    return label[:1].upper() + label[1:]


def rule_label(key: str, lang: Lang) -> str:
    """The short name of a rule key (``startup_floor`` → 初创企业专项)."""
    return rule_name(key, lang)


def in_wan(label: str, lang: Lang) -> str:
    """``label`` with its unit: ``合计发放（万元）`` / ``Total spent (¥10k)``."""
    return text("report.in_wan", lang, label=label)


def limit_lines(policy: Policy, lang: Lang) -> list[str]:
    """Rates, per-firm caps and score thresholds in words, one line each.

    These shape every firm's limit (variable bounds in the LP) rather than
    adding rule rows, so they are listed beside the rules' own sentences.
    """
    separator = text("report.list_separator", lang)
    lines = []
    for program in policy.programs:
        base = policy.rate(program, "")  # no class: the program's own rate
        line = text("report.limit.rate", lang, program=program_label(program, lang),
                    rate=share(base))
        overrides = [text("report.limit.rate_of_class", lang,
                          size_class=class_label(c, lang), rate=share(r))
                     for c in CLASSES if (r := policy.rate(program, c)) != base]
        if overrides:
            line += text("report.limit.overrides", lang, rates=separator.join(overrides))
        cap = policy.cap(program)
        if cap is not None:
            line += text("report.limit.cap", lang, amount=yuan(cap, lang))
        lines.append(text("report.limit.end", lang, line=line))
    thresholds = [text("report.limit.threshold", lang, size_class=class_label(c, lang),
                       score=f"{s:g}")
                  for c in CLASSES if (s := policy.min_score(c)) > 0]
    if thresholds:
        lines.append(text("report.limit.thresholds", lang,
                          thresholds=separator.join(thresholds)))
    lines.append(text("report.limit.objective", lang,
                      objective=objective_label(policy.objective, lang)))
    return lines
