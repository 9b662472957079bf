r"""How a file or a folder of files is replaced: whole or not at all, respecting what is there.

- **What is there.** A file is written under a temporary name beside its target and moved
  onto it (``os.replace``) only when whole. A symbolic link, a read-only file and anything
  that is not a regular file (a folder, a device, a pipe) are not replaced; ``force=True``
  replaces a read-only file or the link itself (nothing is ever written through a link, so
  the file a link points to is never changed). A replaced file keeps its permission bits
  (a ``0600`` file stays ``0600``); a new one gets those the umask gives.
- **Folders at once.** A new folder is written under a temporary name beside it and renamed
  into place whole. Into a folder that exists, every file is written first (in a temporary
  folder inside it), then each is moved onto its name, the old ones kept aside until all
  are in; if anything fails, every file already moved is put back. Files of the folder that
  the write does not name are left as they are.

Temporary files and folders are removed on every way out, an interrupt (Ctrl-C) included.

Examples:
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "claims.csv"
    >>> with replacing(target, force=False) as temporary:
    ...     _ = temporary.write_text("claim_id\n")
    >>> target.read_text()
    'claim_id\n'

"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from reconcile.errors import ArgumentError, Reason

__all__ = ["replacing", "replacing_in_folder"]

# The permission bits a replaced file keeps (not set-user-id and the like).
_PERMISSIONS = 0o777


@contextlib.contextmanager
def replacing(target: Path, *, force: bool) -> Iterator[Path]:
    """A new temporary file beside ``target`` to write; moved onto ``target`` when the block succeeds.

    ``target`` is checked before anything is written (see :func:`_permissions`). The
    temporary file is removed however the block ends, an interrupt included.

    Examples:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
        >>> _ = target.write_text("old"); target.chmod(0o600)
        >>> with replacing(target, force=False) as temporary:
        ...     _ = temporary.write_text("new")
        >>> target.read_text(), oct(target.stat().st_mode & 0o777), len(list(target.parent.iterdir()))
        ('new', '0o600', 1)

    """
    permissions = _permissions(target, force=force)
    temporary: Path | None = None
    try:
        temporary = _fresh(target.parent, target.name, _new_file)
        yield temporary
        if permissions is not None:
            os.chmod(temporary, permissions)
        os.replace(temporary, target)
        temporary = None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


@contextlib.contextmanager
def replacing_in_folder(folder: Path, names: Sequence[str], *, force: bool) -> Iterator[list[Path]]:
    """Temporary paths for the files ``names`` of ``folder``; all moved into it when the block succeeds.

    A folder that does not exist is made under a temporary name beside it and renamed into
    place whole. In a folder that exists the files are written in a temporary folder inside
    it and moved onto their names one by one, the old files kept aside (hard links, or
    copies) and put back if any move fails, so the folder holds either all the old files or
    all the new ones. Files in the folder that ``names`` does not name are left alone. Each
    file replaced is checked first as :func:`replacing` checks one.

    Examples:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "mine.txt").write_text("kept")
        >>> with replacing_in_folder(folder, ["a.csv", "b.csv"], force=False) as (a, b):
        ...     _ = a.write_text("a"), b.write_text("b")
        >>> sorted(path.name for path in folder.iterdir())
        ['a.csv', 'b.csv', 'mine.txt']

    """
    try:
        info: os.stat_result | None = os.stat(folder)  # a link to a folder: its files go in that folder
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise ArgumentError(
            f"cannot write a folder of files at {str(folder)!r}: it is a file",
            hint="name a folder, or pass a .xlsx path for one workbook",
            reason=Reason.NOT_A_FOLDER,
        )
    targets = [folder / name for name in names]
    permissions = [_permissions(target, force=force) for target in targets] if info else [None] * len(names)
    stage: Path | None = None
    try:
        if info is None:
            folder.absolute().parent.mkdir(parents=True, exist_ok=True)
            stage = _fresh(folder.absolute().parent, folder.name, _new_folder)
        else:
            stage = _fresh(folder, folder.name, _new_folder)
        temporary = [stage / name for name in names]
        yield temporary
        for file, bits in zip(temporary, permissions, strict=True):
            if bits is not None:
                os.chmod(file, bits)
        if info is None:
            os.rename(stage, folder)
            stage = None
        else:
            _move_all(temporary, targets, stage)
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)


def _move_all(files: list[Path], targets: list[Path], stage: Path) -> None:
    """Move each of ``files`` onto its target; if one move fails, put back every file moved."""
    kept = stage / ".replaced"
    os.mkdir(kept)
    moved: list[tuple[Path, Path | None]] = []
    try:
        for number, (file, target) in enumerate(zip(files, targets, strict=True)):
            old = None
            if os.path.lexists(target):
                old = kept / str(number)
                try:
                    os.link(target, old, follow_symlinks=False)
                except OSError:  # a file system without hard links
                    shutil.copy2(target, old, follow_symlinks=False)
            moved.append((target, old))
            os.replace(file, target)
    except BaseException:
        for target, old in reversed(moved):
            with contextlib.suppress(OSError):
                if old is None:
                    target.unlink()
                else:
                    os.replace(old, target)
        raise


def _permissions(target: Path, *, force: bool) -> int | None:
    """The permission bits the file replacing ``target`` keeps, None for a new file; or refuse.

    Refused: a folder, a device, a pipe or anything else that is not a regular file; and,
    unless ``force``, a symbolic link or a read-only file (one with no write permission
    bit, or that this process may not write). Read-only is read from the mode bits too, so
    that a process that may write anything (root) does not replace a read-only file either.
    """
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        if not force:
            raise _refused(
                target,
                "it is a symbolic link",
                "pass force=True to replace the link itself (the file it points to is left as it is), "
                "or write to the path it points to",
            )
        return None
    if stat.S_ISDIR(mode):
        raise _refused(target, "it is a folder", "name a file, or move the folder away first")
    if not stat.S_ISREG(mode):
        raise _refused(
            target, "it is not a regular file (a device, a pipe or a socket)", "write to a regular file"
        )
    permissions = stat.S_IMODE(mode) & _PERMISSIONS
    if not force and (not permissions & 0o222 or not os.access(target, os.W_OK)):
        raise _refused(
            target,
            f"it is read-only (mode {permissions:03o})",
            "pass force=True to replace it (it keeps its mode), or make it writable first",
        )
    return permissions


def _refused(target: Path, why: str, hint: str) -> ArgumentError:
    return ArgumentError(
        f"will not replace {str(target)!r}: {why}", hint=hint, reason=Reason.WILL_NOT_REPLACE
    )


def _new_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the umask applies


def _new_folder(path: Path) -> None:
    os.mkdir(path, 0o777)  # the umask applies


def _fresh(folder: Path, name: str, make: Callable[[Path], None]) -> Path:
    """A hidden temporary name in ``folder`` made after ``name``, created by ``make`` (never taken over)."""
    stem = os.fsdecode(os.fsencode(name)[:100])  # room for the suffix within a file name's 255 bytes
    for _ in range(100):
        candidate = folder / f".{stem}.{secrets.token_hex(4)}.tmp"
        try:
            make(candidate)
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free temporary name in {str(folder)!r}")
