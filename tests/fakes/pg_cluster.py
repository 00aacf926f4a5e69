"""A PostgreSQL cluster a test may stop and start: ``.ci/pg-start`` on a port and directory of
its own, so the shared server (54329) other tests use is never touched.

Needs the Debian server binaries (``.ci/pg-start`` installs them when missing) and, as root,
``runuser`` to act as ``postgres``. The data directory lives under /tmp, which the postgres
user can reach (pytest's tmp_path is private to root).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Cluster:
    """A PostgreSQL cluster of this test's own (``.ci/pg-start`` on another port and
    directory), so it can be stopped and started without touching anyone else's server."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.dir = f"/tmp/safetybot-reliability-pg-{uuid.uuid4().hex[:8]}"  # postgres must reach it
        self.env = os.environ | {"PGPORT_CI": str(self.port), "PGDATA_CI": self.dir}
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        self.pg_ctl = str(bins[-1]) if bins else ""
        self.url = ""

    async def _run(self, *args: str) -> str:
        proc = await asyncio.create_subprocess_exec(
            *args, env=self.env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
        return out.decode()

    def _ctl(self, *args: str) -> list[str]:
        runuser = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        return [*runuser, self.pg_ctl, "-D", self.dir, *args]

    async def create(self) -> None:
        out = await self._run(str(ROOT / ".ci" / "pg-start"))
        self.url = out.strip().split("=", 1)[1]

    async def stop(self) -> None:
        await self._run(*self._ctl("-m", "fast", "-w", "stop"))

    async def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.dir}"
            " -c fsync=off"
        )
        await self._run(*self._ctl("-l", f"{self.dir}/server.log", "-w", "-o", options, "start"))

    async def destroy(self) -> None:
        await self._run(str(ROOT / ".ci" / "pg-stop"))
        shutil.rmtree(self.dir, ignore_errors=True)
