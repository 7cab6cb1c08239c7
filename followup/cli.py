"""`python -m followup ...` entry point.

Each command group lives in its own module under ``followup.commands`` and registers its
sub-parsers; a handler returns the process exit code. Errors from the ``FollowupError`` tree
become one line on stderr and a non-zero exit code.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from followup.errors import FollowupError

COMMAND_MODULES = (
    "demo",
    "policy",
    "audit",
    "extract",
    "eval",
    "replay",
    "serve",
    "manifest",
    "outbox",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m followup", description="Sales Follow-Up Copilot")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"followup.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"followup.commands.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except FollowupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
