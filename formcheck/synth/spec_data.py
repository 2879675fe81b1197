"""Clip specs as data: the labelled sets (dev, held-out, fresh held-out) live in ``formcheck/synth/sets/<set>.json``,
one object per clip holding only what differs from ``ClipSpec``'s defaults, and are read back into ``ClipSpec``
objects here. The generated sets (training, variety, range) are drawn by seeded code in ``training.py`` instead."""

from __future__ import annotations

import json
import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path

from formcheck.synth.body import BodyShape
from formcheck.synth.spec import BODIES, ClipSpec

SETS_DIR = Path(__file__).with_name("sets")


def _default(field):
    if field.default is not MISSING:
        return field.default
    return field.default_factory() if field.default_factory is not MISSING else MISSING


def to_data(value):
    """JSON-ready form of a spec or any part of one: dataclasses keep only their fields that differ from the default;
    a body shape is its name when it is the named body unchanged."""
    if isinstance(value, BodyShape) and BODIES.get(value.name) == value:
        return value.name
    if is_dataclass(value):
        return {f.name: to_data(getattr(value, f.name)) for f in fields(value)
                if f.init and getattr(value, f.name) != _default(f)}
    if isinstance(value, (list, tuple)):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {key: to_data(item) for key, item in value.items()}
    return value


def _tuples(value):
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


def from_data(hint, value):
    """``value`` (as ``to_data`` wrote it) as an object of type ``hint``."""
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return from_data(next(arg for arg in args if arg is not type(None)), value)
    if hint is BodyShape and isinstance(value, str):
        return BODIES[value]
    if is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return hint(**{f.name: from_data(hints[f.name], value[f.name]) for f in fields(hint) if f.name in value})
    if hint is tuple or origin is tuple:
        return _tuples(value)
    if origin is list:
        return [from_data(args[0], item) for item in value]
    return value


def load_set(name: str) -> list[ClipSpec]:
    return [from_data(ClipSpec, item) for item in json.loads((SETS_DIR / f"{name}.json").read_text())]


def dump_set(specs: list[ClipSpec], name: str) -> Path:
    path = SETS_DIR / f"{name}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps([to_data(spec) for spec in specs], indent=1) + "\n")
    return path
