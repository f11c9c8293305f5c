"""docs/scaling.md names only what exists.

Its shell blocks and inline commands run real ``textloop`` commands and options, ``ray``
commands with options of the installed Ray, and extras of pyproject.toml; its
``execution:`` block is a valid section of ``textloop.yaml``; the deployment files and
pages it links to exist, and it describes every file in deploy/k8s/.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.unit.deploy import checks
from tests.unit.deploy.checks import dockerfile
from textloop.config.execution import ExecutionSettings

DOC = checks.ROOT / "docs" / "scaling.md"
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.S | re.M)


def text() -> str:
    return DOC.read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    """Fenced blocks of one language, their indentation (inside a list item) removed."""
    return [re.sub(rf"^{indent}", "", body, flags=re.M)
            for indent, lang, body in FENCE.findall(text()) if lang == language]


def shell() -> list[list[str]]:
    return [command for block in blocks("bash") for command in checks.shell_commands(block)]


def inline_textloop() -> list[str]:
    """Inline code spans that are a textloop command line."""
    prose = FENCE.sub("", text())
    return [span for span in re.findall(r"`([^`\n]+)`", prose)
            if span.startswith("textloop ")]


def test_textloop_commands_in_the_page_are_real() -> None:
    usages = [checks.parse_textloop(argv, f"docs/scaling.md: {' '.join(command)}")
              for command in shell() if (argv := checks.textloop_argv(command)) is not None]
    usages += [checks.parse_textloop(checks.shell_commands(span)[0][1:],
                                     f"docs/scaling.md: `{span}`")
               for span in inline_textloop()]
    paths = {u.path for u in usages}
    assert {("predict",), ("clean",), ("cv",), ("serve",), ("status",),
            ("keys", "create"), ("models", "download")} <= paths
    checks.check_usages(usages)


def test_ray_commands_in_the_page_take_the_options_given() -> None:
    ray_scripts = pytest.importorskip("ray.scripts.scripts", reason="the ray extra is absent")
    commands = [c for c in shell() if c[0] == "ray"]
    commands += [checks.shell_commands(inner)[0]
                 for inner in re.findall(r"\$\((ray [^)]*)\)", text())]
    commands += [checks.shell_commands(span)[0]
                 for span in re.findall(r"`(ray [^`\n]+)`", FENCE.sub("", text()))]
    seen = set()
    for command in commands:
        sub = ray_scripts.cli.get_command(None, command[1])
        assert sub is not None, f"`{' '.join(command)}`: ray has no command {command[1]}"
        options = {opt for param in sub.params for opt in (*param.opts, *param.secondary_opts)}
        given = [token.split("=")[0] for token in command[2:] if token.startswith("-")]
        assert set(given) <= options, f"`{' '.join(command)}`: {set(given) - options}"
        seen.add(command[1])
    assert {"start", "get-auth-token", "status", "stop"} <= seen


def test_the_extras_named_exist() -> None:
    wanted = checks.requested_extras(text())
    assert {"ray", "postgres"} <= wanted
    assert wanted <= checks.extras(), f"unknown extras: {wanted - checks.extras()}"


def test_the_execution_block_is_a_valid_section() -> None:
    sections = [yaml.safe_load(block) for block in blocks("yaml")]
    (execution,) = [s["execution"] for s in sections if "execution" in s]
    settings = ExecutionSettings.model_validate(execution)
    assert settings.engine == "ray" and settings.address and settings.workers


def test_environment_variables_named_are_read() -> None:
    named = set(re.findall(r"\b((?:TEXTLOOP|RAY)_[A-Z_]+)\b", text()))
    assert {"TEXTLOOP_STORE_URL", "RAY_ADDRESS", "RAY_AUTH_MODE"} <= named
    build_args = set(re.findall(r"--build-arg (\w+)=", text()))
    for arg in build_args:  # a build argument, not an environment variable: the image's own
        assert dockerfile().arg(arg), arg
    read = checks.env_vars_read()
    unknown = {name for name in named - build_args
               if name not in read and not (name.startswith("RAY_") and checks.ray_reads(name))}
    assert not unknown, f"named in the page, read by nothing: {sorted(unknown)}"


def test_every_deployment_file_is_described_and_every_link_resolves() -> None:
    page = text()
    files = [checks.DEPLOY / "Dockerfile", *sorted((checks.DEPLOY / "k8s").glob("*.yaml"))]
    for path in files:
        assert f"`{path.name}`" in page or f"`deploy/{path.name}`" in page, path.name
    for named in re.findall(r"`(deploy/[\w./-]+)`", page):
        assert (checks.ROOT / named).exists(), named
    for link in re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]+)?\)", page):
        assert (DOC.parent / link).exists(), link


def test_the_readme_links_the_page() -> None:
    assert "(docs/scaling.md)" in (checks.ROOT / "README.md").read_text(encoding="utf-8")
