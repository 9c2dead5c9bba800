"""The catalog of words: every key in both languages, with the same fields, unmixed."""

from __future__ import annotations

import re
import string

import pytest

from optimizer.catalog import CATALOG, LANGS, text

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: Three or more English words in a row: a sentence left untranslated in Chinese text.
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def without_fields(template: str) -> str:
    return re.sub(r"\{[^{}]*\}", "", template)


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_both_languages_have_the_same_fields(key: str) -> None:
    zh, en = CATALOG[key]
    assert zh.strip() and en.strip(), f"{key}: a language is empty"
    assert fields(zh) == fields(en), f"{key}: fields differ: {fields(zh)} vs {fields(en)}"


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_no_text_mixes_languages(key: str) -> None:
    zh, en = (without_fields(t) for t in CATALOG[key])
    assert not CJK.search(en), f"{key}: Chinese in the English text: {en!r}"
    assert not ENGLISH_RUN.search(zh), f"{key}: English words in the Chinese text: {zh!r}"
    if re.search(r"[A-Za-z]{4,}", zh) and not CJK.search(zh):
        pytest.fail(f"{key}: the Chinese text has no Chinese: {zh!r}")


def test_text_fills_fields_and_defaults_to_chinese() -> None:
    assert text("class.startup") == "初创企业"
    assert [text("program.training", lang) for lang in LANGS] == ["训力券", "training vouchers"]


def test_a_missing_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        text("no.such.key", "zh")
