#!/usr/bin/env bash
# Sandbox prerequisites for the tests, idempotent: bubblewrap and a Docker engine from Debian's
# packages (installed when missing), dockerd started when no engine answers, and the sandbox image
# built offline from this machine's Python (`stepforge sandbox build-image`; no registry needed).
set -euo pipefail
cd "$(dirname "$0")/../.."
py="${STEPFORGE_PYTHON:-.venv/bin/python}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "sandbox: installing ${missing[*]}" >&2
    $sudo apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null
fi

if ! $sudo docker info >/dev/null 2>&1; then
    echo "sandbox: starting dockerd" >&2
    $sudo mkdir -p /var/log
    $sudo sh -c 'setsid nohup dockerd >/var/log/stepforge-dockerd.log 2>&1 </dev/null &'
    for _ in $(seq 1 60); do
        $sudo docker info >/dev/null 2>&1 && break
        sleep 1
    done
    if ! $sudo docker info >/dev/null 2>&1; then
        echo "sandbox: dockerd did not come up; last log lines:" >&2
        $sudo tail -n 20 /var/log/stepforge-dockerd.log >&2 || true
        exit 1
    fi
fi

PYTHONPATH=src $sudo "$py" -m stepforge sandbox build-image
