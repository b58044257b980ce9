"""The collector is off only while loading, and what was loaded is frozen."""

from __future__ import annotations

import gc

from extractor.gc_tuning import loading


def test_loading_pauses_the_collector_and_freezes_what_it_built() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with loading():
        assert not gc.isenabled()
        built = [[i] for i in range(1000)]  # long-lived objects
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(built)


def test_loading_keeps_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with loading():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_pipeline_leaves_the_collector_on() -> None:
    from extractor.pipeline import get_nlp

    get_nlp()
    assert gc.isenabled()
