"""``safetybot schedules check`` and ``safetybot schedules show``, called with parsed arguments.

``check`` is what an admin runs after editing ``schedules/``: every error with its file, line
and field, the holiday-data warnings, and an exit code CI can use. ``show`` answers "what
would an enterprise of this sector get?" as a table, as JSON (the contract in DESIGN.md §2)
or as an iCalendar file. Titles come from the data, in the requested language.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.catalog.holidays import (
    check_holidays,
    holidays_dir,
    load_work_calendar,
    years_to_cover,
)
from bot.catalog.ics import build_calendar
from bot.catalog.loader import Catalog, check_catalog, load_catalog
from bot.catalog.models import NATIONAL, Obligation
from bot.catalog.people import check_people_rules
from bot.cli.inputs import writable_file, write_file
from bot.console import CliError, Console
from bot.datafile import DataFileError
from bot.domain.recurrence import Occurrence, occurrences
from bot.domain.workcalendar import WorkCalendar
from bot.i18n import DEFAULT_LOCALE, normalize_locale
from bot.paths import schedules_dir

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def run_check(
    path: Path | None,
    out: TextIO,
    *,
    today: dt.date,
    messages_dir: Path | None = None,
    locale: str = DEFAULT_LOCALE,
) -> int:
    """Validate the catalog and holiday files under ``path``; 1 if anything is wrong.

    Data issues are ``file:line: field: message`` lines (English, like a compiler's); the
    holiday warnings and the summary are translated.
    """
    console = Console(locale, out=out, err=out)
    root = path or schedules_dir()
    if not root.is_dir():
        return console.fail(CliError("cli/not_a_folder", path=str(root)))
    holiday_issues = check_holidays(root)
    issues = check_catalog(root, messages_dir) + holiday_issues + check_people_rules(root)
    for issue in issues:
        print(issue, file=out)
    missing: list[int] = []
    if not holiday_issues:
        missing = load_work_calendar(root).missing_years(years_to_cover(today))
    for year in missing:
        console.say("cli/holidays_missing", folder=f"{holidays_dir(root)}/", year=year)
    obligations = None if issues else len(load_catalog(root).obligations)
    console.say(
        "cli/check_summary", errors=len(issues), warnings=len(missing), obligations=obligations
    )
    return EXIT_INVALID if issues else EXIT_OK


def enterprise_occurrences(
    catalog: Catalog,
    calendar: WorkCalendar,
    *,
    sector: str,
    high_risk: bool,
    start: dt.date,
    end: dt.date,
    tz: ZoneInfo,
    region: str = NATIONAL,
) -> list[tuple[Obligation, Occurrence]]:
    """Every calendar occurrence an enterprise of ``region`` would get, by due time, id, area."""
    path = catalog.lineage(region)
    found = [
        (ob, occ)
        for ob in catalog.for_enterprise(sector, high_risk, region)
        for occ in occurrences(
            ob,
            sector=sector,
            high_risk=high_risk,
            start=start,
            end=end,
            tz=tz,
            calendar=calendar,
            regions=path,
        )
    ]
    return sorted(found, key=lambda p: (p[1].due, p[1].obligation_id, p[1].area or ""))


def occurrence_json(
    catalog: Catalog, ob: Obligation, occ: Occurrence, locale: str
) -> dict[str, Any]:
    """One element of ``show --json``: the DESIGN.md §2 fields plus what explains them."""
    area = catalog.area_names.get(occ.area) if occ.area else None
    return {
        "obligation_id": occ.obligation_id,
        "title": ob.title.get(locale),
        "kind": occ.kind,
        "area": occ.area,
        "area_name": area.get(locale) if area else None,
        "label": occ.label,
        "key": occ.key,
        "window_start": occ.starts_at.isoformat(),
        "window_end": occ.ends_before.isoformat(),
        "due": occ.due.isoformat(),
        "quota": occ.quota,
        "concerns": ob.concerns.value,
        "confirm": ob.confirm.value,
        "evidence": [e.value for e in ob.evidence],
        "sources": ob.citations,
        "regions": list(ob.regions),
        "settings": list(ob.settings),
    }


def _table(rows: list[tuple[Obligation, Occurrence]], locale: str) -> list[str]:
    """A plain table, one occurrence a line; titles in the requested language."""
    lines = [f"{'due':<21}  {'window':<22}  {'obligation':<26}  {'area':<10}  {'n':>2}  title"]
    for ob, occ in rows:
        window = f"{occ.window_start}..{occ.window_end}"
        due = occ.due.strftime("%Y-%m-%d %H:%M")
        area = occ.area or "-"
        title = ob.title.get(locale)
        lines.append(
            f"{due:<21}  {window:<22}  {occ.obligation_id:<26}  {area:<10}  {occ.quota:>2}  {title}"
        )
    return lines


def _event_lines(
    obligations: list[Obligation], sector: str, risk: bool, locale: str, path: frozenset[str]
) -> list[str]:
    """Event-triggered duties have no dates of their own; listed so the table is complete."""
    lines = []
    for ob in obligations:
        trigger = ob.schedule_for(sector, risk, path).trigger
        if trigger is not None:
            tag, title = f"[{trigger.value}]", ob.title.get(locale)
            lines.append(f"{tag:<21}  {'':<22}  {ob.id:<26}  {'-':<10}  {'':>2}  {title}")
    return lines


def _usage_error(console: Console, template: str, **values: Any) -> int:
    return console.fail(CliError(template, **values))


def run_show(
    *,
    sector: str,
    high_risk: bool | None,
    start: dt.date,
    end: dt.date,
    as_json: bool,
    ics_path: Path | None,
    out: TextIO,
    region: str = NATIONAL,
    tz: str = "Asia/Shanghai",
    locale: str = "zh_CN",
    root: Path | None = None,
    err: TextIO | None = None,
    now: dt.datetime | None = None,  # the ICS stamp: the caller's clock, needed with ics_path
) -> int:
    """Print (or export) the occurrences of an enterprise of ``sector`` in [start, end].

    ``high_risk=None`` takes the sector's default. Warnings (missing holiday data) go to
    ``err`` so that ``--json`` output stays a clean JSON array.
    """
    err = err or sys.stderr
    root = root or schedules_dir()
    locale = normalize_locale(locale)
    console = Console(locale, out=out, err=err)
    if ics_path is not None:
        try:
            writable_file("--ics", ics_path)
        except CliError as error:
            return console.fail(error)
    try:
        catalog, calendar = load_catalog(root), load_work_calendar(root)
    except DataFileError as exc:
        print(exc, file=err)
        return EXIT_INVALID
    found = catalog.find_sector(sector)
    if found is None:
        valid = ", ".join(f"{s.id} ({s.name.get(locale)})" for s in catalog.sectors.values())
        return _usage_error(console, "cli/unknown_sector", given=sector, valid=valid)
    found_region = catalog.find_region(region)
    if found_region is None:
        valid = ", ".join(f"{r.id} ({r.name.get(locale)})" for r in catalog.region_defs.values())
        return _usage_error(console, "cli/unknown_region", given=region, valid=valid)
    region = found_region.id
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return _usage_error(console, "cli/unknown_zone", given=tz)
    if start > end:
        return _usage_error(console, "cli/bad_period", start=start.isoformat(), end=end.isoformat())
    for year in calendar.missing_years(range(start.year, end.year + 1)):
        console.warn("cli/holidays_missing", folder=f"{holidays_dir(root)}/", year=year)
    risk = found.high_risk if high_risk is None else high_risk
    rows = enterprise_occurrences(
        catalog,
        calendar,
        sector=found.id,
        high_risk=risk,
        start=start,
        end=end,
        tz=zone,
        region=region,
    )
    if ics_path is not None:
        name = f"{found.name.get(locale)} {start}..{end}"
        if now is None:
            raise ValueError("an ICS file needs the caller's now")
        stamp = now
        ics = build_calendar(catalog, rows, name=name, locale=locale, stamp=stamp).to_ical()
        try:
            write_file("--ics", ics_path, ics)
        except CliError as error:
            return console.fail(error)
        console.say("cli/ics_written", count=len(rows), path=str(ics_path))
    elif as_json:
        data = [occurrence_json(catalog, ob, occ, locale) for ob, occ in rows]
        out.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        events = _event_lines(
            catalog.for_enterprise(found.id, risk, region),
            found.id,
            risk,
            locale,
            catalog.lineage(region),
        )
        out.write("\n".join([*_table(rows, locale), *events]) + "\n")
    return EXIT_OK
