"""The i18n checks of the catalogs CI runs: every msgid is translated in every supported locale
with the same placeholders, the catalogs match the templates, dates and language codes come
out right, templates are strict, and catalog content exists in both languages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import UndefinedError

from bot.catalog.loader import load_catalog
from bot.i18n import SUPPORTED_LOCALES, LocalizedText, normalize_locale
from bot.paths import messages_dir, schedules_dir
from bot.render import Renderer
from bot.telegram.commands import GROUP_COMMANDS, PRIVATE_COMMANDS

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = messages_dir()
TEMPLATES = MESSAGES / "templates"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
COMMANDS = tuple(dict.fromkeys(GROUP_COMMANDS + PRIVATE_COMMANDS))


def read_catalog(path: Path, locale: str | None = None) -> PoCatalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def msgids(catalog: PoCatalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def po_path(locale: str) -> Path:
    return MESSAGES / "locale" / locale / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_msgid_is_translated_with_the_same_placeholders(locale: str) -> None:
    problems = []
    for message in read_catalog(po_path(locale), locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s and s.strip() for s in strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert problems == []


def extracted_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    return {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map)
    }


def test_pot_and_po_files_are_up_to_date_with_the_templates() -> None:
    """Run ``make i18n`` (and translate the new entries) when this fails."""
    current = extracted_msgids()
    assert len(current) > 50
    catalogs = {"messages.pot": read_catalog(MESSAGES / "messages.pot")} | {
        locale: read_catalog(po_path(locale), locale) for locale in SUPPORTED_LOCALES
    }
    for name, catalog in catalogs.items():
        ids = msgids(catalog)
        assert (name, sorted(current - ids), sorted(ids - current)) == (name, [], [])


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(MESSAGES)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh_CN", "2027年3月31日 星期三"), ("en", "Wednesday, 31 March 2027")],
)
def test_dates_are_formatted_per_locale(renderer: Renderer, locale: str, expected: str) -> None:
    assert renderer.format_date(locale, dt.date(2027, 3, 31)) == expected
    assert renderer.env(locale).filters["date"](dt.date(2027, 3, 31)) == expected


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("zh-hans", "zh_CN"),
        ("zh-Hans", "zh_CN"),
        ("zh-CN", "zh_CN"),
        ("zh_CN", "zh_CN"),
        ("zh-TW", "zh_CN"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("en", "en"),
        (None, "zh_CN"),
        ("de", "zh_CN"),
    ],
)
def test_telegram_language_codes_map_to_supported_locales(code: str | None, locale: str) -> None:
    assert normalize_locale(code) == locale


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_template_compiles_and_a_missing_variable_raises(
    renderer: Renderer, locale: str
) -> None:
    env = renderer.env(locale)
    for path in sorted(TEMPLATES.rglob("*.j2")):
        env.get_template(path.relative_to(TEMPLATES).as_posix())
    with pytest.raises(UndefinedError):
        renderer.render(locale, "help/unknown_command")
    html = renderer.render(locale, "help/unknown_command", command="<b>/x</b>")
    assert "&lt;b&gt;/x&lt;/b&gt;" in html, "HTML templates autoescape"


def test_no_trans_block_swallows_the_line_break_after_it() -> None:
    """``trim_blocks`` eats the newline after ``{% endtrans %}``, gluing the next line (or a
    blank line) onto the sentence; ``{% endtrans +%}`` keeps it."""
    glued = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.j2"))
        for number, line in enumerate(path.read_text(encoding="utf-8").rstrip().splitlines(), 1)
        if re.search(r"\{%-?\s*endtrans\s*%\}\s*$", line)
        and number < len(path.read_text(encoding="utf-8").rstrip().splitlines())
    ]
    assert glued == []


def test_every_command_has_a_description_in_every_locale(renderer: Renderer) -> None:
    for locale in SUPPORTED_LOCALES:
        for command in COMMANDS:
            assert 1 <= len(renderer.text(locale, f"commands/{command}")) <= 256
    assert not CJK.search(renderer.text("en", "commands/lang"))


def localized_texts(value: object) -> Iterator[LocalizedText]:
    if isinstance(value, LocalizedText):
        yield value
    elif hasattr(type(value), "model_fields"):
        for field in type(value).model_fields:
            yield from localized_texts(getattr(value, field))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from localized_texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from localized_texts(item)


def test_catalog_content_is_in_both_languages_and_the_english_is_english() -> None:
    catalog = load_catalog(schedules_dir())  # LocalizedText requires zh_CN and en
    texts = [
        text
        for part in (catalog.obligations, catalog.sectors, catalog.documents)
        for text in localized_texts(part)
    ]
    assert len(texts) > 2 * len(catalog.obligations)
    assert [t.en for t in texts if CJK.search(t.en)] == []
    assert all(CJK.search(t.zh_CN) for t in texts if t.zh_CN != t.en)


def test_question_bank_is_in_both_languages() -> None:
    if not any((MESSAGES / "questions").glob("*.yaml")):
        pytest.skip("no question bank yet")
    from bot.quiz.bank import load_bank

    bank = load_bank(MESSAGES / "questions")  # its Text model requires zh_CN and en
    for question in bank.questions:
        for text in (question.question, question.explanation, *question.options):
            assert text.zh_CN.strip() and text.en.strip(), question.id
