"""What the deployment files and docs/scaling.md may name, read from the code itself.

The manifests, the Dockerfile and the shell blocks of the docs name CLI commands and
options, environment variables, server routes and extras. Each is checked against the
thing it names: the typer app (walked as click commands, and its ``--help`` rendered), the
environment variables the source reads (found in its syntax tree), the routes of the app
``create_app`` builds, and ``pyproject.toml``'s extras.
"""

from __future__ import annotations

import ast
import atexit
import json
import re
import shlex
import shutil
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import typer
from typer._click.core import Command, Context
from typer.core import TyperGroup, TyperOption
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "src" / "textloop"
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"

@dataclass(frozen=True)
class Usage:
    """One command line naming ``textloop``: the command path and the options it passes."""

    where: str
    path: tuple[str, ...]
    options: tuple[str, ...]


@cache
def cli() -> TyperGroup:
    from textloop.cli.main import app

    command = typer.main.get_command(app)
    assert isinstance(command, TyperGroup)
    return command


def _option_map(command: Command) -> dict[str, TyperOption]:
    return {opt: param for param in command.params if isinstance(param, TyperOption)
            for opt in (*param.opts, *param.secondary_opts)}


def _sub(group: TyperGroup, name: str) -> Command | None:
    return group.get_command(Context(group, info_name="textloop"), name)


def parse_textloop(argv: list[str], where: str) -> Usage:
    """Walk ``argv`` (after ``textloop``) down the command groups; collect the options given
    at the command reached. An unknown command raises AssertionError naming ``where``."""
    group: Command = cli()
    path: list[str] = []
    options: list[str] = []
    tokens = list(argv)
    while tokens:
        token = tokens.pop(0)
        if token.startswith("-"):
            name = token.split("=", 1)[0]
            options.append(name)
            param = _option_map(group).get(name)
            if param is not None and not param.is_flag and "=" not in token and tokens:
                tokens.pop(0)  # the option's value
            continue
        if isinstance(group, TyperGroup):
            sub = _sub(group, token)
            assert sub is not None, f"{where}: `textloop {' '.join([*path, token])}` " \
                                    "is not a textloop command"
            group = sub
            path.append(token)
            options = []  # a group's own options (--project) are checked by the group
        # else: a positional argument of the command
    return Usage(where, tuple(path), tuple(options))


def command_for(path: tuple[str, ...]) -> Command:
    command: Command = cli()
    for name in path:
        assert isinstance(command, TyperGroup)
        found = _sub(command, name)
        assert found is not None, f"no command textloop {' '.join(path)}"
        command = found
    return command


def missing_options(usage: Usage) -> set[str]:
    """The options of ``usage`` its command does not take (``--help`` is every command's)."""
    known = set(_option_map(command_for(usage.path))) | {"--help", "-h"}
    return {opt for opt in usage.options if opt not in known}


def help_text(path: tuple[str, ...]) -> str:
    """``textloop PATH --help`` as a user sees it (wide, no colour)."""
    from textloop.cli.main import app

    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200",
                                                            "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0, f"textloop {' '.join(path)} --help failed: {result.output}"
    return re.sub(r"\x1b\[[0-9;]*m", "", result.output)


def check_usages(usages: list[Usage]) -> None:
    """Every command exists, shows its help, and takes the options given."""
    assert usages, "no textloop command found"
    problems = []
    for usage in usages:
        missing = missing_options(usage)
        command = " ".join(usage.path)
        problems += [f"{usage.where}: `textloop {command}` has no option {opt}"
                     for opt in sorted(missing)]
        shown = help_text(usage.path)
        for opt in sorted(set(usage.options) - missing - {"--help", "-h"}):
            if opt not in shown:
                problems.append(f"{usage.where}: `textloop {command} --help` does not show {opt}")
    assert not problems, "\n".join(problems)


def shell_commands(text: str) -> list[list[str]]:
    """The commands of a shell snippet: continuation lines joined, comments dropped, split
    at ``&&``, ``||``, ``;`` and ``|``."""
    joined = re.sub(r"\\\n\s*", " ", text)
    commands: list[list[str]] = []
    for line in joined.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars="&|;")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        current: list[str] = []
        for token in lexer:
            if token in {"&&", "||", ";", "|", "&"}:
                commands.append(current)
                current = []
            else:
                current.append(token)
        commands.append(current)
    return [c for c in commands if c]


def textloop_argv(command: list[str]) -> list[str] | None:
    """The arguments after ``textloop`` when ``command`` runs it, directly or after the
    ``--`` of a wrapper (``kubectl exec POD -- textloop ...``); else None."""
    for start in (0, *(i + 1 for i, token in enumerate(command) if token == "--")):
        if start < len(command) and command[start] == "textloop":
            return command[start + 1:]
    return None


