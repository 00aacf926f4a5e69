"""deploy/ stays in step with the code: every setting documented, compose and image sane.

CI has no Docker engine; ``docker compose -f deploy/compose.yaml config`` runs when the
compose plugin is present, and the structure checks below run everywhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_env_example_lists_every_setting() -> None:
    text = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    missing = {name.upper() for name in Settings.model_fields} - listed
    assert not missing, f"add to deploy/.env.example: {sorted(missing)}"


def test_readme_documents_the_production_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_PORT", "WEBHOOK_PATH", "METRICS_PORT"):
        assert f"`{name}`" in readme


def test_compose_has_bot_and_postgres_with_volume_and_healthchecks() -> None:
    compose = _compose()
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert db["image"].startswith("postgres:16")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    mounted = [v.split(":")[0] for v in db["volumes"] + bot["volumes"]]
    assert set(compose["volumes"]) == set(mounted)
    # the evidence store (EVIDENCE_STORE=local) lives on a volume, not in the container
    assert f"evidence:{bot['environment']['EVIDENCE_DIR']}" in bot["volumes"]
    for service in (db, bot):
        check = service["healthcheck"]
        assert check["test"] and check["interval"] and check["retries"]
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert bot["env_file"][0]["path"] == ".env"
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert bot["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert "healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["stop_grace_period"] == "30s"  # time for the graceful stop


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker CLI")
def test_docker_compose_config_validates() -> None:
    plugin = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, check=False, timeout=60
    )
    if plugin.returncode != 0:
        pytest.skip("docker CLI without the compose plugin")
    result = subprocess.run(
        ["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_dockerfile_is_slim_non_root_and_needs_no_system_fonts() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in text
    assert "fonts-noto-cjk" not in text  # the chart font is a dependency (pylopdf-fonts-zh-cn)
    assert "[postgres,s3]" in text  # PostgreSQL and the S3 evidence store
    users = re.findall(r"^USER (\S+)", text, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert "HEALTHCHECK" in text and "STOPSIGNAL SIGTERM" in text


def test_systemd_unit_stops_gracefully_and_migrates_first() -> None:
    unit = (DEPLOY / "safetybot.service").read_text(encoding="utf-8")
    assert "ExecStartPre=/opt/safetybot/.venv/bin/safetybot db upgrade" in unit
    assert "KillSignal=SIGTERM" in unit and "TimeoutStopSec=" in unit
    assert re.search(r"^User=(?!root)\w+", unit, flags=re.MULTILINE)


def test_operations_guide_covers_the_essentials() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for topic in (
        "pg_dump",
        ".backup",
        "safetybot db upgrade",
        "/revoke",
        "WEBHOOK_SECRET",
        "journalctl",
        "/metrics",
        "/healthz",
    ):
        assert topic in guide, topic


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://bot.example.com", "https://bot.example.com/hook"),
        ("https://bot.example.com/", "https://bot.example.com/hook"),
        ("https://bot.example.com/custom/path", "https://bot.example.com/custom/path"),
    ],
)
def test_webhook_url_gets_the_path_when_it_names_only_a_host(url: str, expected: str) -> None:
    from bot.web.service import public_webhook_url

    settings = Settings(
        _env_file=None, webhook_url=url, webhook_secret="s" * 32, webhook_path="hook"
    )
    assert public_webhook_url(settings) == expected
