"""Extract and dedup on Ray give the same store and byte-identical release data files as the local executor."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import cli_summary, run_cli
from crawl_support import crawl_demo_sites, rows

pytestmark = pytest.mark.slow
DOCUMENTS = "SELECT id, url, outlet, fetch_id, title, text, published, script, text_hash FROM documents ORDER BY id"
EXTRACTIONS = "SELECT fetch_id, url, status, reason FROM extractions ORDER BY fetch_id"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    """A workspace holding one crawl of the demo site, not yet extracted."""
    return crawl_demo_sites(tmp_path_factory.mktemp("crawled"))


@pytest.fixture(scope="module")
def local(crawled, tmp_path_factory) -> Path:
    """The same workspace after extract, dedup and release with the local executor."""
    home = tmp_path_factory.mktemp("local") / "ws"
    shutil.copytree(crawled, home)
    run_cli("extract", "--workers", "2", home=home)
    run_cli("dedup", home=home)
    run_cli("release", home=home)
    return home


# The cluster lives in a child process: Ray's threads must not live in this one, whose other tests fork.
_CLUSTER = """
import sys
from ray.cluster_utils import Cluster
cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
cluster.add_node(num_cpus=1)
cluster.wait_for_nodes()
print(cluster.address, flush=True)
sys.stdin.read()  # until the test closes it
cluster.shutdown()
"""


@pytest.fixture(scope="module")
def two_nodes():
    """The address of a simulated Ray cluster of two nodes with one CPU each (the CLI is the driver)."""
    child = subprocess.Popen([sys.executable, "-c", _CLUSTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        address = child.stdout.readline().strip()
        assert address, "the Ray cluster did not start"
        yield address
    finally:
        child.stdin.close()
        child.wait(timeout=120)
        child.stdout.close()


def _data_files(home: Path) -> dict[str, bytes]:
    [release] = [path for path in (home / "releases").iterdir() if path.is_dir()]
    return {str(path.relative_to(release)): path.read_bytes() for path in sorted(release.rglob("*.parquet"))}


def test_extract_on_a_local_ray_instance_writes_what_local_workers_write(crawled, local, tmp_path):
    home = tmp_path / "ws"
    shutil.copytree(crawled, home)
    summary = cli_summary("extract", "--executor", "ray", "--workers", "2", home=home)
    assert summary["executor"] == "ray" and summary["errors"] == 0 and summary["documents"] > 100
    assert rows(home, DOCUMENTS) == rows(local, DOCUMENTS)
    assert rows(home, EXTRACTIONS) == rows(local, EXTRACTIONS)


def test_extract_dedup_release_on_a_two_node_cluster_are_byte_identical(crawled, local, two_nodes, tmp_path):
    home = tmp_path / "ws"
    shutil.copytree(crawled, home)
    env = {"NEWSCORPUS_EXECUTOR": "ray", "NEWSCORPUS_EXECUTOR_RAY_ADDRESS": two_nodes}
    summary = cli_summary("extract", home=home, env=env)
    assert summary["executor"] == "ray" and summary["workers"] == 2   # the cluster's CPUs, over two nodes
    run_cli("dedup", home=home, env=env)
    run_cli("release", home=home)
    assert rows(home, DOCUMENTS) == rows(local, DOCUMENTS)
    assert rows(home, "SELECT * FROM cluster_members ORDER BY doc_id") == \
        rows(local, "SELECT * FROM cluster_members ORDER BY doc_id")
    ours, theirs = _data_files(home), _data_files(local)
    assert "data/train-00000-of-00001.parquet" in ours and len(ours) >= 3
    assert ours == theirs


def test_a_ray_address_without_the_ray_executor_is_a_usage_error(tmp_path):
    result = run_cli("dedup", "--ray-address", "auto", home=tmp_path / "ws", check=False)
    assert result.returncode == 2 and "needs EXECUTOR=ray (--executor ray)" in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_ray_cluster_is_a_one_line_error(tmp_path):
    (tmp_path / "empty").mkdir()
    run_cli("import-warc", str(tmp_path / "empty"), home=tmp_path / "ws")   # a workspace with a store
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]   # free once closed: nobody listens there
    result = run_cli("extract", "--executor", "ray", "--ray-address", f"127.0.0.1:{port}", home=tmp_path / "ws",
                     check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: cannot reach the Ray cluster at 127.0.0.1:{port}")
