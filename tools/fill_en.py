"""English is the source language of the templates: copy each msgid into the en catalog."""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "messages/locale/en/LC_MESSAGES/messages.po"

with PO.open("rb") as fh:
    catalog = read_po(fh, locale="en")
for message in catalog:
    if message.id and (not message.string or not all(message.string) or message.fuzzy):
        message.string = message.id  # a (singular, plural) pair for plural messages
        message.flags.discard("fuzzy")
with PO.open("wb") as fh:
    write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
