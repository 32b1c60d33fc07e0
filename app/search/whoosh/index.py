"""Where the Whoosh index lives and how it is opened, written and replaced.

The index folder holds generations (`index-<time>`) and a `current` link to the one in use, so
that a rebuild fills a new generation while the old one serves, then swaps the link at once.
Whoosh lets one writer at a time hold an index; writers here wait for that lock a short while."""

import copy
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import BOOLEAN, DATETIME, ID, STORED, TEXT, Schema
from whoosh.reading import MultiReader, SegmentReader
from whoosh.searching import Searcher

from app.search.whoosh.analysis import ANALYZER

T = TypeVar("T")

CURRENT = "current"
REBUILDING = "rebuilding"

# Postings blocks stored as they are, not zlib-compressed: compressing them took an eighth of a
# rebuild's time, and every block a search reads was decompressed first. The index is twice as large.
CODEC = W3Codec(compression=0)

SCHEMA = Schema(
    post_id=ID(stored=True, unique=True),
    thread_id=ID(stored=True, sortable=True),
    title=TEXT(analyzer=ANALYZER, field_boost=2.0),
    body=TEXT(analyzer=ANALYZER),
    author=ID,
    category=ID,
    created=DATETIME(sortable=True),
    solved=BOOLEAN,
    is_solution=BOOLEAN,
    # What the entry was written from; `flask search check` compares it with the database.
    fingerprint=STORED,
)


def base_path() -> Path:
    configured = current_app.config.get("SEARCH_INDEX_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "search"


def current_path() -> Path:
    return base_path() / CURRENT


def exists() -> bool:
    """Whether the index in use was created: its folder holds a table of contents (Whoosh names
    them `_MAIN_<generation>.toc`). The folder is only listed: opening its newest table of
    contents, as Whoosh's `exists_in` does, fails when a writer replaces it meanwhile."""
    return any(current_path().glob("_MAIN_*.toc"))


def open_index() -> whoosh_index.Index:
    """The index in use, created empty the first time (by one process, if several start at once)."""
    if not exists():
        base_path().mkdir(parents=True, exist_ok=True)
        with open(base_path() / ".create.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not exists():
                swap_in(new_generation())
    return _open(current_path().resolve())


@lru_cache(maxsize=4)
def _open(generation: Path) -> whoosh_index.Index:
    # An Index object reads the newest state of its folder at every searcher() and writer(), so one
    # per generation serves the whole process; a swap points `current` at a new generation.
    return _again_if_files_vanish(lambda _attempt: whoosh_index.open_dir(str(generation)))


# A writer's commit writes a new table of contents, then removes the old one and the segments it
# merged away: a reader that read the folder before may find them gone, and only has to begin again
# (as Whoosh's own reader does).
READ_ATTEMPTS = 10


def _again_if_files_vanish(read: Callable[[int], T]) -> T:
    """`read(attempt)`, again while a file it opens has been removed meanwhile."""
    for attempt in range(READ_ATTEMPTS):
        try:
            return read(attempt)
        except FileNotFoundError:
            if attempt == READ_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


_searchers = threading.local()


def searcher():
    """A searcher on the newest state of the index in use, kept from one search to the next.

    Opening one reads every segment's per-document data (field lengths for scoring): at a million
    posts that costs most of a second, which a kept searcher pays once per change of the index.
    Whoosh searchers are not shared between threads, so each thread keeps its own."""
    ix = open_index()
    kept = getattr(_searchers, "by_index", {})
    current = kept.get(ix.storage.folder)
    if current is not None and current.up_to_date():
        return current
    # A failed attempt may have closed the kept readers it meant to reuse: the next starts afresh.
    reader = _again_if_files_vanish(lambda attempt: _newest_reader(ix, current if attempt == 0 else None))
    fresh = Searcher(reader, fromindex=ix)
    _searchers.by_index = {ix.storage.folder: fresh}
    return fresh


def _newest_reader(ix: whoosh_index.Index, kept):
    """A reader of the index's newest state, reusing what it can of the `kept` searcher's.

    One table of contents for both the readers reused and the new ones: Whoosh's `reader(reuse=)`
    would read its own, perhaps newer, and keep a segment merged away since as if it still were."""
    toc = ix._read_toc()
    reuse = _still_valid_readers(toc.segments, kept)
    return ix._reader(ix.storage, toc.schema, toc.segments, toc.generation, reuse=reuse)


def _still_valid_readers(newest: list, searcher) -> MultiReader | None:
    """The kept searcher's segment readers, for the segments still in the index's newest state,
    each seeing the documents deleted from its segment since it was opened.

    Not Whoosh's own `refresh()`, which reuses a segment's reader whatever was deleted from the
    segment since: the searcher would go on finding an edited post by the words taken out of it."""
    if searcher is None:
        return None
    segments = {segment.segment_id(): segment for segment in newest}
    valid = []
    for reader, _offset in searcher.reader().leaf_readers():
        segment = reader.segment()
        now = segments.get(segment.segment_id()) if segment is not None else None
        if now is None:
            continue
        if now.deleted_count() == segment.deleted_count():
            valid.append(reader)
        elif isinstance(reader, SegmentReader) and hasattr(reader._perdoc, "_segment"):
            valid.append(_with_deletions_of(now, reader))
    return MultiReader(valid) if valid else None


def _with_deletions_of(segment, reader: SegmentReader) -> SegmentReader:
    """`reader`, seeing the documents deleted from its segment as `segment` (the same segment in the
    index's newest state) lists them.

    A segment's files never change once written; only the list of its deleted documents does, and
    that list lives in the index's table of contents, in the segment object both the reader and its
    per-document reader consult. Opening the segment again would read its terms file whole: most of
    a second at a million posts, after each edit. The copy shares the open files with the reader it
    copies, which the searcher it came from drops unclosed."""
    rebased = copy.copy(reader)
    rebased._segment = segment
    rebased._perdoc = copy.copy(reader._perdoc)
    rebased._perdoc._segment = segment
    rebased.__dict__.pop("deleted_docs_set", None)  # a cached_property, computed from the old list
    return rebased


def new_generation() -> Path:
    """An empty index in a folder of its own, not in use yet."""
    path = base_path() / f"index-{time.time_ns()}"
    path.mkdir(parents=True)
    whoosh_index.create_in(str(path), SCHEMA)
    return path


def swap_in(generation: Path) -> None:
    """Point `current` at `generation` in one atomic rename, then remove the generations before it."""
    link = current_path()
    staging = base_path() / f".{CURRENT}-{time.time_ns()}"
    staging.symlink_to(generation.name)
    os.replace(staging, link)
    for old in base_path().glob("index-*"):
        if old.name < generation.name:
            shutil.rmtree(old, ignore_errors=True)


def writer(timeout: float | None = None):
    """A writer on the index in use, after waiting up to `timeout` seconds for Whoosh's lock."""
    if timeout is None:
        timeout = current_app.config["SEARCH_WRITER_TIMEOUT"]
    return open_index().writer(timeout=timeout, codec=CODEC)


@contextmanager
def rebuilding():
    """Mark a rebuild in progress: meanwhile, changes applied to the old generation stay queued."""
    marker = base_path() / REBUILDING
    base_path().mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()))
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)


def is_rebuilding() -> bool:
    return (base_path() / REBUILDING).exists()


def size_in_bytes() -> int:
    target = current_path().resolve()
    return sum(file.stat().st_size for file in target.glob("*") if file.is_file()) if target.exists() else 0
