"""Private service instances for the fault drills, started with the project's own scripts
(scripts/solr.sh, redis.sh, postgres.sh) under a scratch ``HG_VAR`` on free loopback ports:
a test may stop and restart them without touching the shared services other runs use."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SCRIPTS = ROOT / "scripts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_var(kind: str) -> Path:
    """A scratch HG_VAR under var/faults/ (readable by the postgres system user, which
    runs a cluster started as root; pytest's own temporary folders are private to root)."""
    base = ROOT / "var" / "faults"
    base.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=base))
    path.chmod(0o755)
    return path


class Service:
    script = ""
    kind = ""

    def __init__(self, **env: str) -> None:
        self.var = scratch_var(self.kind)
        self.env = dict(os.environ, HG_VAR=str(self.var), **env)

    def run(self, *args: str, timeout: float = 180) -> str:
        result = subprocess.run(["bash", str(SCRIPTS / self.script), *args], env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{self.script} {' '.join(args)} failed:\n{result.stdout}\n"
                               f"{result.stderr}\n{self.logs()}")
        return result.stdout

    def logs(self) -> str:
        out = []
        for log in sorted((self.var / "log").glob("*.log")):
            out.append(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}")
        return "\n".join(out)

    running = False

    def start(self) -> None:
        self.run("start")
        self.running = True

    def stop(self) -> None:
        self.run("stop")
        self.running = False

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.var, ignore_errors=True)


class PrivateSolr(Service):
    """One core, ``core``, on a free port. The launcher's classpath is the project's
    (var/solr/classpath.txt), so that nothing is rebuilt."""
    script = "solr.sh"
    kind = "solr"

    def __init__(self, core: str = "ckan_faults") -> None:
        self.port = free_port()
        super().__init__(SOLR_PORT=str(self.port), SOLR_CORES=core, SOLR_HEAP="256m")
        self.core = core
        self.url = f"http://127.0.0.1:{self.port}/solr/{core}"
        (self.var / "solr").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "var" / "solr" / "classpath.txt", self.var / "solr" / "classpath.txt")
        self.run("setup")

    @property
    def data_dir(self) -> Path:
        return self.var / "solr" / "home" / self.core / "data"


class PrivateRedis(Service):
    script = "redis.sh"
    kind = "redis"

    def __init__(self) -> None:
        self.port = free_port()
        super().__init__(REDIS_PORT=str(self.port))

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}?socket_timeout=300"


class PrivatePostgres(Service):
    """A cluster of its own (initdb by postgres.sh) with the project's role and a database."""
    script = "postgres.sh"
    kind = "postgres"

    def __init__(self, database: str = "ckan_faults", password: str = "faults-drill") -> None:
        self.port = free_port()
        super().__init__(PG_PORT=str(self.port))
        self.database = database
        self.password = password
        self.url = f"postgresql://ckan:{password}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        super().start()
        self.run("createdb", self.database, self.password)

    def pg_ctl(self, *args: str) -> None:
        """pg_ctl on the cluster, as its owner (the postgres system user under root)."""
        data = self.var / "postgres" / "data"
        bin_ = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
        command = [f"{bin_}/pg_ctl", "-D", str(data), "-l", str(self.var / "log" / "postgres.log"),
                   *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
