"""The i18n checks CI runs: template names used in code exist, every msgid is translated in every
supported locale with the same placeholders, the catalogs match the templates, and no text
meant for users hides in ``bot/*.py``. Plus the renderer's dates, locale mapping and strictness.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import UndefinedError

from bot.catalog.loader import DEFAULT_SCHEDULES_DIR, load_catalog
from bot.catalog.models import REMINDER_FAMILIES
from bot.i18n import SUPPORTED_LOCALES, LocalizedText, normalize_locale
from bot.paths import messages_dir
from bot.render import Renderer
from bot.telegram.app import GROUP_COMMANDS, PRIVATE_COMMANDS

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
MESSAGES = messages_dir()
TEMPLATES = MESSAGES / "templates"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)  # Python 3.12+ splits f-strings
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
# Renderer method -> (position of the template name, file suffix); reply() is handlers/common.py's.
RENDER_CALLS = {
    "render": (1, ".html.j2"),
    "text": (1, ".txt.j2"),
    "plain": (1, ".txt.j2"),
    "reply": (2, ".html.j2"),
}
# Telegram calls -> position of their text argument (also accepted as text=...).
SEND_CALLS = {
    "send_message": 1,
    "reply_text": 0,
    "reply_html": 0,
    "edit_message_text": 0,
    "answer": 0,
    "send_html": 2,
}
# What an f-string template name expands to, by its literal prefix.
KNOWN_FAMILIES = {
    "reminders/": REMINDER_FAMILIES,
    "commands/": tuple(dict.fromkeys(GROUP_COMMANDS + PRIVATE_COMMANDS)),
}


def modules() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


def exists(name: str, suffix: str) -> bool:
    return (TEMPLATES / f"{name}{suffix}").is_file()


def calls(tree: ast.AST) -> Iterator[tuple[str, ast.Call]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            yield name, node


def argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def expand(fstring: ast.JoinedStr) -> tuple[str, list[str]]:
    """An f-string template name as (prefix, every name it can take); [] when unknown."""
    if not fstring.values or not isinstance(fstring.values[0], ast.Constant):
        return "", []
    prefix = str(fstring.values[0].value)
    if len(fstring.values) != 2 or prefix not in KNOWN_FAMILIES:
        return prefix, []
    return prefix, [prefix + family for family in KNOWN_FAMILIES[prefix]]


def wrappers(tree: ast.AST) -> dict[str, tuple[int, str, str, str]]:
    """Local helpers like ``def label(name): return renderer.text(locale, f"buttons/{name}")``:
    name -> (position of the parameter, its name, the literal prefix, the suffix)."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name, params, body = node.name, node.args.args, node
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Lambda)
            and isinstance(node.targets[0], ast.Name)
        ):
            name, params, body = node.targets[0].id, node.value.args.args, node.value
        else:
            continue
        names = [p.arg for p in params]
        for call_name, call in calls(body):
            arg = argument(call, RENDER_CALLS.get(call_name, (99, ""))[0], "name")
            if isinstance(arg, ast.JoinedStr) and len(arg.values) == 2:
                head, tail = arg.values
                value = getattr(tail, "value", None)
                if isinstance(head, ast.Constant) and getattr(value, "id", None) in names:
                    param = getattr(value, "id", "")
                    found[name] = (
                        names.index(param),
                        param,
                        str(head.value),
                        RENDER_CALLS[call_name][1],
                    )
    return found


