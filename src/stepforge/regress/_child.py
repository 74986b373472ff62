"""The worker process of ``stepforge regress``: loads the verifier once, answers one JSON line per request.

Protocol (one JSON object per line): the parent sends ``{"i", "case"}`` or ``{"i", "threads", "cases"}``; this
process answers ``{"ready"}`` once, then ``{"i", "r": result}`` or ``{"i", "rs": [results]}``. Its own stdout
is redirected to stderr first, so whatever the verifier prints cannot reach the channel. The parent kills the
whole process group at a call's deadline; nothing here relies on signals.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any


_CHANNEL_FD = 237


def _one(call: Any, case: dict[str, Any]) -> dict[str, Any]:
    t0 = time.perf_counter()
    try:
        res = dict(call(case))
    except BaseException as exc:  # noqa: BLE001 - any failure of the verifier is a crash of this case
        res = {"outcome": "crash", "detail": f"{type(exc).__name__}: {exc}"[:300]}
    res["seconds"] = time.perf_counter() - t0
    try:
        json.dumps(res)
    except (TypeError, ValueError):
        res["value"] = repr(res.get("value"))[:200]
    return res


def main() -> None:
    # the channel on a high descriptor, not inherited by exec'd children (candidate code never finds it at fd 3)
    os.dup2(1, _CHANNEL_FD, inheritable=False)
    channel = os.fdopen(_CHANNEL_FD, "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    spec = json.loads(sys.argv[1])
    for p in json.loads(os.environ.get("STEPFORGE_REGRESS_PATH", "[]")):
        if p not in sys.path:
            sys.path.append(p)
    try:
        from stepforge.regress.adapters import load_adapter

        call = load_adapter(spec)
    except BaseException as exc:  # noqa: BLE001
        channel.write(json.dumps({"ready": False, "error": f"{type(exc).__name__}: {exc}"[:500],
                                  "trace": traceback.format_exc()[-2000:]}) + "\n")
        return
    channel.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        msg = json.loads(line)
        if "threads" in msg:
            with ThreadPoolExecutor(max_workers=msg["threads"]) as ex:
                rs = list(ex.map(lambda c: _one(call, c), msg["cases"]))
            channel.write(json.dumps({"i": msg["i"], "rs": rs}) + "\n")
        else:
            channel.write(json.dumps({"i": msg["i"], "r": _one(call, msg["case"])}) + "\n")


if __name__ == "__main__":
    main()
