"""`import textloop` stays light (target: <= 50 ms cumulative for textloop in
``python -X importtime -c "import textloop"``, on 2 cores).

Each run is a fresh interpreter with ``-X importtime``; the figure is the cumulative time
CPython reports for the top-level ``textloop`` import (the package and everything it pulls
in), median of ``--runs``, after one unmeasured run that writes the byte-code, as an
installed package has it. ``--baseline SRC`` times a second checkout's ``src`` in the same
run, alternating with this one. Also recorded: the whole interpreter's wall time for the
same command, and which ``textloop`` modules and heavy libraries the import loaded.

    python benchmarks/import_time.py --runs 15
    python benchmarks/import_time.py --runs 15 --baseline /tmp/base/src
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0
HEAVY = ("numpy", "sklearn", "scipy", "pandas", "pyarrow", "sqlalchemy", "pydantic", "typer")
PROBE = ("import textloop, sys, json\n"
         "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} | "
         "{m for m in sys.modules if m.startswith('textloop')})))")


def once(src: Path) -> tuple[float, float]:
    """(cumulative ms of the ``textloop`` import, wall ms of the interpreter)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import textloop"],
                          env=env, capture_output=True, text=True, check=True)
    wall = (time.perf_counter() - started) * 1000
    for line in done.stderr.splitlines():
        # "import time: self [us] | cumulative | imported package"
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == "textloop":
            return int(parts[1]) / 1000, wall
    sys.exit(f"no textloop line in -X importtime output:\n{done.stderr}")


def loaded(src: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="src folder of a checkout to compare")
    args = parser.parse_args()
    checkouts = {"this": ROOT / "src", **({"baseline": args.baseline} if args.baseline else {})}
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    for src in checkouts.values():
        once(src)  # byte-code written, files cached
    for _ in range(args.runs):
        for name, src in checkouts.items():
            samples[name].append(once(src))
    result = {"machine": machine_info(), "runs": args.runs, "target_ms": TARGET_MS}
    for name, src in checkouts.items():
        imports, walls = zip(*samples[name], strict=True)
        modules = loaded(src)
        result[name] = {"textloop_cumulative_ms": statistics.median(imports),
                        "interpreter_wall_ms": statistics.median(walls),
                        "textloop_ms_all": imports,
                        "textloop_modules": [m for m in modules if m.startswith("textloop")],
                        "heavy_loaded": [m for m in HEAVY if m in modules]}
        print(f"{name}: import textloop {result[name]['textloop_cumulative_ms']:.2f} ms "
              f"(cumulative, median of {args.runs}); interpreter "
              f"{result[name]['interpreter_wall_ms']:.1f} ms; textloop modules "
              f"{result[name]['textloop_modules']}; heavy {result[name]['heavy_loaded']}")
    out = ROOT / "benchmarks" / "results" / "import_time.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    met = result["this"]["textloop_cumulative_ms"] <= TARGET_MS
    print(f"target <= {TARGET_MS:.0f} ms: {'met' if met else 'NOT met'}; written {out}")


if __name__ == "__main__":
    main()
