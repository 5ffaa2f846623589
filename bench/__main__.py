"""`python -m bench [--quick] [NAME ...]`: run the benchmarks, one line per figure.

`python -m bench load --replicas N --users M --seconds S`: the deadline-day load test (bench/load.py)."""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import sys

# Benchmarks seed throwaway databases: test settings (a test key, no demo seeding), and a signer's
# name so that numbered reports are issued as in a configured production.
os.environ.setdefault("ZONERISK_ENV", "test")
os.environ.setdefault("ZONERISK_REPORT_SIGNER_NAME", "Bench Signer")

BENCHMARKS = [
    "scoring",
    "monitoring",
    "pages",
    "browser",
    "exports",
    "reminders",
    "batch",
    "seed",
    "planner",
    "backup",
    "api",
    "kinds",
]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["load"]:  # its own options: replicas, users, seconds
        from bench.load import main as load_main

        return load_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small scale, for a quick look")
    parser.add_argument("names", nargs="*", help=f"subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument(
        "--companies", type=int, help="scale of the benchmarks that seed a province (batch, seed, exports)"
    )
    parser.add_argument("--rounds", type=int, help="weekly rounds of that province (batch)")
    args = parser.parse_args(argv)
    names = args.names or BENCHMARKS
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        scale = {"companies": args.companies, "rounds": args.rounds}
        wanted = {k: v for k, v in scale.items() if v and k in inspect.signature(module.run).parameters}
        for figure in module.run(args.quick, **wanted):
            print(figure.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
