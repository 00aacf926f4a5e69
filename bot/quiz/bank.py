"""The 应知应会 question bank: pydantic models, loader and checker for ``messages/questions``.

The bank is edited by safety trainers, not programmers, so every mistake must come back as
file:line:field, and all of them at once: a trainer fixing one typo per run would give up.
The limits mirror Telegram's quiz polls so that a question that loads can always be sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.datafile import DataFileError, DataIssue, YamlDocument, read_yaml, validation_issues

Tag = Literal[
    "general",
    "fire",
    "hazardous_chemicals",
    "mining",
    "metallurgy",
    "construction",
    "dust",
    "gas",
    "fireworks",
    "transport",
]
Audience = Literal["worker", "manager"]

TAGS: Final[tuple[str, ...]] = get_args(Tag)
AUDIENCES: Final[tuple[str, ...]] = get_args(Audience)

# Sector ids (schedules/sectors.yaml) → the extra tags their staff are quizzed on. 工贸 staff
# get the metallurgy and dust questions, where the 工贸 major-hazard criteria are asked;
# sectors without a topic of their own (commerce, other, schools …) get the base set only.
SECTOR_TAGS: Final[Mapping[str, tuple[str, ...]]] = {
    "hazardous_chemicals": ("hazardous_chemicals",),
    "mining": ("mining",),
    "underground_mining": ("mining",),
    "metallurgy": ("metallurgy",),
    "fireworks": ("fireworks",),
    "construction": ("construction",),
    "transport": ("transport",),
    "gas": ("gas",),
    "catering": ("gas",),
    "dust": ("dust",),
    "industry_trade": ("metallurgy", "dust"),  # 工贸: the 工贸 major-hazard criteria (Decree 10)
    "commerce": (),
    "shopping_mall": (),
    "commercial_complex": (),
    "hotel": (),
    "entertainment": (),
    "scenic_area": (),
    "school": (),
    "hospital": (),
    "elderly_care": (),
    "heritage": (),
    "nine_small": (),
    "urban_rail": (),
    "other": (),
}
# Every sector's staff answer general and fire questions: fire is everyone's risk.
BASE_TAGS: Final[tuple[str, ...]] = ("general", "fire")

QUESTION_MAX: Final = 300
OPTION_MAX: Final = 100
EXPLANATION_MAX: Final = 200

NonBlank = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units), so rare CJK characters count double."""
    return len(text.encode("utf-16-le")) // 2


