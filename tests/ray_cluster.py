"""A real two-node Ray cluster on loopback for the tests of the ``ray`` engine.

Two node processes (a head and a second node, one CPU each) on 127.0.0.1, so tasks and
actors are scheduled across nodes as on a real cluster. Ray is told to stay on loopback
(``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` keeps it from advertising the machine's outside
address) and not to send usage statistics. Started once per test session, on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

OBJECT_STORE_BYTES = 80 * 2**20


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[str]:
    """The address (``127.0.0.1:PORT``) of a running two-node cluster, this process
    connected to it as the driver."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    pytest.importorskip("ray", reason="the ray extra is not installed")
    import ray
    from ray.cluster_utils import Cluster

    node = {"num_cpus": 1, "object_store_memory": OBJECT_STORE_BYTES,
            "node_ip_address": "127.0.0.1"}
    cluster = Cluster(initialize_head=True,
                      head_node_args={**node, "include_dashboard": False})
    cluster.add_node(**node)
    ray.init(address=cluster.address, log_to_driver=False)
    try:
        yield str(cluster.address)
    finally:
        ray.shutdown()
        cluster.shutdown()