@cache
def env_vars_read() -> frozenset[str]:
    """Environment variable names the source reads: the literal or module-constant first
    argument of ``os.environ.get/[]/setdefault``, ``os.getenv`` and ``envvar=``, plus
    module constants named ``*_ENV`` (names handed to a reader such as ``_env_number``)."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if not re.search(r"environ|getenv|envvar|_ENV\b", text):
            continue  # reads no environment variable: no need to parse it
        tree = ast.parse(text)
        constants = {target.id: node.value.value for node in tree.body
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, str)
                     for target in node.targets if isinstance(target, ast.Name)}
        names |= {value for name, value in constants.items() if name.endswith("_ENV")}

        for node in ast.walk(tree):
            found: str | None = None
            if isinstance(node, ast.Call):
                func = ast.unparse(node.func)
                if func in {"os.environ.get", "os.getenv", "os.environ.setdefault",
                            "os.environ.pop"} and node.args:
                    found = _string(node.args[0], constants)
                for keyword in node.keywords:
                    if keyword.arg == "envvar":
                        names.add(_string(keyword.value, constants) or "")
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                found = _string(node.slice, constants)
            if found:
                names.add(found)
    names.discard("")
    return frozenset(names)


def _string(node: ast.AST, constants: dict[str, str]) -> str | None:
    """A string literal, or a module constant's string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def ray_reads(name: str) -> bool:
    """Whether the installed Ray's source names the environment variable ``name``."""
    import importlib.util

    spec = importlib.util.find_spec("ray")
    if spec is None or not spec.submodule_search_locations:
        return False
    root = Path(next(iter(spec.submodule_search_locations)))
    pattern = f'"{name}"'
    return any(pattern in path.read_text(encoding="utf-8", errors="ignore")
               for path in root.rglob("*.py"))


@cache
def extras() -> frozenset[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return frozenset(data["project"]["optional-dependencies"])


def requested_extras(text: str) -> set[str]:
    """The extras of every ``textloop[...]`` or ``.[...]`` requirement in ``text``."""
    found: set[str] = set()
    for group in re.findall(r'(?:textloop|(?<![\w/])\.)\[([a-z0-9_,\- ]+)\]', text):
        found |= {name.strip() for name in group.split(",")}
    return found


@cache
def _server_app() -> Any:
    """The app ``textloop serve`` runs, built for a fresh project (its model loads at
    startup, so building the app needs none)."""
    import tempfile

    from textloop.config import Label
    from textloop.server.app import create_app
    from textloop.server.settings import ServerConfig
    from textloop.stages.project.init import init_project
    from textloop.storage import Store

    tmp = tempfile.mkdtemp(prefix="textloop-routes-")
    atexit.register(shutil.rmtree, tmp, True)
    project = init_project(Path(tmp) / "proj", labels=[Label(name="a"), Label(name="b")])
    with Store.for_project(project) as store:
        return create_app(project, store, ServerConfig.for_project(project))


def server_answers(method: str, path: str) -> bool:
    """Whether a route of the server's app fully matches ``METHOD path``, by the router's
    own matching (routers included into the app are matched as a request would be)."""
    from starlette.routing import Match

    scope = {"type": "http", "method": method, "path": path, "root_path": "",
             "headers": [], "query_string": b""}
    return any(route.matches(scope)[0] == Match.FULL for route in _server_app().router.routes)


@dataclass(frozen=True)
class Dockerfile:
    """The instructions of a Dockerfile, continuation lines joined, comments dropped."""

    lines: tuple[tuple[str, str], ...]

    @classmethod
    def read(cls, text: str) -> Dockerfile:
        joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines()
                                                if not line.lstrip().startswith("#")))
        lines = []
        for line in joined.splitlines():
            if line.strip():
                keyword, _, rest = line.strip().partition(" ")
                lines.append((keyword.upper(), rest.strip()))
        return cls(tuple(lines))

    def all(self, keyword: str) -> list[str]:
        return [rest for key, rest in self.lines if key == keyword]

    def instruction(self, keyword: str) -> str:
        """The last one counts (Docker's rule for USER, EXPOSE here, CMD, ENTRYPOINT)."""
        found = self.all(keyword)
        assert found, f"the Dockerfile has no {keyword}"
        return found[-1]

    def exec_form(self, keyword: str) -> list[str]:
        value = json.loads(self.instruction(keyword))
        assert isinstance(value, list), f"{keyword} must be in exec form (a JSON list)"
        return value

    def arg(self, name: str) -> str:
        for rest in self.all("ARG"):
            key, _, default = rest.partition("=")
            if key == name:
                return default
        raise AssertionError(f"no ARG {name}")

    def env(self) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for rest in self.all("ENV"):
            pairs.update(re.findall(r"(\w+)=(\S+)", rest))
        return pairs


@cache
def dockerfile() -> Dockerfile:
    return Dockerfile.read(DOCKERFILE.read_text(encoding="utf-8"))
