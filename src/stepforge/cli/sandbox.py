"""``stepforge sandbox``: build the docker sandbox image offline, show the isolation this machine gives."""

from __future__ import annotations

import argparse
import json

from stepforge.errors import UserError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("sandbox", help="sandbox image and isolation information")
    sub = p.add_subparsers(dest="sandbox_command", metavar="ACTION")
    b = sub.add_parser("build-image", help="build the docker sandbox image from this host's Python (offline)")
    b.add_argument("--force", action="store_true", help="re-import even when the tag exists")
    b.add_argument("--prune", action="store_true", help="remove older stepforge-sandbox images not in use")
    b.set_defaults(func=run)
    i = sub.add_parser("info", help="print the isolation level each backend reaches here (JSON)")
    i.add_argument("--docker", action="store_true", help="also probe the Docker engine")
    i.set_defaults(func=run)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "sandbox_command", None)
    if action == "build-image":
        return _build(args.force, args.prune)
    if action == "info":
        return _info(args.docker)
    raise UserError("say what to do: stepforge sandbox build-image | info")


def _client():
    try:
        import docker

        client = docker.from_env(timeout=120)
        client.ping()
        return client
    except Exception as exc:
        raise UserError(f"no Docker engine answers ({type(exc).__name__}); start dockerd first") from None


def _build(force: bool, prune: bool = False) -> int:
    from stepforge.sandbox.image import REPOSITORY, build_image

    client = _client()
    tag = build_image(client, force=force)
    print(tag)
    if prune:
        for image in client.images.list(name=REPOSITORY):
            if tag not in image.tags:
                try:
                    client.images.remove(image.id)
                    print(f"removed {', '.join(image.tags) or image.id}")
                except Exception:  # in use by a container: keep it
                    pass
    return 0


def _info(docker: bool) -> int:
    from stepforge.sandbox.local import LocalBackend

    be = LocalBackend(1)
    out = {"local": be.isolation}
    be.close()
    if docker:
        from stepforge.sandbox.image import expected_tag

        client = _client()
        tag = expected_tag()
        try:
            client.images.get(tag)
            out["docker"] = tag
        except Exception:
            out["docker"] = f"engine up, image {tag} missing: run stepforge sandbox build-image"
    print(json.dumps(out))
    return 0
