"""The process pool of the local batch engine (:func:`extractor.batch.iter_results`).

Imported only when a batch runs with more than one worker: ``multiprocessing.pool`` is
not otherwise loaded, and one-report runs should not pay for its import.
"""

from __future__ import annotations

import multiprocessing.pool


class QuietPool(multiprocessing.pool.Pool):
    """A process pool whose worker-maintenance thread sleeps until a worker exits or the
    pool changes state.

    The standard pool also wakes that thread whenever a result is waiting in the result
    pipe, and it keeps waking until the result thread has read it: during a 2-worker run
    over 199 reports it looped 2,600-4,800 times and the parent used 75-111 ms of CPU
    (32-38 ms without those wake-ups), CPU taken from the workers on a 2-core machine.
    Nothing it maintains depends on results: workers that exit (``maxtasksperchild``,
    a crash) wake it through their sentinels; ``close``/``terminate`` and the last
    pending task finishing wake it through the change notifier.
    """

    def _get_sentinels(self) -> list[object]:
        return [self._change_notifier._reader]
