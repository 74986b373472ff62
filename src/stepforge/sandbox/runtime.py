"""A Python runtime every sandbox uid can read: the host interpreter and its stdlib, nothing else.

Sandboxes run ``python -I -S -B`` as a dedicated uid. When the host interpreter lives somewhere that uid
cannot reach (pyenv under a 0700 ``/root``), its binary, ``libpython`` and stdlib (no site-packages, no
tests) are copied once into a world-readable cache folder. The docker image is built from the same files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import sys
import sysconfig
import threading
from pathlib import Path

_SKIP = {"site-packages", "test", "tests", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3",
         "dist-packages"}
_lock = threading.Lock()


def _world_reachable(path: str) -> bool:
    p = Path(path).resolve()
    for d in [p, *p.parents]:
        try:
            mode = d.stat().st_mode
        except OSError:
            return False
        need = stat.S_IXOTH if d.is_dir() else stat.S_IROTH
        if not mode & need:
            return False
    return True


def _base() -> tuple[str, str]:
    exe = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    return exe, os.path.realpath(sys.base_prefix)


def stdlib_dir() -> str:
    return os.path.realpath(sysconfig.get_paths(vars={"installed_base": sys.base_prefix, "base": sys.base_prefix})["stdlib"])


def _shared_libs(prefix: str) -> list[str]:
    lib = Path(prefix) / "lib"
    return [str(p) for p in lib.glob("libpython*.so*")] if lib.is_dir() else []


def cache_root() -> Path:
    return Path(os.environ.get("STEPFORGE_RUNTIME_DIR") or ("/var/cache/stepforge" if os.geteuid() == 0
                                                           else Path.home() / ".cache" / "stepforge"))


def runtime() -> tuple[str, str, dict[str, str]]:
    """(interpreter, prefix, extra environment) usable by any uid; copies the runtime once if needed."""
    exe, prefix = _base()
    std = stdlib_dir()
    if _world_reachable(exe) and _world_reachable(std):
        return exe, prefix, {}
    with _lock:
        dest = cache_root() / f"python-{sys.version.split()[0]}-{_digest(exe)}"
        if not (dest / ".complete").exists():
            materialize(dest)
    rel = os.path.relpath(exe, prefix) if exe.startswith(prefix + "/") else "bin/" + os.path.basename(exe)
    return str(dest / rel), str(dest), {"LD_LIBRARY_PATH": str(dest / "lib")}


def _digest(exe: str) -> str:
    st = os.stat(exe)
    return hashlib.blake2b(f"{exe}:{st.st_size}:{st.st_mtime_ns}".encode(), digest_size=6).hexdigest()


def materialize(dest: Path) -> None:
    """Copy interpreter, libpython and stdlib into ``dest`` (world-readable), atomically."""
    exe, prefix = _base()
    std = stdlib_dir()
    tmp = dest.with_name(dest.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    rel = os.path.relpath(exe, prefix) if exe.startswith(prefix + "/") else "bin/" + os.path.basename(exe)
    (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(exe, tmp / rel)
    (tmp / "lib").mkdir(parents=True, exist_ok=True)
    for so in _shared_libs(prefix):
        shutil.copy2(so, tmp / "lib" / os.path.basename(so), follow_symlinks=True)
    std_rel = os.path.relpath(std, prefix) if std.startswith(prefix + "/") else "lib/" + os.path.basename(std)
    shutil.copytree(std, tmp / std_rel, ignore=lambda d, names: [n for n in names if n in _SKIP
                                                                 or n.startswith("config-")],
                    symlinks=False)
    for root, dirs, files in os.walk(tmp):
        os.chmod(root, 0o755)
        for f in files:
            p = os.path.join(root, f)
            os.chmod(p, 0o755 if os.access(p, os.X_OK) else 0o644)
    (tmp / ".complete").write_text("ok\n")
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(dest.parent, 0o755)
    try:
        os.rename(tmp, dest)
    except OSError:  # someone else finished first
        shutil.rmtree(tmp, ignore_errors=True)


def driver_dir() -> str:
    """A world-readable folder holding this version of the in-sandbox driver."""
    src = Path(__file__).resolve().parent / "_driver.py"
    if _world_reachable(str(src)):
        return str(src.parent)
    data = src.read_bytes()
    dest = cache_root() / "driver" / hashlib.blake2b(data, digest_size=8).hexdigest()
    with _lock:
        if not (dest / "_driver.py").exists():
            dest.mkdir(parents=True, exist_ok=True)
            for d in [dest, *dest.parents]:
                if d == cache_root().parent:
                    break
                os.chmod(d, 0o755)
            tmp = dest / f".tmp{os.getpid()}"
            tmp.write_bytes(data)
            os.chmod(tmp, 0o644)
            os.rename(tmp, dest / "_driver.py")
    return str(dest)


def world_reachable(path: str) -> bool:
    """True when any uid can reach ``path`` (every folder on the way is o+x, the file o+r)."""
    return _world_reachable(path)
