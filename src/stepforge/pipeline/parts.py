"""A run's parts made from its config: the candidate source, the domain plug-in and the record context. The engine
makes them in the parent; an executor makes them again wherever it runs work (a worker process, a Ray actor)."""

from __future__ import annotations

import functools
import os
import sys

from stepforge.errors import UserError
from stepforge.generators.sources import SOURCES, Source, SourceSettings, load as load_sources, make_source
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import Domain, RecordContext, make_domain


def source_settings(config: RunConfig, *, fresh: bool = False, offline: bool = False) -> SourceSettings:
    return SourceSettings(domain=config.domain, seed=config.seed, count=config.count,
                          positive_fraction=config.positive_fraction, families=config.families,
                          options=config.options, client=config.client, out=config.out, fresh=fresh,
                          offline=offline)


def make_parts(config: RunConfig, *, fresh: bool = False, offline: bool = False) -> tuple[Source, Domain, RecordContext]:
    load_sources()
    unknown = sorted(set(config.options) - set(SOURCES.names()) - {"strategy"})
    if unknown:
        raise UserError(f"unknown run options {', '.join(unknown)}: options hold a source's own settings under its name "
                        f"({', '.join(SOURCES.names())}) and strategy settings under 'strategy'")
    domain = make_domain(config)
    source = make_source(config.generator, source_settings(config, fresh=fresh, offline=offline))
    return source, domain, RecordContext(config=config, strategy=domain.strategy,  # type: ignore[attr-defined]
                                         fallback=domain.fallback,  # type: ignore[attr-defined]
                                         deadline_s=config.item_timeout)


@functools.lru_cache(maxsize=4)
def parts_in_worker(config_json: str) -> tuple[Source, Domain, RecordContext]:
    """The parts inside a worker process, made once per config and reused for every item it runs there."""
    source, domain, ctx = make_parts(RunConfig.model_validate_json(config_json))
    domain.open()
    return source, domain, ctx


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def capped_workers(requested: int | None, *, what: str = "worker processes") -> int:
    """Worker processes for CPU-bound work: one per core by default; more than the cores only queue for them, so a
    larger request is capped (and said so on stderr)."""
    n = cores()
    if requested is None:
        return n
    if requested > n:
        print(f"stepforge: --workers {requested} capped at {n} {what} (this machine has {n} cores)", file=sys.stderr)
        return n
    return requested
