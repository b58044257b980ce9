"""Mentions -> lesions: what each mention describes, and which lesion the report is about.

A case report can name several lesions of its patient: the spinal mass it is about,
the primary cancer of a metastasis, a kidney mass seen on the same scan. A registry
row is about one of them (the *index lesion*), so every lesion-level mention (site,
level, size, stain, diagnosis) is attached to the lesion it describes before the
summary is built. Cues and word lists are data (``lesion_rules.json`` in this package).

Attachment (``attach``), for mentions the summary may use (patient sections and the
fallback sections; not negated, hypothetical or family; differentials excluded):

1. a mention with its own place has a *location*: a level is ``axial``; a site takes
   the region of its ``sites.csv`` row: bone, spinal canal, nervous system, soft
   tissue and skin are ``axial`` (the lesions this product is about), a visceral
   organ or a lymph node is its own location, one per ICD-O-3 topography category
   ("left upper lobe" and "lung" are both lung); a diagnosis whose text
   names a site ("a history of breast carcinoma") takes that site's location, unless
   it is the final diagnosis or a metastasis (``names_its_place``);
2. stains and final diagnoses describe the index lesion (``describes_the_case``) and
   stay unattached; any other mention (a size, another diagnosis) takes the location of the
   located mention of its clause (no ``clause_break`` between them), the nearest
   one after it first ("an 85 mm mass involving the right kidney and a 30 mm mass
   at L2": 85 mm goes with the kidney, 30 mm with L2), then the nearest one before
   it; else the nearest one in its sentence (sites inside its own text do not
   count);
3. a mention whose sentence names no place continues the sentence before when that
   one names a single place ("A 10-cm mass in the right liver lobe. A 1.5-cm mass was
   also found." -> liver); otherwise it is unattached.

Lesions are the locations found, one each. Roles (``why`` names the rule):

- ``index.only``: a single lesion is the index lesion (with no located mention at
  all, the index lesion's location is ``unspecified``);
- ``index.procedure`` / ``index.axial``: the axial lesion when there is one and it
  has a vertebral level, a procedure cue, or at least the evidence of any other
  lesion (this product reads reports about spinal, paraspinal, bone and soft-tissue
  masses; a visceral lesion beside such a lesion is the primary of a metastasis or an
  incidental finding), ``index.procedure`` when its sentences name a resection,
  biopsy or pathology;
- ``index.procedure``: no axial lesion -> the first lesion that was resected,
  biopsied or diagnosed by pathology;
- ``index.most_mentions``: otherwise the lesion with the most sizes, stains and
  diagnoses, then the most sites and levels (first mentioned on ties);
- ``metastasis.cue``: another lesion named with a metastasis cue ("metastases to the
  liver", a /6 diagnosis);
- ``primary.malignant``: when the index lesion is a metastasis (a metastasis cue
  near it, or a /6 diagnosis), the other lesion with a malignant (/3) diagnosis;
- ``other.rest``: every other lesion.

Unattached mentions describe the index lesion. The flat summary keys are computed
from the mentions of the index lesion plus the unattached ones, so a mention that
describes another lesion never fills the registry row.
"""

from __future__ import annotations

from extractor.lesions.attach import LESION_FIELDS, Attachment, attach, usable
from extractor.lesions.entries import lesion_entry, lesion_values, size_details
from extractor.lesions.roles import Roles, assign_roles, choose_index, metastasis_diagnosis
from extractor.lesions.rules import (
    AXIAL,
    LesionRules,
    lesion_rules,
    parse_lesion_rules,
    site_location,
)

UNSPECIFIED = "unspecified"

__all__ = [
    "AXIAL",
    "LESION_FIELDS",
    "UNSPECIFIED",
    "Attachment",
    "LesionRules",
    "Roles",
    "assign_roles",
    "attach",
    "choose_index",
    "lesion_entry",
    "lesion_rules",
    "lesion_values",
    "metastasis_diagnosis",
    "parse_lesion_rules",
    "site_location",
    "size_details",
    "usable",
]
