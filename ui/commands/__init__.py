"""Subcommands of ``voucher-opt``: each module has ``add_parser(subparsers)``,
which registers the command and sets ``run`` (args → exit code) as its default."""

from types import ModuleType

from ui.commands import compare, explain, round, serve, solve, store, sweep, template

COMMANDS: list[ModuleType] = [solve, compare, sweep, explain, template, serve, store, round]
