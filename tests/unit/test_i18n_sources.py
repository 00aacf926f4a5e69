"""Scans of ``bot/*.py`` that CI runs: every template name the code uses exists, no Chinese
hides in a string literal, and no text is sent to Telegram that did not come from a template.
"""

from __future__ import annotations

import ast
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

from bot.paths import messages_dir
from bot.telegram.commands import GROUP_COMMANDS, PRIVATE_COMMANDS

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
TEMPLATES = messages_dir() / "templates"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)  # Python 3.12+ splits f-strings
# Renderer method -> (position of the template name, file suffix); reply() is handlers/common.py's.
RENDER_CALLS = {
    "render": (1, ".html.j2"),
    "repeated": (1, ".html.j2"),
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
    assert {"setup/done", "errors/not_admin", "reminders/item", "commands/lang"} <= names
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
