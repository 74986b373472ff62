"""Generators over any OpenAI-compatible endpoint: async client, journal, prompts, step parser, budgeted
sampling, the Batch API workflow and problem synthesis. The CLI entry points are ``stepforge generate
--generator openai``, ``stepforge batch`` and ``stepforge synthesize``."""

from stepforge.generators.llm.client import ClientConfig, LLMClient
from stepforge.generators.llm.sampling import SamplingConfig, generate
from stepforge.generators.llm.journal import Journal, request_key
from stepforge.generators.llm.parse import parse_solution, split_steps
from stepforge.generators.llm.prompts import PromptTemplate, load_template

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
