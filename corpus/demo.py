"""The one-command demo: the bundled demo site, the whole cycle, a release and a report."""

from __future__ import annotations

import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import yaml

from corpus.errors import NewscorpusError

# The port the bundled site YAMLs (crawler/sites/*.yaml) name.
DEMO_DEFAULT_URL = "http://127.0.0.1:8410"
DEMO_OUTLETS = ("wire", "agg", "morning", "hk")
DEMO_START_TIMEOUT = 120


class DemoError(NewscorpusError):
    """The demo site could not be started."""


def free_port(port: int) -> int:
    """``port`` if nothing listens on it on 127.0.0.1, else one the kernel says is free (0 stays 0)."""
    if port == 0:
        return 0
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return port
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]


@contextmanager
def demo_site_process(port: int, scale: int) -> Iterator[str]:
    """Serve the demo site from a child process (so extraction workers never fork a server thread)."""
    with subprocess.Popen([sys.executable, "-m", "crawler.demosite", "--port", str(port), "--scale", str(scale)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            url = process.stdout.readline().strip()
            if not url.startswith("http://"):
                process.wait(timeout=DEMO_START_TIMEOUT)
                raise DemoError(f"the demo site did not start on port {port}: "
                                f"{process.stderr.read().strip()[-500:] or 'no message'} (try --port 0)")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def demo_site_configs(url: str) -> list[dict]:
    """The bundled site files of the demo outlets (``crawler/sites/``), pointed at ``url``, as mappings."""
    import crawler

    folder = Path(crawler.__file__).parent / "sites"
    return [yaml.safe_load((folder / f"{name}.yaml").read_text("utf-8").replace(DEMO_DEFAULT_URL, url))
            for name in DEMO_OUTLETS]


def demo_sites(url: str) -> list:
    """The demo outlets' validated site configurations, pointed at ``url``."""
    from crawler.sites import site_from_dict

    return [site_from_dict(config, source=f"crawler/sites/{config['name']}.yaml") for config in demo_site_configs(url)]
