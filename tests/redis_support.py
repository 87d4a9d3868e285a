"""A real redis-server for the frontier tests: 127.0.0.1, a free port, no persistence, stopped afterwards."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Yield ``redis://127.0.0.1:PORT/0`` of a redis-server started for the block, with nothing on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server); .ci/run installs it")
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(folder), "--daemonize", "no", "--loglevel", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None:
                    raise RuntimeError(f"redis-server exited with {server.returncode}") from None
                time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not answer within 10 s")
        client.close()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
