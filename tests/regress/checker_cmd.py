"""A command-line verifier: JSONL cases on stdin, one JSON result per line on stdout."""
import json
import sys

from stepforge.verifiers.math import judge

for line in sys.stdin:
    case = json.loads(line)
    print(json.dumps({"score": 1.0 if judge(case["gold"], case["pred"]).verdict == "equal" else 0.0}))
