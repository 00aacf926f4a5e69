"""The demo's script: who is in the group and what they do, day by day (``messages/demo/*.yaml``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.datafile import load_model


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Model):
    first_name: str
    username: str
    language_code: str
    admin: bool = False


class Event(_Model):
    date: dt.date
    time: Annotated[str, Field(pattern=r"^\d\d:\d\d$")]
    # start: the person opens a private chat with the bot (/start), so it can write to them
    # reply: answer the bot's latest question (ForceReply) with ``text``; photo without a
    # target: answer it with a photo
    do: Literal["add_bot", "say", "start", "confirm", "press", "vote", "photo", "reply"]
    who: str
    text: str | None = None  # say: the message; press: the start of a button label; photo: caption
    obligation: str | None = None  # confirm
    target: str | None = None  # press / photo: the latest bot message containing this text
    answer: Literal["right", "wrong"] | None = None  # vote: on the latest quiz poll
    # say, press: wait for a bot message containing this (say: default any; press: default none);
    # confirm: a follow-up to await
    expect: str | None = None

    def moment(self, tz: dt.tzinfo) -> dt.datetime:
        hour, minute = map(int, self.time.split(":"))
        return dt.datetime.combine(self.date, dt.time(hour, minute), tzinfo=tz)


class DemoScript(_Model):
    group: str
    people: dict[str, Person]
    start: dt.date
    days: Annotated[int, Field(ge=1, le=120)]
    events: tuple[Event, ...]


def load_script(messages_dir: Path, locale: str) -> DemoScript:
    return load_model(messages_dir / "demo" / f"{locale}.yaml", DemoScript)
