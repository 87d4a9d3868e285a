"""One settings system for every component: defaults < ``newscorpus.toml`` < ``NEWSCORPUS_*`` < ``--set``.

Each component keeps its defaults in its own module (``crawler/settings.py``, ``cleaners/settings.py``,
``corpus/dedup/settings.py``, ``corpus/release/settings.py``, ``corpus/report/settings.py``,
``corpus/health.py``, ``corpus/executors.py``), named with its prefix. This module lays the three
sources over them, in that order, converts each value to the type of its default, and builds each
component's validated settings object before any work starts, so a bad value is one ``Error:`` line
naming the setting, the allowed values and where the value came from. ``newscorpus config`` prints the result.

The workspace file (``<home>/newscorpus.toml``) holds ``NAME = value`` lines, at the top or under a
table named after the component (``[dedup]``). An environment variable ``NEWSCORPUS_NAME`` sets
``NAME`` (or ``NEWSCORPUS_NAME`` itself, for the crawler's own settings).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from corpus.errors import SettingError

ENV_PREFIX = "NEWSCORPUS_"
# Environment variables that are not settings (the workspace is chosen by --home).
ENV_NOT_SETTINGS = {"NEWSCORPUS_HOME"}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
# Whole-number defaults that still take fractions: durations in seconds (DOWNLOAD_DELAY = 0).
_FRACTIONS_OK = ("DELAY", "TIMEOUT", "INTERVAL", "BACKOFF")


@dataclass(frozen=True)
class Component:
    """A settings owner: its defaults by name and how to build (and so validate) its settings object.

    Args:
        name: the component (crawler, cleaners, dedup, release, report, health).
        defaults: every setting it owns, by full name, with its default value.
        build: values by name -> the component's settings object; raises ValueError with a message
            naming the setting and the allowed values when a value is out of range.
        accepts: names the component also takes without listing them (Scrapy's own settings),
            with their defaults; None when it has none.
    """

    name: str
    defaults: Mapping[str, Any]
    build: Callable[[dict[str, Any]], Any]
    accepts: Callable[[str], tuple[bool, Any]] | None = None


def module_defaults(module, prefix: str, exclude: set[str] = frozenset()) -> dict[str, Any]:
    """The ``PREFIX_*`` constants of a defaults module."""
    return {name: getattr(module, name) for name in dir(module)
            if name.startswith(prefix) and name.isupper() and name not in exclude}


def dataclass_builder(cls, prefix: str) -> Callable[[dict[str, Any]], Any]:
    """Build ``cls`` from ``PREFIX_FIELD`` values (the habit of every component's settings dataclass)."""
    from dataclasses import fields

    def build(values: dict[str, Any]) -> Any:
        chosen = {f.name: values[prefix + f.name.upper()] for f in fields(cls) if prefix + f.name.upper() in values}
        return cls(**chosen)

    return build


@dataclass(frozen=True)
class Setting:
    name: str
    component: str
    value: Any
    default: Any
    source: str          # default | newscorpus.toml | env NEWSCORPUS_X | --set


@dataclass
class EffectiveSettings:
    """Every setting's value and source, and each component's built (validated) settings object."""

    settings: dict[str, Setting]
    built: dict[str, Any] = field(default_factory=dict)

    def component(self, name: str) -> Any:
        return self.built[name]

    def changed(self, component: str | None = None) -> dict[str, Any]:
        """The settings not at their default (recorded with each run), optionally of one component."""
        return {s.name: s.value for s in self.settings.values()
                if s.source != "default" and (component is None or s.component == component)}

    def rows(self) -> list[Setting]:
        return sorted(self.settings.values(), key=lambda s: (s.component, s.name))


def load_settings(components: list[Component], file: Path | None, environ: Mapping[str, str],
                  overrides: list[str]) -> EffectiveSettings:
    """Lay the file, the environment and ``--set NAME=VALUE`` over the defaults and validate everything.

    Raises:
        SettingError: an unreadable file, an unknown name, a value of the wrong type or out of range.
    """
    settings = {name: Setting(name, c.name, value, value, "default")
                for c in components for name, value in c.defaults.items()}
    for name, raw, source in _layers(components, file, environ, overrides):
        owner, default = _owner(components, settings, name)
        if owner is None:
            raise SettingError(f"unknown setting {name!r} ({source}); `newscorpus config` lists every setting")
        settings[name] = Setting(name, owner, _convert(name, raw, default, source), default, source)
    effective = EffectiveSettings(settings)
    for component in components:
        values = {s.name: s.value for s in settings.values() if s.component == component.name}
        try:
            effective.built[component.name] = component.build(values)
        except (ValueError, TypeError) as error:
            raise SettingError(f"{error}{_sources(error, settings)}") from None
    return effective


def _layers(components, file, environ, overrides):
    """(name, raw value, source) from the file, then the environment, then --set, in that order."""
    if file is not None and file.exists():
        try:
            data = tomllib.loads(file.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise SettingError(f"cannot read the settings file {file}: {error}") from None
        names = {c.name for c in components}
        for key, value in data.items():
            if isinstance(value, dict) and key in names:
                for name, inner in value.items():
                    yield name, inner, file.name
            else:
                yield key, value, file.name
    for variable in sorted(environ):
        if variable.startswith(ENV_PREFIX) and variable not in ENV_NOT_SETTINGS:
            name = variable if _known(components, variable) else variable[len(ENV_PREFIX):]
            if _known(components, name):
                yield name, environ[variable], f"env {variable}"
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise SettingError(f"--set {item!r} is not NAME=VALUE")
        yield name.strip(), value, "--set"


def _known(components, name: str) -> bool:
    return any(name in c.defaults or (c.accepts and c.accepts(name)[0]) for c in components)


def _owner(components, settings, name):
    if name in settings:
        return settings[name].component, settings[name].default
    for component in components:
        if component.accepts:
            known, default = component.accepts(name)
            if known:
                return component.name, default
    return None, None


def _convert(name: str, raw: Any, default: Any, source: str) -> Any:
    """``raw`` (a string from the environment or --set, or a TOML value) as the type of ``default``."""
    def wrong(kind: str) -> SettingError:
        return SettingError(f"setting {name} must be {kind}, got {raw!r} ({source})")

    text = raw.strip() if isinstance(raw, str) else None
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        if text is not None and text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise wrong("true or false")
    if isinstance(default, (int, float)):
        whole = isinstance(default, int) and not any(part in name for part in _FRACTIONS_OK)
        kind = "a whole number" if whole else "a number"
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            value = raw
        elif text is not None:
            try:
                value = int(text) if text.lstrip("+-").isdigit() else float(text)
            except ValueError:
                if name.endswith("_SIZE") and isinstance(default, int):
                    return text  # a size with a unit (256MB): the component parses it
                raise wrong(kind) from None
        else:
            raise wrong(kind)
        if value != value or value in (float("inf"), float("-inf")):
            raise wrong("a finite number")
        if whole and value != int(value):
            raise wrong(kind)
        return int(value) if whole else value
    if isinstance(default, (tuple, list)):
        if isinstance(raw, list):
            return tuple(raw)
        if text is not None:
            if text.startswith("["):
                try:
                    return tuple(json.loads(text))
                except ValueError:
                    raise wrong("a list (a,b,c or a JSON list)") from None
            return tuple(part.strip() for part in text.split(",") if part.strip())
        raise wrong("a list")
    if isinstance(default, dict):
        if isinstance(raw, dict):
            return raw
        try:
            value = json.loads(text) if text is not None else None
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise wrong("a JSON object")
        return value
    if isinstance(default, str):
        if isinstance(raw, str):
            return raw
        raise wrong("a string")
    return raw  # a setting whose default is None takes the value as given


def _sources(error: Exception, settings: dict[str, Setting]) -> str:
    """Where the settings named in a validation message came from."""
    named = [s for name, s in settings.items() if name in str(error) and s.source != "default"]
    return f" ({', '.join(f'{s.name} from {s.source}' for s in named)})" if named else ""


def workspace_settings(components: list[Component], home: Path, overrides: list[str],
                       environ: Mapping[str, str] | None = None) -> EffectiveSettings:
    """The effective settings of the workspace at ``home`` (its newscorpus.toml, if any)."""
    file = home / "newscorpus.toml"
    return load_settings(components, file if file.is_file() else None,
                         os.environ if environ is None else environ, list(overrides))
