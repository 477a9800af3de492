"""The secret key when none is configured: generated once, kept in the data directory."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "secret_key"


def secret_key_load(*, data_dir: Path, debug: bool) -> str:
    """The key kept in data_dir, created on first start so sessions survive restarts.

    Steps: read data_dir/secret_key if it exists; else write a new random key there (mode
    0600); when the directory cannot be written, refuse to start unless debugging, where the
    process signs with a key of its own. A key published anywhere is never used.
    """
    path = data_dir / KEY_FILE_NAME
    try:
        key = _key_read(path)
        if key is None:
            key = _key_create(path)
    except OSError as error:
        if debug:
            return secrets.token_urlsafe(50)
        raise ImproperlyConfigured(
            f"TOUCHBASE_SECRET_KEY is not set and no key can be kept in {path} ({error}). "
            "Set TOUCHBASE_SECRET_KEY or make TOUCHBASE_DATA_DIR writable."
        ) from error
    if not key:
        raise ImproperlyConfigured(f"{path} is empty; delete it to have a new key generated.")
    return key


def _key_read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None


def _key_create(path: Path) -> str:
    """Write a new key beside its final name, then link it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # mkstemp creates the file with mode 0600, so the key is never readable by others.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILE_NAME}-")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(key + "\n")
        # Linking fails when the name exists, so processes starting together (web workers,
        # the task worker) cannot overwrite each other's key: the losers use the winner's.
        os.link(temporary, path)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    finally:
        os.unlink(temporary)
    return key
