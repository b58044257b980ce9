"""Defer heavy imports that the pipeline never uses.

medspaCy's ``medspacy/util.py`` imports QuickUMLS unconditionally, and QuickUMLS's
``core.py`` runs ``import nltk`` at the top, which pulls in ``scipy.stats``,
scikit-learn and most of NLTK: about 1.6 s of a 2.5 s package import here. QuickUMLS
only touches ``nltk`` inside methods (``nltk.corpus.stopwords`` when a QuickUMLS
matcher is built), and we never build one.

:func:`defer` puts a placeholder module in ``sys.modules`` that imports the real
module on the first access to one of its attributes, and from then on answers every
attribute from it. Code that really uses NLTK gets the real module; nothing is
stubbed. (:class:`importlib.util.LazyLoader` cannot be used here: on Python 3.11 the
import machinery reads ``__spec__`` of a module found in ``sys.modules``, which
makes a LazyLoader module load at once.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

LAZY_MODULES: tuple[str, ...] = ("nltk",)


class DeferredModule(types.ModuleType):
    """Placeholder for a top-level module, imported for real on first attribute use."""

    def __init__(self, name: str, spec: importlib.machinery.ModuleSpec) -> None:
        super().__init__(name)
        self.__spec__ = spec
        self.__loader__ = spec.loader
        self.__file__ = spec.origin
        if spec.submodule_search_locations is not None:
            self.__path__ = list(spec.submodule_search_locations)
        self._deferred_lock = threading.Lock()
        self._deferred_real: types.ModuleType | None = None

    def _deferred_load(self) -> types.ModuleType:
        with self._deferred_lock:
            if self._deferred_real is None:
                name = self.__name__
                if sys.modules.get(name) is self:
                    del sys.modules[name]
                try:
                    self._deferred_real = importlib.import_module(name)
                except BaseException:
                    sys.modules.setdefault(name, self)
                    raise
        return self._deferred_real

    def __getattr__(self, attr: str) -> Any:  # only called for attributes not set above
        if attr.startswith("_deferred_"):
            raise AttributeError(attr)
        return getattr(self._deferred_load(), attr)

    def __dir__(self) -> list[str]:
        return dir(self._deferred_load())


def defer(name: str) -> bool:
    """Register top-level module ``name`` as deferred; False when it is already
    imported or not installed."""
    if name in sys.modules or "." in name:
        return False
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return False
    sys.modules[name] = DeferredModule(name, spec)
    return True


def defer_unused_imports() -> None:
    for name in LAZY_MODULES:
        defer(name)
