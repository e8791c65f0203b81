"""What the request fuzz sends: every URL pattern of the project, its path parameters, and the
bodies a careless or hostile client might post. Read by test_every_endpoint.py.

Patterns are read from the resolver, not listed here, so a new endpoint is fuzzed from the day it
is added; a new converter or path parameter gets values from its own regex until it earns better.
"""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass
from importlib import import_module
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, converters, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import find, settings
from hypothesis import strategies as st

# --- the patterns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern, as the chain of patterns from the root that leads to it."""

    levels: tuple[Any, ...]  # RoutePattern / RegexPattern, outermost first
    view: str

    @property
    def route(self) -> str:
        return "/" + "".join(str(level) for level in self.levels)


def endpoints() -> list[Endpoint]:
    found: list[Endpoint] = []

    def walk(resolver: URLResolver, levels: tuple[Any, ...]) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, (*levels, entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append(Endpoint((*levels, entry.pattern), entry.lookup_str))

    walk(get_resolver(), ())
    return found


# --- path parameters ---------------------------------------------------------------------------

FIXED = settings(derandomize=True, database=None)
HUGE_INTS = [0, 1, 2, 3, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def domain_words() -> list[str]:
    """Every TextChoices value of the project's models (record kinds, subject types, practitioner
    fields, …): the slugs its URLs are most likely to take, found without naming them here."""
    words: set[str] = set()
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in {"registry", "pki", "signing", "centers", "review", "core"}:
            continue
        module = import_module(f"{config.name}.models")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, models.TextChoices) and value is not models.TextChoices:
                words.update(str(v) for v in value.values)
    return sorted(words)


def _ints() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HUGE_INTS), st.integers(min_value=-(2**70), max_value=2**70)).map(str)


def _text() -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=30).map(lambda text: quote(text, safe=""))


def parameter_values(converter: Any, slugs: list[str]) -> st.SearchStrategy[str]:
    if isinstance(converter, converters.IntConverter):
        return _ints()
    if isinstance(converter, converters.UUIDConverter):
        return st.one_of(st.uuids().map(str), _ints(), _text())
    if isinstance(converter, converters.SlugConverter):
        return st.one_of(
            st.sampled_from(slugs), st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True), _ints()
        )
    if isinstance(converter, converters.StringConverter):
        return st.one_of(st.sampled_from(slugs), _text(), _ints())
    return st.one_of(st.from_regex(converter.regex, fullmatch=True).map(quote), _text())


def _regex_level(pattern: RegexPattern) -> st.SearchStrategy[str]:
    regex = pattern._regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    return (
        st.from_regex(regex, fullmatch=True)
        .filter(lambda path: "\n" not in path)
        .map(lambda path: quote(path, safe="/"))
    )


def _route_level(pattern: RoutePattern, slugs: list[str]) -> st.SearchStrategy[str]:
    route = str(pattern)
    pieces: list[st.SearchStrategy[str]] = []
    position = 0
    for match in PARAMETER.finditer(route):
        pieces.append(st.just(route[position : match.start()]))
        pieces.append(parameter_values(pattern.converters[match["name"]], slugs))
        position = match.end()
    pieces.append(st.just(route[position:]))
    return st.tuples(*pieces).map("".join)


def _sample_value(converter: Any, slugs: list[str]) -> str:
    if isinstance(converter, converters.IntConverter):
        return "1"
    if isinstance(converter, converters.UUIDConverter):
        return "00000000-0000-0000-0000-000000000001"
    return slugs[0] if slugs else "x"


def paths(endpoint: Endpoint, slugs: list[str]) -> st.SearchStrategy[str]:
    """Paths the endpoint's pattern matches (or, for negative ints, nearly matches)."""
    levels = [
        _route_level(level, slugs) if isinstance(level, RoutePattern) else _regex_level(level)
        for level in endpoint.levels
    ]
    return st.tuples(*levels).map(lambda parts: "/" + "".join(parts))


def sample_path(endpoint: Endpoint, slugs: list[str]) -> str:
    """The endpoint's path with an id of 1 and the first real slug: the page most likely to exist."""
    parts = []
    for level in endpoint.levels:
        if isinstance(level, RoutePattern):
            converters_of = level.converters
            parts.append(
                PARAMETER.sub(
                    lambda match, of=converters_of: _sample_value(of[match["name"]], slugs), str(level)
                )
            )
        else:
            parts.append(find(_regex_level(level), lambda _: True, settings=FIXED))
    return "/" + "".join(parts)


# --- bodies ------------------------------------------------------------------------------------

COMMON_FIELDS = [
    "next",
    "purpose",
    "action",
    "revision",
    "page",
    "seal",
    "pk",
    "id",
    "certificate",
    "signature",
]
NASTY_VALUES = [
    "",
    "0",
    "-1",
    str(2**63),
    str(2**64),
    "9" * 400,
    "1e309",
    "NaN",
    "\x00",
    "a\x00b",
    "x" * 5000,
    "foo",
    "/",
    "//evil.example/",
    "²",
    "null",
    "[]",
    "{}",
    "\ud7ff\u202e",
]


def form_values() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY_VALUES), st.text(max_size=50), _ints())


def form_data(fields: list[str]) -> st.SearchStrategy[dict[str, str]]:
    keys = st.one_of(
        st.sampled_from(fields or COMMON_FIELDS), st.sampled_from(COMMON_FIELDS), st.text(max_size=10)
    )
    return st.dictionaries(keys, form_values(), max_size=8)


def json_values(fields: list[str]) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.sampled_from([*HUGE_INTS, -1, -(2**70), 10**400]),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.sampled_from(NASTY_VALUES),
    )
    keys = st.one_of(st.sampled_from(fields or COMMON_FIELDS), st.text(max_size=10))
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
        ),
        max_leaves=12,
    )


RAW_JSON = [
    "null",
    "",
    "[",
    '{"purpose": "log',
    "[" * 5000,
    '{"a":' * 3000,
    "\xff\xfe",
    "1e309",
    "NaN",
    "[]",
    '"x"',
]


def json_bodies(fields: list[str]) -> st.SearchStrategy[str]:
    """JSON as Python writes it (NaN, Infinity and 400-digit numbers included), sometimes cut off
    part-way, or one of the bodies that broke endpoints before."""
    dumped = json_values(fields).map(lambda value: json.dumps(value, allow_nan=True))
    cut = st.tuples(dumped, st.integers(min_value=0, max_value=200)).map(lambda pair: pair[0][: pair[1]])
    return st.one_of(dumped, cut, st.sampled_from(RAW_JSON))


INPUT = re.compile(r"<(?:input|select|textarea|button)\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""\b(name|value)=["']([^"'<>]{0,200})["']""")


def page_fields(html: str) -> dict[str, str]:
    """The names of a page's inputs with the value the page gives each (a hidden revision, the
    action of a button), so the fuzz posts to the fields its view reads."""
    fields: dict[str, str] = {}
    for tag in INPUT.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        name = attributes.get("name")
        if name and name != "csrfmiddlewaretoken":
            fields.setdefault(name, attributes.get("value", ""))
    return fields
