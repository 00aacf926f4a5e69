"""Merge translations from a Python dict file (``ZH = {msgid: msgstr}``) into the zh_CN catalog.

Usage: python tools/fill_zh.py path/to/translations.py — reports msgids still untranslated.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "messages/locale/zh_CN/LC_MESSAGES/messages.po"

table = runpy.run_path(sys.argv[1])["ZH"] if len(sys.argv) > 1 else {}
with PO.open("rb") as fh:
    catalog = read_po(fh, locale="zh_CN")
missing = []
for message in catalog:
    if not message.id:
        continue
    key = message.id[0] if isinstance(message.id, tuple) else message.id  # plurals: the singular
    if key in table:
        # Chinese has one plural form
        message.string = (table[key],) if isinstance(message.id, tuple) else table[key]
        message.flags.discard("fuzzy")
    elif not message.string or not all(message.string) or message.fuzzy:
        missing.append(key)
with PO.open("wb") as fh:
    write_po(fh, catalog, width=100, sort_output=True)
print("untranslated:", missing)
