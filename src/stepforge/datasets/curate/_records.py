"""The part of a record curation reads, as msgspec structs: decoding skips every other field, which is
several times faster than parsing whole lines (no ``from __future__ import annotations`` here:
msgspec resolves these annotations at run time)."""

from typing import Any

import msgspec


class Step(msgspec.Struct):
    text: str


class Task(msgspec.Struct):
    prompt: str
    task_id: Any = None


class Record(msgspec.Struct):
    schema_version: str
    id: str
    domain: str
    task: Task
    steps: list[Step]


DECODER = msgspec.json.Decoder(Record)
DecodeError = msgspec.DecodeError