def referenced_templates() -> list[tuple[str, str, str]]:
    """(where, name, suffix) of every template name the code passes to the renderer."""
    found = []
    for path in modules():
        tree = parsed(path)
        for name, call in calls(tree):
            if name not in RENDER_CALLS:
                continue
            position, suffix = RENDER_CALLS[name]
            arg = argument(call, position, "name")
            options = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for option in options:
                if isinstance(option, ast.Constant) and isinstance(option.value, str):
                    found.append((where(path, call), option.value, suffix))
                elif isinstance(option, ast.JoinedStr):
                    for expanded in expand(option)[1]:
                        found.append((where(path, call), expanded, suffix))
        for helper, (position, param, prefix, suffix) in wrappers(tree).items():
            for name, call in calls(tree):
                arg = argument(call, position, param)
                if name == helper and isinstance(arg, ast.Constant):
                    found.append((where(path, call), f"{prefix}{arg.value}", suffix))
        for node in ast.walk(tree):  # class attributes: DomainError.template = "errors/..."
            if (
                isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["template"]
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.append((where(path, node), node.value.value, ".html.j2"))
    return found


def test_every_template_named_in_code_exists() -> None:
    found = referenced_templates()
    names = {name for _, name, _ in found}
    assert {"setup/done", "errors/not_admin", "reminders/lead", "commands/lang"} <= names
    missing = [f"{at}: {name}{suffix}" for at, name, suffix in found if not exists(name, suffix)]
    assert missing == []


def test_template_name_fstrings_are_all_resolved() -> None:
    """An f-string name must be a known family or a local helper's parameter (so the test above
    checked it), or an error's ``_short`` alert."""
    unknown = []
    for path in modules():
        tree = parsed(path)
        wrapped = {f"f'{prefix}{{{param}}}'" for _, param, prefix, _ in wrappers(tree).values()}
        for name, call in calls(tree):
            arg = argument(call, RENDER_CALLS.get(name, (99, ""))[0], "name")
            if name in RENDER_CALLS and isinstance(arg, ast.JoinedStr):
                names = expand(arg)[1]
                allowed = wrapped | {"f'{error.template}_short'"}
                if not names and ast.unparse(arg) not in allowed:
                    unknown.append(f"{where(path, call)}: {ast.unparse(arg)}")
    assert unknown == []


def test_every_string_literal_matching_a_template_path_exists() -> None:
    """Names kept in variables first (``answer = "reminders/confirmed_short"``) are caught here."""
    folders = {p.name for p in TEMPLATES.iterdir() if p.is_dir()}
    shape = re.compile(rf"(?:{'|'.join(sorted(folders))})/[a-z0-9_]+")
    missing = []
    for path in modules():
        for node in ast.walk(parsed(path)):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and shape.fullmatch(node.value)
                and not (exists(node.value, ".html.j2") or exists(node.value, ".txt.j2"))
            ):
                missing.append(f"{where(path, node)}: {node.value}")
    assert missing == []


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


def cjk_in_strings(path: Path, root: Path = ROOT) -> list[str]:
    """CJK inside string tokens; comments and statement-level strings (docstrings) are not text
    any user sees, so they may name 三违 or 安委办. A literal that is not text for users (a
    regex accepting what they type, 至 or 天; a font's glyph probe) carries a comment
    ``# i18n: <why>`` on its line."""
    hits = []
    with tokenize.open(path) as fh:
        tokens = list(tokenize.generate_tokens(fh.readline))
    marked = {t.start[0] for t in tokens if t.type == tokenize.COMMENT and "# i18n:" in t.string}
    layout = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT}
    for i, tok in enumerate(tokens):
        if tok.type == FSTRING_MIDDLE and CJK.search(tok.string) and tok.end[0] not in marked:
            hits.append(f"{path.relative_to(root)}:{tok.start[0]}: {tok.string[:60]}")
        if tok.type != tokenize.STRING or not CJK.search(tok.string):
            continue
        before = next((t for t in reversed(tokens[:i]) if t.type not in layout), None)
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        statement = (
            before is None or before.string in {":", ";"} or before.start[0] < tok.start[0]
        ) and (after is None or after.type in {tokenize.NEWLINE, tokenize.ENDMARKER})
        if not statement and tok.end[0] not in marked:
            hits.append(f"{path.relative_to(root)}:{tok.start[0]}: {tok.string[:60]}")
    return hits


def test_no_cjk_string_literals_in_bot_modules() -> None:
    assert [hit for path in modules() for hit in cjk_in_strings(path)] == []


def test_the_cjk_scan_sees_strings_but_not_comments_or_docstrings(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""安全."""\n# 安全\nx = "安全"\ny = f"{x}安全"\ndef f():\n    """安全"""\n'
        'z = "至"  # i18n: input\n',
        encoding="utf-8",
    )
    assert [hit.split(":")[1] for hit in cjk_in_strings(sample, tmp_path)] == ["3", "4"]


def literal_texts(tree: ast.AST) -> Iterator[ast.Call]:
    for name, call in calls(tree):
        if name in SEND_CALLS:
            arg = argument(call, SEND_CALLS[name], "text")
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            if literal or isinstance(arg, ast.JoinedStr):
                yield call


def test_no_literal_text_is_sent_to_telegram() -> None:
    found = [
        f"{where(p, c)}: {ast.unparse(c)[:80]}" for p in modules() for c in literal_texts(parsed(p))
    ]
    assert found == []
    planted = ast.parse(
        'await q.answer("OK")\nawait bot.send_message(1, f"hi {x}")\nawait m.reply_html(t)'
    )
    assert len(list(literal_texts(planted))) == 2


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
        for command in KNOWN_FAMILIES["commands/"]:
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
    catalog = load_catalog(DEFAULT_SCHEDULES_DIR)  # LocalizedText requires zh_CN and en
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
