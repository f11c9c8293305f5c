"""deploy/k8s/: every manifest parses, and everything it names exists.

Kinds and API versions as expected; the Service finds the Deployment's pods and port; the
probes are GET routes of the app ``textloop serve`` runs; environment variables are ones
textloop (or Ray, for ``RAY_*``) reads; Secrets and volume claims named are defined; the
containers' command lines are real ``textloop`` commands and options; the Ray cluster runs
the Ray version the image pins, with its dashboard on loopback and token authentication.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.deploy import checks
from tests.unit.deploy.checks import dockerfile

K8S = checks.DEPLOY / "k8s"


def manifests() -> dict[str, list[dict[str, Any]]]:
    return {path.name: [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
                        if doc is not None]
            for path in sorted(K8S.glob("*.yaml"))}


def objects() -> list[tuple[str, dict[str, Any]]]:
    return [(name, doc) for name, docs in manifests().items() for doc in docs]


def one(kind: str) -> dict[str, Any]:
    found = [doc for _, doc in objects() if doc["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def pod_specs() -> list[tuple[str, dict[str, Any]]]:
    """(where, pod spec) of every workload: Deployment, Job, the Ray head and workers."""
    specs = []
    for name, doc in objects():
        where = f"{name}: {doc['kind']} {doc['metadata']['name']}"
        if doc["kind"] in {"Deployment", "Job"}:
            specs.append((where, doc["spec"]["template"]["spec"]))
        elif doc["kind"] == "RayCluster":
            specs.append((f"{where} head", doc["spec"]["headGroupSpec"]["template"]["spec"]))
            specs += [(f"{where} {group['groupName']}", group["template"]["spec"])
                      for group in doc["spec"]["workerGroupSpecs"]]
    return specs


def containers() -> list[tuple[str, dict[str, Any]]]:
    return [(f"{where} container {c['name']}", c)
            for where, spec in pod_specs() for c in spec["containers"]]


def test_every_manifest_parses_with_the_kinds_expected() -> None:
    kinds = {(doc["apiVersion"], doc["kind"]) for _, doc in objects()}
    assert kinds == {("apps/v1", "Deployment"), ("v1", "Service"), ("batch/v1", "Job"),
                     ("ray.io/v1", "RayCluster"), ("v1", "Secret"),
                     ("v1", "PersistentVolumeClaim")}
    for name, doc in objects():
        assert doc["metadata"]["name"].startswith("textloop-"), name
        assert doc["metadata"]["labels"]["app.kubernetes.io/name"] == "textloop", name


def test_the_service_selects_the_servers_pods_and_port() -> None:
    deployment, service = one("Deployment"), one("Service")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert service["metadata"]["name"] == deployment["metadata"]["name"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    (port,) = service["spec"]["ports"]
    target = port["targetPort"]
    assert target in ports or target in ports.values(), f"targetPort {target} is no port"
    served = ports.get(target, target)
    argv = container["args"]
    assert argv[:1] == ["serve"] and argv[argv.index("--port") + 1] == str(served)
    assert argv[argv.index("--host") + 1] == "0.0.0.0"  # reachable from the Service
    assert int(dockerfile().instruction("EXPOSE")) == served


def test_probes_are_get_routes_of_the_server() -> None:
    (container,) = one("Deployment")["spec"]["template"]["spec"]["containers"]
    ports = {p["name"] for p in container["ports"]} | {p["containerPort"]
                                                        for p in container["ports"]}
    readiness = container["readinessProbe"]["httpGet"]
    liveness = container["livenessProbe"]["httpGet"]
    assert (readiness["path"], liveness["path"]) == ("/readyz", "/healthz")
    for probe in (readiness, liveness):
        assert checks.server_answers("GET", probe["path"]), f"{probe['path']} is no route"
        assert probe["port"] in ports


def test_the_server_drains_within_its_grace_period() -> None:
    from textloop.server.run import GRACE_SECONDS

    spec = one("Deployment")["spec"]["template"]["spec"]
    assert spec["terminationGracePeriodSeconds"] > GRACE_SECONDS


def test_environment_variables_are_ones_textloop_or_ray_reads() -> None:
    read = checks.env_vars_read()
    assert {"TEXTLOOP_STORE_URL", "TEXTLOOP_PROJECT", "RAY_ADDRESS"} <= read  # the scan works
    unknown = []
    for where, container in containers():
        for env in container.get("env", []):
            name = env["name"]
            if name in read or (name.startswith("RAY_") and checks.ray_reads(name)):
                continue
            unknown.append(f"{where}: {name}")
    assert not unknown, "read by neither textloop nor Ray: " + ", ".join(unknown)


def test_the_store_url_comes_from_a_secret_wherever_the_store_is_opened() -> None:
    for where, container in containers():
        env = {e["name"]: e for e in container.get("env", [])}
        if container.get("args", [None])[0] in {"serve", "predict"}:
            ref = env["TEXTLOOP_STORE_URL"]["valueFrom"]["secretKeyRef"]
            assert ref == {"name": "textloop-postgres", "key": "url"}, where
            assert "value" not in env["TEXTLOOP_STORE_URL"], where


def test_secrets_and_claims_named_are_defined() -> None:
    secrets = {doc["metadata"]["name"]: set(doc["stringData"])
               for _, doc in objects() if doc["kind"] == "Secret"}
    claims = {doc["metadata"]["name"] for _, doc in objects()
              if doc["kind"] == "PersistentVolumeClaim"}
    used = set()
    for where, container in containers():
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["key"] in secrets.get(ref["name"], set()), f"{where}: {ref}"
                used.add(ref["name"])
    assert used == set(secrets) - {"textloop-api-key"}  # the API key is for clients
    for where, spec in pod_specs():
        volumes = {v["name"]: v["persistentVolumeClaim"]["claimName"]
                   for v in spec.get("volumes", [])}
        assert set(volumes.values()) <= claims, where
        for container in spec["containers"]:
            mounts = {m["name"] for m in container.get("volumeMounts", [])}
            assert mounts <= set(volumes), where


def test_pods_share_one_image_and_run_as_the_images_user() -> None:
    images = {container["image"] for _, container in containers()}
    assert len(images) == 1, f"one image everywhere, found {sorted(images)}"
    uid = dockerfile().instruction("USER").split(":")[0]
    for where, spec in pod_specs():
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert str(spec["securityContext"]["runAsUser"]) == uid, where


def textloop_usages() -> list[checks.Usage]:
    """The command line of every container that runs textloop: ``command`` + ``args``, the
    image's ENTRYPOINT when ``command`` is absent. (KubeRay sets the Ray pods' own.)"""
    entrypoint = dockerfile().exec_form("ENTRYPOINT")
    usages = []
    for where, container in containers():
        if "ray-" in container["name"]:
            continue
        argv = [*(container.get("command") or entrypoint), *container.get("args", [])]
        rest = checks.textloop_argv(argv)
        assert rest is not None, f"{where} does not run textloop: {argv}"
        usages.append(checks.parse_textloop(rest, where))
    return usages


def test_container_commands_are_real_textloop_commands_and_options() -> None:
    usages = textloop_usages()
    assert {u.path for u in usages} == {("serve",), ("predict",)}
    checks.check_usages(usages)


def ray_cluster() -> dict[str, Any]:
    return one("RayCluster")


def test_the_ray_cluster_runs_the_ray_the_image_pins() -> None:
    version = dockerfile().arg("RAY_VERSION")
    assert ray_cluster()["spec"]["rayVersion"] == version
    major, minor, *_ = (int(part) for part in version.split("."))
    assert (major, minor) >= (2, 52), "token authentication needs Ray 2.52 or later"


def test_ray_start_params_are_options_of_ray_start() -> None:
    ray_scripts = pytest.importorskip("ray.scripts.scripts", reason="the ray extra is absent")
    start = ray_scripts.cli.get_command(None, "start")
    options = {opt for param in start.params for opt in param.opts}
    spec = ray_cluster()["spec"]
    groups = [spec["headGroupSpec"], *spec["workerGroupSpecs"]]
    for group in groups:
        for key, value in group["rayStartParams"].items():
            assert f"--{key}" in options, f"ray start has no option --{key}"
            assert isinstance(value, str), f"rayStartParams.{key} must be a string"
    assert spec["headGroupSpec"]["rayStartParams"]["dashboard-host"] == "127.0.0.1"


def test_every_ray_pod_and_driver_uses_token_authentication() -> None:
    for where, container in containers():
        env = {e["name"]: e for e in container.get("env", [])}
        if "ray-" in container["name"] or "RAY_ADDRESS" in env:
            assert env["RAY_AUTH_MODE"]["value"] == "token", where
            ref = env["RAY_AUTH_TOKEN"]["valueFrom"]["secretKeyRef"]
            assert ref["name"] == "textloop-ray-token", where


def test_the_job_reaches_the_heads_client_port_through_its_service() -> None:
    cluster = ray_cluster()
    (job_container,) = one("Job")["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in job_container["env"]}
    address = env["RAY_ADDRESS"]
    assert address.startswith("ray://")
    host, port = address.removeprefix("ray://").split(":")
    assert host == f"{cluster['metadata']['name']}-head-svc"  # the Service KubeRay creates
    (head,) = cluster["spec"]["headGroupSpec"]["template"]["spec"]["containers"]
    assert {"name": "client", "containerPort": int(port)} in head["ports"]
    for where, spec in pod_specs():
        if "RayCluster" in where:  # the driver reads and writes the files; workers score
            assert "volumes" not in spec, where


def test_the_job_writes_its_output_where_it_mounts_a_volume() -> None:
    (container,) = one("Job")["spec"]["template"]["spec"]["containers"]
    args = container["args"]
    mounts = [Path(m["mountPath"]) for m in container["volumeMounts"]]
    for option in ("--input", "--output"):
        path = Path(args[args.index(option) + 1])
        assert any(path.is_relative_to(mount) for mount in mounts), f"{option} {path}"
