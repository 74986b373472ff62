"""Generators over any OpenAI-compatible endpoint: async client, journal, prompts, step parser, budgeted
sampling, the Batch API workflow and problem synthesis. The CLI entry points are ``stepforge generate
--generator openai``, ``stepforge batch`` and ``stepforge synthesize``.

The client (and the sampling built on it) import ``openai``, ~0.4 s of start-up: they load on first use, so a
process that only parses steps, reads prompts or keys requests (every labelling worker, through the rollout
strategies' module) never pays for it."""

from importlib import import_module
from typing import Any

from stepforge.generators.llm.journal import Journal, request_key
from stepforge.generators.llm.parse import parse_solution, split_steps
from stepforge.generators.llm.prompts import PromptTemplate, load_template

_ON_FIRST_USE = {"ClientConfig": "client", "LLMClient": "client", "SamplingConfig": "sampling", "generate": "sampling"}


def __getattr__(name: str) -> Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ClientConfig",
    "Journal",
    "LLMClient",
    "PromptTemplate",
    "SamplingConfig",
    "generate",
    "load_template",
    "parse_solution",
    "request_key",
    "split_steps",
]
