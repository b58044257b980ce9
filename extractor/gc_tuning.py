"""Keep Python's cyclic garbage collector off the loaded pipeline.

Loading allocates hundreds of thousands of long-lived objects (spaCy's vocabulary and
language data, vocabulary tries, compiled rules, fuzzy tables). While they are being
built, every full collection walks all of them again: measured on this machine, building
the fuzzy tables of the diagnosis vocabulary took 0.176 s with the collector on and
0.021 s with it off, and imports + pipeline + first report 1.56 -> 1.25 s. So:

* :func:`loading` turns the collector off while the package is imported, the pipeline
  is built and the warm-up report loads what the fields build lazily (nothing built
  there is garbage), then moves everything alive to the collector's permanent
  generation (``gc.freeze``) and turns it back on: later collections only walk the
  objects of the reports, and forked batch workers do not touch (and so copy) the
  pages of the inherited pipeline when they collect.

Collection never changes what the pipeline computes; cycles made per report are still
collected.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading() -> Iterator[None]:
    """The cyclic collector off inside the block; at its end everything alive moves to
    the permanent generation (``gc.freeze``) and the collector is back to its previous
    state. Freezing before the collector runs again matters: its first run after a long
    pause would be a full collection over everything just built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
