"""The layering of docs/architecture.md, checked on the code: who may import Telegram, module
size, and one wiring point."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
# Entry points and adapters that may know Telegram besides bot/telegram itself.
TELEGRAM_ALLOWED = ("telegram", "web", "demo", "emulator", "scheduling")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def modules() -> list[Path]:
    return [p for p in BOT.rglob("*.py") if "migrations" not in p.parts]


def test_only_the_telegram_layer_and_entry_points_import_telegram() -> None:
    offenders = []
    for path in modules():
        top = path.relative_to(BOT).parts[0]
        if top in TELEGRAM_ALLOWED:
            continue
        for name in imported_modules(path):
            if name == "telegram" or name.startswith(("telegram.", "bot.telegram")):
                offenders.append(f"{path.relative_to(BOT.parent)} imports {name}")
    assert not offenders, offenders


def test_no_module_is_over_300_lines() -> None:
    long = [
        f"{p.relative_to(BOT.parent)}: {n}"
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300
    ]
    assert not long, long


def test_handlers_are_registered_only_in_build_application() -> None:
    wiring = []
    for path in modules():
        source = path.read_text(encoding="utf-8")
        if (
            ".add_handler(" in source
            or ".add_handlers(" in source
            or ".add_error_handler(" in source
        ):
            wiring.append(str(path.relative_to(BOT.parent)))
    assert wiring == ["bot/telegram/app.py"], wiring


def test_every_feature_package_exports_its_feature() -> None:
    from bot.telegram.feature import Feature
    from bot.telegram.features import FEATURES

    packages = {p.parent.name for p in (BOT / "telegram").glob("*/__init__.py")}
    assert packages == {f.name for f in FEATURES}
    assert all(isinstance(f, Feature) for f in FEATURES)


SEND_CALLS = (
    ".send_message(",
    ".reply_html(",
    ".reply_text(",
    ".edit_message_text(",
    ".edit_message_reply_markup(",
    ".send_photo(",
    ".send_document(",
    ".send_poll(",
)


def test_every_outgoing_message_goes_through_the_send_module() -> None:
    direct = [
        f"{p.relative_to(BOT.parent)}: {call}"
        for p in (BOT / "telegram").rglob("*.py")
        if p.name != "sending.py"
        for call in SEND_CALLS
        if call in p.read_text(encoding="utf-8")
    ]
    assert not direct, direct
