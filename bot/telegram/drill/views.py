"""A drill's messages as the group sees them: the scenario with its five step buttons, the live
headcount, the organizer's marking list and the closing report.

Built in one place so that posting, editing after a press and the final "ended" edit always
look the same; texts come from ``messages/templates/drill/`` and the scenario data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalog import Catalog
from bot.domain import drill as rules
from bot.render import Renderer
from bot.services.drill.queries import DrillSnapshot, Targets
from bot.services.drill.scenarios import Scenario, ScenarioBook
from bot.telegram.drill.callbacks import (
    Arrive,
    Choose,
    End,
    ListMissing,
    Mark,
    PracticePress,
    PracticeStart,
    PressStep,
    encode,
)

MARK_MAX = 30  # people listed as buttons on the organizer's marking message


@dataclass(frozen=True)
class DrillTexts:
    """What every drill template needs, in the enterprise's language."""

    renderer: Renderer
    book: ScenarioBook
    catalog: Catalog
    locale: str

    def area(self, area: str) -> str:
        name = self.catalog.area_names.get(area)
        return name.get(self.locale) if name else area

    def signs(self) -> dict[str, str]:
        return {s.id.value: s.sign_for(self.locale) for s in self.book.steps}

    def step_label(self, scenario: Scenario, step: rules.Step) -> str:
        info = self.book.step(step)
        return self.renderer.text(
            self.locale,
            "drill/btn_step",
            sign=info.sign_for(self.locale),
            name=info.name.get(self.locale),
            do=scenario.steps[step].do.get(self.locale),
        )

    def button(self, template: str, data: str, **values: Any) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            self.renderer.text(self.locale, f"drill/{template}", **values), callback_data=data
        )

    def context(self, snap: DrillSnapshot) -> dict[str, Any]:
        drill = snap.drill
        scenario = self.book.get(drill.scenario)
        return {
            "drill": drill,
            "enterprise": snap.enterprise,
            "title": scenario.title.get(self.locale) if scenario else drill.scenario,
            "situation": scenario.situation.get(self.locale) if scenario else "",
            "area": self.area(drill.area),
            "tz": snap.enterprise.timezone,
            "report": snap.report,
            "signs": self.signs(),
        }

    # ----- the group drill -----
    def scenario_message(
        self, snap: DrillSnapshot, *, live: bool
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        drill, scenario = snap.drill, self.book.get(snap.drill.scenario)
        text = self.renderer.render(self.locale, "drill/scenario", live=live, **self.context(snap))
        if not live or scenario is None or drill.id is None:
            return text, None
        rows = [
            [
                InlineKeyboardButton(
                    self.step_label(scenario, step), callback_data=encode(PressStep(drill.id, step))
                )
            ]
            for step in rules.button_order(drill.id)
        ]
        return text, InlineKeyboardMarkup(rows)

    def headcount_message(
        self, snap: DrillSnapshot, *, live: bool
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        text = self.renderer.render(self.locale, "drill/headcount", live=live, **self.context(snap))
        drill_id = snap.drill.id
        if not live or drill_id is None:
            return text, None
        rows = [
            [self.button("btn_arrive", encode(Arrive(drill_id)))],
            [
                self.button("btn_mark", encode(ListMissing(drill_id))),
                self.button("btn_end", encode(End(drill_id))),
            ],
        ]
        return text, InlineKeyboardMarkup(rows)

    def mark_message(
        self, drill_id: int, missing: list[tuple[int, str]]
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        text = self.renderer.render(self.locale, "drill/mark", missing=len(missing))
        buttons = [
            self.button("btn_person", encode(Mark(drill_id, uid)), name=name)
            for uid, name in missing[:MARK_MAX]
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        return text, InlineKeyboardMarkup(rows) if rows else None

    def report_message(self, snap: DrillSnapshot, targets: Targets) -> str:
        titles = [self.target_title(o.obligation_id, o.area) for o in targets.rows]
        return self.renderer.render(
            self.locale, "drill/report", targets=titles, **self.context(snap)
        )

    def target_title(self, obligation_id: str, area: str | None) -> str:
        obligation = self.catalog.obligations.get(obligation_id)
        title = obligation.title.get(self.locale) if obligation else obligation_id
        return f"{title} · {self.area(area)}" if area else title

    # ----- choosing a scenario and an area -----
    def choose_scenario(
        self, scenarios: list[Scenario], area: str | None, count: int | None
    ) -> tuple[str, InlineKeyboardMarkup]:
        text = self.renderer.render(
            self.locale,
            "drill/choose_scenario",
            count=count,
            area=self.area(area) if area else None,
        )
        buttons = [
            InlineKeyboardButton(
                s.title.get(self.locale), callback_data=encode(Choose(s.id, area, count))
            )
            for s in scenarios
        ]
        return text, InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])

    def choose_area(
        self, scenario: Scenario, count: int | None
    ) -> tuple[str, InlineKeyboardMarkup]:
        text = self.renderer.render(
            self.locale, "drill/choose_area", title=scenario.title.get(self.locale), count=count
        )
        buttons = [
            InlineKeyboardButton(
                self.area(area.value), callback_data=encode(Choose(scenario.id, area.value, count))
            )
            for area in self.book.areas
        ]
        return text, InlineKeyboardMarkup([buttons])

    # ----- private practice -----
    def practice_message(
        self, practice: rules.Practice, seed: int
    ) -> tuple[str, InlineKeyboardMarkup]:
        scenario = self.book.get(practice.scenario)
        assert scenario is not None
        values = {
            "title": scenario.title.get(self.locale),
            "situation": scenario.situation.get(self.locale),
            "practice": practice,
            "signs": self.signs(),
            "steps": [
                {
                    "sign": self.book.step(s).sign_for(self.locale),
                    "name": self.book.step(s).name.get(self.locale),
                    "do": scenario.steps[s].do.get(self.locale),
                    "meaning": self.book.step(s).meaning.get(self.locale),
                }
                for s in rules.STEPS
            ],
        }
        if practice.finished:
            text = self.renderer.render(self.locale, "drill/practice_done", **values)
            again = self.button("btn_again", encode(PracticeStart(scenario.id)))
            return text, InlineKeyboardMarkup([[again]])
        text = self.renderer.render(self.locale, "drill/practice", **values)
        rows = [
            [
                InlineKeyboardButton(
                    self.step_label(scenario, step),
                    callback_data=encode(PracticePress(scenario.id, step)),
                )
            ]
            for step in rules.button_order(seed)
        ]
        return text, InlineKeyboardMarkup(rows)

    def practice_choose(self) -> tuple[str, InlineKeyboardMarkup]:
        text = self.renderer.render(self.locale, "drill/practice_choose")
        buttons = [
            InlineKeyboardButton(
                s.title.get(self.locale), callback_data=encode(PracticeStart(s.id))
            )
            for s in self.book.scenarios
        ]
        return text, InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])

    # ----- callback answers -----
    def step_answer(
        self,
        scenario: Scenario | None,
        step: rules.Step,
        verdict: rules.Judgement,
        elapsed: dt.timedelta,
    ) -> tuple[str, bool]:
        """The private answer to a step press: (text, show as alert)."""
        info = self.book.step(step)
        expected = self.book.step(verdict.expected) if verdict.expected else None
        if (
            verdict.verdict is rules.Verdict.OUT_OF_ORDER
            and expected is not None
            and scenario is not None
        ):
            why = scenario.steps[expected.id].why.get(self.locale)
            return self.renderer.text(
                self.locale, "drill/ans_step_wrong", sign=expected.sign_for(self.locale), why=why
            ), True
        if verdict.verdict is rules.Verdict.REPEAT:
            nxt = expected.sign_for(self.locale) if expected else None
            return self.renderer.text(
                self.locale, "drill/ans_step_repeat", sign=info.sign_for(self.locale), next=nxt
            ), False
        return self.renderer.text(
            self.locale, "drill/ans_step_ok", sign=info.sign_for(self.locale), elapsed=elapsed
        ), False
