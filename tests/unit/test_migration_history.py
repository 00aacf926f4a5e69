"""The migration history is one line: every deployment upgrades through the same revisions."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from bot.store.db import alembic_config


def test_one_head_and_every_revision_reachable_from_base() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    chain = list(script.walk_revisions("base", "heads"))
    assert len(chain) == len(list(script.walk_revisions()))
    assert chain[-1].down_revision is None
