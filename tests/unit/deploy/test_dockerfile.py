"""deploy/Dockerfile: checked statically, and built for real where a container builder runs.

Static: the base image is pinned, the image runs as a non-root user, EXPOSE is the port
the default command serves on, the HEALTHCHECK calls a GET route of the server on that
port, the entrypoint is the CLI and its commands are real, the extras exist, the
environment variables are textloop's (or Python's and pip's own), and what it copies is
in the build context.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.unit.deploy import checks
from tests.unit.deploy.checks import DOCKERFILE, dockerfile


def test_the_base_image_is_pinned() -> None:
    (base,) = dockerfile().all("FROM")
    image = base.split()[0]
    assert "@sha256:" in image or re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+[\w.-]*", image), (
        f"FROM {image}: pin a full version tag (python:3.12.8-slim-bookworm) or a digest")
    assert image.startswith("python:") and "slim" in image


def test_it_runs_as_a_non_root_user_from_before_the_first_textloop_command() -> None:
    df = dockerfile()
    user = df.instruction("USER").split(":")[0]
    assert user not in {"root", "0"}
    keys = [key for key, _ in df.lines]
    last_user = len(keys) - 1 - keys[::-1].index("USER")
    runs = [i for i, (key, rest) in enumerate(df.lines) if key == "RUN"
            and any(checks.textloop_argv(c) is not None for c in checks.shell_commands(rest))]
    assert runs and all(i > last_user for i in runs), "textloop runs before USER"
    assert re.search(rf"useradd .*--uid {user}\b", " ".join(df.all("RUN")))


def test_expose_healthcheck_and_the_default_command_agree() -> None:
    df = dockerfile()
    port = int(df.instruction("EXPOSE"))
    cmd = df.exec_form("CMD")
    assert cmd[0] == "serve" and cmd[cmd.index("--port") + 1] == str(port)
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"  # reachable through the published port
    healthcheck = df.instruction("HEALTHCHECK")
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/\w*)", healthcheck)
    assert url, f"HEALTHCHECK calls no local URL: {healthcheck}"
    assert int(url.group(1)) == port
    assert checks.server_answers("GET", url.group(2))
    assert url.group(2) == "/healthz"  # liveness, not readiness: loading is not unhealthy


def test_the_entrypoint_is_the_cli_and_its_commands_are_real() -> None:
    df = dockerfile()
    assert df.exec_form("ENTRYPOINT") == ["textloop"]
    usages = [checks.parse_textloop(df.exec_form("CMD"), "Dockerfile CMD")]
    for rest in df.all("RUN"):
        for command in checks.shell_commands(rest):
            argv = checks.textloop_argv(command)
            if argv is not None:
                usages.append(checks.parse_textloop(argv, f"Dockerfile RUN {rest}"))
    assert {u.path for u in usages} == {("serve",), ("models", "download")}
    checks.check_usages(usages)


def test_the_extras_installed_exist() -> None:
    installs = " ".join(rest for rest in dockerfile().all("RUN") if "pip install" in rest)
    wanted = checks.requested_extras(installs)
    assert wanted == {"ray", "postgres"}
    assert wanted <= checks.extras()


def test_ray_is_pinned_to_what_the_ray_extra_accepts() -> None:
    version = dockerfile().arg("RAY_VERSION")
    installs = " ".join(dockerfile().all("RUN"))
    assert '"ray[data,serve]==${RAY_VERSION}"' in installs
    pytest.importorskip("packaging")
    import tomllib

    from packaging.requirements import Requirement

    data = tomllib.loads((checks.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (ray,) = [Requirement(r) for r in data["project"]["optional-dependencies"]["ray"]]
    assert version in ray.specifier, f"ray=={version} is outside the extra's {ray.specifier}"


def test_environment_variables_are_textloops_or_pythons() -> None:
    env = dockerfile().env()
    read = checks.env_vars_read()
    assert {"TEXTLOOP_PROJECT", "TEXTLOOP_CACHE_DIR"} <= set(env)
    unknown = [name for name in env
               if name not in read and not name.startswith(("PYTHON", "PIP_"))]
    assert not unknown, f"read by neither textloop nor Python/pip: {unknown}"
    assert env["TEXTLOOP_PROJECT"] == dockerfile().all("WORKDIR")[-1]


def test_what_it_copies_is_in_the_build_context() -> None:
    ignore = (checks.ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    kept = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore  # everything else stays out (.git, .venv, data)
    for rest in dockerfile().all("COPY"):
        *sources, _dest = rest.split()
        for source in sources:
            assert (checks.ROOT / source).exists(), source
            assert source.rstrip("/") in kept, f"{source} is excluded by .dockerignore"


def _builder() -> list[str] | None:
    """A builder that can build here: docker (with a daemon), podman or buildah."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "info"], capture_output=True,
                                 timeout=30).returncode == 0:
        return [docker, "build"]
    for tool, args in (("podman", ["build"]), ("buildah", ["bud"])):
        path = shutil.which(tool)
        if path and subprocess.run([path, "info"], capture_output=True,
                                   timeout=30).returncode == 0:
            return [path, *args]
    return None


@pytest.mark.slow
def test_the_image_builds() -> None:
    builder = _builder()
    if builder is None:
        pytest.skip("no container builder here (docker with a running daemon, podman or "
                    "buildah); the Dockerfile is checked statically above")
    result = subprocess.run([*builder, "-f", str(DOCKERFILE), "-t", "textloop-test:ci",
                             str(checks.ROOT)], capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