class Text(BaseModel):
    """A text in both shipped languages; neither may be missing, so no user sees a blank."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh_CN: NonBlank
    en: NonBlank

    def get(self, locale: str) -> str:
        """English for ``en*`` locales, Chinese otherwise (the bot's default audience)."""
        return self.en if locale.lower().startswith("en") else self.zh_CN


def _at_most(limit: int) -> AfterValidator:
    def check(text: Text) -> Text:
        for lang in ("zh_CN", "en"):
            length = telegram_length(getattr(text, lang))
            if length > limit:
                raise ValueError(f"{lang} is {length} characters, Telegram allows {limit}")
        return text

    return AfterValidator(check)


# Sizes are checked after the items (AfterValidator, not Field(min_length)): one bad item
# must give one issue, not a second "too short" issue for the same line.
def _count(low: int, high: int) -> AfterValidator:
    def check(items: tuple[Any, ...]) -> tuple[Any, ...]:
        if not low <= len(items) <= high:
            raise ValueError(f"needs between {low} and {high} items, not {len(items)}")
        return items

    return AfterValidator(check)


def _unique(items: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(set(items)) != len(items):
        raise ValueError("values must be unique")
    return items


QuestionText = Annotated[Text, _at_most(QUESTION_MAX)]
OptionText = Annotated[Text, _at_most(OPTION_MAX)]
ExplanationText = Annotated[Text, _at_most(EXPLANATION_MAX)]


class Question(BaseModel):
    """One quiz-poll question; valid here means Telegram will accept it as a quiz."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*-\d{3,}$")]
    tags: Annotated[tuple[Tag, ...], _count(1, len(TAGS)), AfterValidator(_unique)]
    audience: Annotated[tuple[Audience, ...], _count(1, len(AUDIENCES)), AfterValidator(_unique)]
    question: QuestionText
    options: Annotated[tuple[OptionText, ...], _count(2, 6)]
    correct: Annotated[tuple[int, ...], _count(1, 6), AfterValidator(_unique)]
    explanation: ExplanationText
    source: Text

    @field_validator("correct")
    @classmethod
    def _correct_points_at_options(
        cls, value: tuple[int, ...], info: ValidationInfo
    ) -> tuple[int, ...]:
        options = info.data.get("options")
        if options is None:  # options invalid: already reported, nothing to check against
            return value
        bad = [i for i in value if not 0 <= i < len(options)]
        if bad:
            raise ValueError(f"index {bad[0]} out of range: options are 0..{len(options) - 1}")
        return value

    @field_validator("options")
    @classmethod
    def _options_distinct(cls, value: tuple[Text, ...]) -> tuple[Text, ...]:
        for lang in ("zh_CN", "en"):
            texts = [getattr(o, lang) for o in value]
            if len(set(texts)) != len(texts):
                raise ValueError(f"two options have the same {lang} text")
        return value


class QuestionBank(BaseModel):
    """All questions; picks the set a sector's staff are examined on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    questions: tuple[Question, ...]

    @model_validator(mode="after")
    def _ids_unique(self) -> QuestionBank:
        dupes = [qid for qid, n in Counter(q.id for q in self.questions).items() if n > 1]
        if dupes:
            raise ValueError(f"duplicate question ids: {', '.join(sorted(dupes))}")
        return self

    @cached_property
    def _index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def by_id(self, qid: str) -> Question:
        """The question with id ``qid``; KeyError if the bank has none (e.g. it was removed)."""
        return self._index[qid]

    def find(self, qid: str) -> Question | None:
        """The question with id ``qid``, or None: a stored quiz may outlive a removed question."""
        return self._index.get(qid)

    def for_sector(self, sector_id: str, audience: str = "worker") -> list[Question]:
        """General and fire questions plus the sector's own, for one audience, in bank order.

        An unknown sector (sectors.yaml may grow before this table does) gets the base set
        rather than an error, so a new sector's inspections can still run a knowledge check.
        """
        wanted = {*BASE_TAGS, *SECTOR_TAGS.get(sector_id, ())}
        return [
            q for q in self.questions if audience in q.audience and not wanted.isdisjoint(q.tags)
        ]

    def sizes_by_tag(self) -> dict[str, int]:
        """How many questions carry each tag (every allowed tag listed, zero included)."""
        counts: Counter[str] = Counter(tag for q in self.questions for tag in q.tags)
        return {tag: counts[tag] for tag in TAGS}


class _QuestionFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    questions: tuple[Question, ...]


# File stem → id prefix, so an id says which file to open.
FILE_PREFIXES: Final[Mapping[str, str]] = {
    "general": "gen",
    "fire": "fire",
    "hazardous_chemicals": "chem",
    "mining": "min",
    "metallurgy": "met",
    "construction": "con",
    "dust": "dust",
    "gas": "gas",
    "fireworks": "fw",
    "transport": "tr",
    "manager": "mgr",
}


def _raw_ids(doc: YamlDocument) -> list[tuple[int, str]]:
    """(index, id) of every question whose id is a string, valid or not, for cross-file checks."""
    data: Any = doc.data
    items = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [
        (i, item["id"])
        for i, item in enumerate(items)
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    ]


def _load(directory: Path) -> tuple[QuestionBank | None, list[DataIssue]]:
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        return None, [DataIssue(str(directory), 1, "", "no question files (*.yaml) found")]
    issues: list[DataIssue] = []
    questions: list[Question] = []
    first_seen: dict[str, str] = {}
    for path in files:
        try:
            doc = read_yaml(path)
        except DataFileError as exc:
            issues.extend(exc.issues)
            continue
        prefix = FILE_PREFIXES.get(path.stem)
        for i, qid in _raw_ids(doc):
            loc = ("questions", i, "id")
            where = f"{path}:{doc.line_of(loc)}"
            if qid in first_seen:
                issues.append(doc.issue(loc, f"duplicate id {qid!r}, first at {first_seen[qid]}"))
                continue
            first_seen[qid] = where
            if prefix is not None and not qid.startswith(f"{prefix}-"):
                issues.append(doc.issue(loc, f"ids in {path.name} start with {prefix!r}-"))
        try:
            questions.extend(_QuestionFile.model_validate(doc.data).questions)
        except ValidationError as exc:
            issues.extend(validation_issues(doc, exc))
    if issues:
        return None, issues
    return QuestionBank(questions=tuple(questions)), []


def load_bank(directory: Path) -> QuestionBank:
    """Load every ``*.yaml`` in ``directory``; DataFileError lists every issue in every file."""
    bank, issues = _load(directory)
    if bank is None:
        raise DataFileError(issues)
    return bank


def check_bank(directory: Path) -> list[DataIssue]:
    """Every issue in the bank at ``directory``; empty when it loads cleanly."""
    return _load(directory)[1]
