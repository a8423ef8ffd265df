"""What an organisation's materialised path (``/1/7/42/``) says without a query."""

from __future__ import annotations


def ancestor_paths(path: str) -> list[tuple[int, str]]:
    """(id, path) of the organisation of ``path`` and of every one above it, from the path."""
    ids = [int(p) for p in path.strip("/").split("/") if p]
    return [(pk, "/" + "/".join(str(i) for i in ids[: n + 1]) + "/") for n, pk in enumerate(ids)]
