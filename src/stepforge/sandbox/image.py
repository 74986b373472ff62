"""The docker sandbox image, built offline from this host's Python (no registry needed).

A rootfs tarball holds the interpreter, libpython, the stdlib (no site-packages), the shared libraries
they link against, the in-sandbox driver, pytest (for pytest-file mode only) and a minimal /etc; it is
``docker import``ed as ``stepforge-sandbox:<fingerprint>``. The fingerprint covers every file's path,
size and mtime, so a changed driver or interpreter gives a new tag; the content digest is a label.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

from stepforge.sandbox.runtime import stdlib_dir

REPOSITORY = "stepforge-sandbox"
PY_PREFIX = "/opt/py"
DRIVER = "/opt/stepforge/_driver.py"
_SKIP = {"site-packages", "test", "tests", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3",
         "dist-packages"}
_PYTEST_PKGS = ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "py.py")


def _ldd(paths: list[str]) -> list[str]:
    """Shared libraries the given binaries link against (one ``ldd`` call for all of them)."""
    try:
        out = subprocess.run(["ldd", *paths], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    libs = []
    for line in out.splitlines():
        parts = line.split()
        if "=>" in parts:
            i = parts.index("=>")
            if i + 1 < len(parts) and parts[i + 1].startswith("/"):
                libs.append(parts[i + 1])
        elif parts and parts[0].startswith("/") and not line.endswith(":"):
            libs.append(parts[0])
    return libs


def _files() -> list[tuple[str, str]]:
    """(host path, path in image) pairs."""
    exe = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    prefix = os.path.realpath(sys.base_prefix)
    std = stdlib_dir()
    out: list[tuple[str, str]] = [(exe, f"{PY_PREFIX}/bin/python3")]
    for so in sorted(Path(prefix, "lib").glob("libpython*.so*")):
        out.append((str(so), f"{PY_PREFIX}/lib/{so.name}"))
    std_name = os.path.basename(std)
    for root, dirs, files in os.walk(std):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP and not d.startswith("config-"))
        for f in sorted(files):
            host = os.path.join(root, f)
            out.append((host, f"{PY_PREFIX}/lib/{std_name}/{os.path.relpath(host, std)}"))
    sos = [exe] + [h for h, _ in out if h.endswith(".so")]
    libs = set(_ldd(sos))
    for lib in sorted(libs):
        real = os.path.realpath(lib)
        if os.path.basename(lib).startswith("ld-linux"):
            out.append((real, lib))
            out.append((real, "/lib64/" + os.path.basename(lib)) if not lib.startswith("/lib64/") else (real, lib))
        elif not real.startswith(prefix + "/"):
            out.append((real, f"{PY_PREFIX}/syslib/{os.path.basename(lib)}"))
    out.append((str(Path(__file__).with_name("_driver.py")), DRIVER))
    try:
        import pytest

        site = Path(pytest.__file__).resolve().parent.parent
        for name in _PYTEST_PKGS:
            p = site / name
            if p.is_file():
                out.append((str(p), f"/opt/site/{name}"))
            elif p.is_dir():
                for root, dirs, files in os.walk(p):
                    dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                    for f in sorted(files):
                        host = os.path.join(root, f)
                        out.append((host, f"/opt/site/{name}/{os.path.relpath(host, p)}"))
    except ImportError:
        pass
    seen: dict[str, str] = {}
    for host, dest in out:
        seen.setdefault(dest, host)
    return sorted((h, d) for d, h in seen.items())


def rootfs_tar() -> tuple[bytes, str]:
    """The image's root filesystem as an uncompressed tar, and its content digest."""
    buf = io.BytesIO()
    digest = hashlib.blake2b(digest_size=8)
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs_done: set[str] = set()

        def add_dir(path: str, mode: int = 0o755) -> None:
            parts = Path(path).parts
            for i in range(2, len(parts) + 1):
                d = "/".join(parts[1:i])
                if d and d not in dirs_done:
                    dirs_done.add(d)
                    ti = tarfile.TarInfo(d)
                    ti.type = tarfile.DIRTYPE
                    ti.mode = 0o1777 if d in ("tmp", "work") else mode
                    tar.addfile(ti)

        for d in ("/tmp", "/work", "/dev", "/proc", "/sys", "/etc", "/lib64", "/usr/bin", "/bin"):
            add_dir(d)
        for name, text in (("etc/passwd", "root:x:0:0::/:/bin/false\nnobody:x:65534:65534::/work:/bin/false\n"),
                           ("etc/group", "root:x:0:\nnogroup:x:65534:\n")):
            data = text.encode()
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode = len(data), 0o644
            tar.addfile(ti, io.BytesIO(data))
            digest.update(name.encode() + data)
        for host, dest in _files():
            add_dir(os.path.dirname(dest))
            data = Path(host).read_bytes()
            ti = tarfile.TarInfo(dest.lstrip("/"))
            ti.size = len(data)
            ti.mode = 0o755 if os.access(host, os.X_OK) else 0o644
            tar.addfile(ti, io.BytesIO(data))
            digest.update(dest.encode() + hashlib.blake2b(data, digest_size=16).digest())
    return buf.getvalue(), digest.hexdigest()


def image_env() -> dict[str, str]:
    return {"LD_LIBRARY_PATH": f"{PY_PREFIX}/lib:{PY_PREFIX}/syslib", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def fingerprint() -> str:
    """A cheap identity of the files the image is built from (paths, sizes, mtimes; no reading)."""
    h = hashlib.blake2b(digest_size=8)
    h.update(repr(sorted(image_env().items())).encode())
    for host, dest in _files():
        st = os.stat(host)
        h.update(f"{dest}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def expected_tag() -> str:
    """The tag the current files build: ``stepforge-sandbox:<fingerprint>``."""
    return f"{REPOSITORY}:{fingerprint()}"


def build_image(client: Any = None, *, force: bool = False) -> str:
    """Build (or find) the sandbox image offline; returns its ``repository:tag``."""
    import docker

    client = client or docker.from_env()
    digest = fingerprint()
    tag = f"{REPOSITORY}:{digest}"
    if not force:
        try:
            client.images.get(tag)
            return tag
        except docker.errors.ImageNotFound:
            pass
    data, content = rootfs_tar()
    client.api.import_image_from_data(data, repository=REPOSITORY, tag=digest,
                                      changes=[f"ENV {k}={v}" for k, v in image_env().items()]
                                      + ["WORKDIR /work", "USER 65534:65534",
                                         f"LABEL stepforge.content={content}"])
    client.images.get(tag)  # raises if the import failed
    return tag
