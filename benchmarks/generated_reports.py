"""Distinct synthetic case reports, generated from a seed (no data set needed).

Each report is a short case report with sections (abstract, case presentation,
pathology, discussion) and the facts the extractor reads: age, sex, site, vertebral
levels, size, stains and a diagnosis, drawn at random, plus an accession line of unique
tokens so that no two reports are alike (spaCy's string store grows as on real, distinct
reports). ``bad_every=K`` makes every K-th input unusable (alternately empty and binary),
so a batch over them has both records and errors.

Used by ``benchmarks/long_run.py`` and by the kill-and-resume and long-run tests.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

AGES = list(range(8, 86))
ADULTS, CHILDREN = [("woman", "She"), ("man", "He")], [("girl", "She"), ("boy", "He")]
SITES = [
    "paraspinal muscles",
    "thoracic spine",
    "lumbar spine",
    "sacrum",
    "cervical spine",
    "posterior mediastinum",
    "thigh",
    "retroperitoneum",
]
LEVELS = ["C2", "C4", "C6", "T2", "T5", "T8", "T11", "L1", "L3", "L4", "S1"]
DIAGNOSES = [
    "schwannoma",
    "neurofibroma",
    "meningioma",
    "chordoma",
    "giant cell tumour of bone",
    "aneurysmal bone cyst",
    "osteoblastoma",
    "synovial sarcoma",
    "myxoid liposarcoma",
    "solitary fibrous tumour",
]
MARKERS = ["S-100", "SOX10", "CD34", "EMA", "brachyury", "Ki-67", "desmin", "STAT6"]
SYMPTOMS = ["back pain", "radicular pain", "leg weakness", "numbness", "a painless swelling"]
FINDINGS = ["necrosis", "mitotic activity", "calcification", "haemorrhage"]


def report_text(i: int, rng: random.Random) -> str:
    """One distinct report (``i`` and the random draws make it unique)."""
    age = rng.choice(AGES)
    noun, pronoun = rng.choice(ADULTS if age >= 16 else CHILDREN)
    site, diagnosis = rng.choice(SITES), rng.choice(DIAGNOSES)
    first = rng.randrange(len(LEVELS) - 1)
    levels = f"{LEVELS[first]}-{LEVELS[first + 1]}"
    a, b = rng.randint(10, 90) / 10, rng.randint(10, 60) / 10
    pos, neg = rng.sample(MARKERS, 2)
    symptom, finding = rng.choice(SYMPTOMS), rng.choice(FINDINGS)
    months = rng.randint(1, 36)
    words = " ".join(f"{rng.choice('abcdefgh')}{rng.getrandbits(40):x}" for _ in range(12))
    return (
        f"{diagnosis.capitalize()} of the {site}: case report {i}\n\n"
        f"Abstract\nWe report a {diagnosis} of the {site} at {levels} in a {age}-year-old "
        f"{noun}.\n\n"
        f"Case presentation\nA {age}-year-old {noun} presented with {symptom} for {months} "
        f"months. MRI showed a {a} x {b} cm mass of the {site} at {levels}. {pronoun} "
        f"underwent excision.\n\n"
        f"Pathology\nHistology showed a {diagnosis}. The tumour cells were positive for "
        f"{pos} and negative for {neg}. There was no {finding}.\n\n"
        f"Discussion\n{diagnosis.capitalize()} rarely arises in the {site}; metastasis and "
        f"lymphoma were considered.\n\n"
        f"Accession {i}: {words}.\n"
    )


def is_bad(i: int, bad_every: int) -> bool:
    return bad_every > 0 and i % bad_every == bad_every - 1


def generate(n: int, seed: int = 0, bad_every: int = 0) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of ``n`` inputs in name order."""
    rng = random.Random(seed)
    for i in range(n):
        name = f"{i:07d}.txt"
        if is_bad(i, bad_every):
            yield name, b"\x7fELF\x02\x01\x01\x00" * 64 if i // bad_every % 2 else b""
        else:
            yield name, report_text(i, rng).encode("utf-8")


def write_reports(folder: Path, n: int, seed: int = 0, bad_every: int = 0) -> int:
    """Write the inputs into ``folder``; the number of unusable ones among them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in generate(n, seed, bad_every):
        (folder / name).write_bytes(data)
    return sum(is_bad(i, bad_every) for i in range(n))
