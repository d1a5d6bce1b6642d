"""The search quality set (tests/search_quality/*.yaml) and its figures: hit@5 and mean reciprocal rank.

Each query names the needs and/or the services a good answer has in its top five. A query is a hit
when one of its first five results serves one of those needs or is one of those services; its
reciprocal rank is 1/position of the first such result (0 when none is in the top five). No Flask
here: a runner hands in a function that searches and returns the top results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from portal.datafiles import DataFileError, read_yaml

TOP = 5


@dataclass(frozen=True)
class QualityQuery:
    group: str
    q: str
    lang: str = "en"
    needs: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()

    @property
    def path(self) -> str:
        """The search page this query is asked on."""
        return "/search" if self.lang == "en" else f"/{self.lang}/search"


@dataclass(frozen=True)
class Found:
    """One result as the quality set sees it."""

    name: str
    needs: frozenset[str]
    general: bool = False  # a place that serves everyone (a library, a GP practice)


@dataclass
class QueryOutcome:
    query: QualityQuery
    top: list[Found]
    rank: int | None  # 1-based position of the first good result within TOP, or None

    @property
    def hit(self) -> bool:
        return self.rank is not None


@dataclass
class GroupFigures:
    group: str
    outcomes: list[QueryOutcome] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.outcomes)

    @property
    def hit_at_5(self) -> float:
        return sum(outcome.hit for outcome in self.outcomes) / self.count if self.outcomes else 0.0

    @property
    def mrr(self) -> float:
        return sum(1 / outcome.rank for outcome in self.outcomes if outcome.rank) / self.count if self.outcomes else 0.0


def load_queries(folder: Path, need_slugs: Iterable[str], service_names: Iterable[str],
                 languages: Iterable[str]) -> list[QualityQuery]:
    """Every query in folder/*.yaml, checked: known needs, services and languages, something expected."""
    needs, names, codes = set(need_slugs), set(service_names), set(languages)
    queries: list[QualityQuery] = []
    for path in sorted(folder.glob("*.yaml")):
        data = read_yaml(path, "search_quality")
        for row, item in enumerate(data["queries"], start=1):
            lang = item.get("lang", "en")
            if lang not in codes:
                raise DataFileError(path, f"{lang!r} is not one of the languages", row=row, field="lang")
            wanted_needs = frozenset(item["expect"].get("needs", ()))
            wanted_services = frozenset(item["expect"].get("services", ()))
            for need in sorted(wanted_needs - needs):
                raise DataFileError(path, f"{need!r} is not one of the needs", row=row, field="expect")
            for name in sorted(wanted_services - names):
                raise DataFileError(path, f"no service is called {name!r}", row=row, field="expect")
            queries.append(QualityQuery(data["group"], item["q"], lang, wanted_needs, wanted_services))
    return queries


def judge(query: QualityQuery, results: Sequence[Found]) -> QueryOutcome:
    top = list(results[:TOP])
    for position, found in enumerate(top, start=1):
        if found.name in query.services or not query.needs.isdisjoint(found.needs):
            return QueryOutcome(query, top, position)
    return QueryOutcome(query, top, None)


def measure(queries: Iterable[QualityQuery], search: Callable[[QualityQuery], Sequence[Found]]) -> list[GroupFigures]:
    """Figures per group, in the order groups first appear."""
    groups: dict[str, GroupFigures] = {}
    for query in queries:
        groups.setdefault(query.group, GroupFigures(query.group)).outcomes.append(judge(query, search(query)))
    return list(groups.values())


def overall(groups: Sequence[GroupFigures]) -> GroupFigures:
    return GroupFigures("All", [outcome for group in groups for outcome in group.outcomes])


def table(groups: Sequence[GroupFigures]) -> str:
    """The figures as a Markdown table, with the whole set last."""
    lines = ["| group | queries | hit@5 | MRR |", "|---|---:|---:|---:|"]
    for figures in [*groups, overall(groups)]:
        lines.append(f"| {figures.group} | {figures.count} | {figures.hit_at_5:.2f} | {figures.mrr:.2f} |")
    return "\n".join(lines)


def misses(groups: Sequence[GroupFigures]) -> list[str]:
    """The queries with no good answer in their top five, and what came first instead."""
    lines = []
    for figures in groups:
        for outcome in figures.outcomes:
            if not outcome.hit:
                top = "; ".join(found.name for found in outcome.top) or "nothing"
                lines.append(f"{figures.group}: {outcome.query.q!r} ({outcome.query.lang}) -> {top}")
    return lines
