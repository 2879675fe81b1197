"""Typer building blocks for the command line: choices that suggest a close match, and help without type tags
that mean nothing to a reader (``{video}`` for a required argument, ``<bool>`` beside a switch, ``<list[Path]>``)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from enum import StrEnum

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup


def choices(name: str, values: Iterable[str]) -> type[StrEnum]:
    """An enum of ``values``: typer lists them in the help and in the error for a missing option."""
    return StrEnum(name, [(value.replace("-", "_"), value) for value in values])


def close_match_parser(kind: type[StrEnum], what: str) -> Callable[[str], StrEnum]:
    """Parses a choice; a misspelling gets the closest choice as a suggestion, then the full list."""
    names = [member.value for member in kind]

    def parse(value: str | StrEnum) -> StrEnum:
        if isinstance(value, kind):
            return value
        try:
            return kind(value)
        except ValueError:
            text = str(value).strip().lower()
            close = [n for n in names if n.startswith(text)] if text else []
            close = close or difflib.get_close_matches(text, names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ";"
            raise typer.BadParameter(f"unknown {what} {value!r}{hint} choose one of {', '.join(names)}") from None

    return parse


class _PlainParams:
    """What an option takes is named in capitals (``PATH``, ``N``, set by each option's ``metavar``), as in the
    usage line: no ``<path>``/``<list[Path]>`` type tag, no ``[x>=1]`` range (the help says the limit in words),
    nothing beside a switch, and no tag beside an argument, whose own name (``VIDEO...``) says it already."""

    def get_params(self, ctx) -> list:
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, TyperArgument):
                param.display_type_rich = _no_tag
            elif getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""  # a switch takes no value
            param._get_number_range_help_str = _no_range
        return params


def _no_tag(ctx) -> None:
    return None


def _no_range() -> None:
    return None


class PlainHelp(_PlainParams, TyperCommand):
    """Usage in the usual style (``VIDEO``, ``[VIDEO]``) and no type tag beside switches, which take no value."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.display_name_raw
                pieces.append(name if param.required else f"[{name}]")
        return pieces


class PlainHelpGroup(_PlainParams, TyperGroup):
    """The command list's help, without a type tag beside ``--help``."""
