"""Stage 4: persons from scored pairs: constrained clustering, family evidence, stable ids."""

from linkage.persons.ambiguity import FITS_TWO, ambiguous_links
from linkage.persons.cluster import Clusters, cluster_edges, cyclic_gc_paused
from linkage.persons.constraints import CLUSTER_COLUMNS, NeverMerge, RecordFacts, conflict
from linkage.persons.family import apply_family_evidence
from linkage.persons.ids import IdAssignment, PersonEvent, assign_person_ids, format_person_id

__all__ = [
    "CLUSTER_COLUMNS",
    "FITS_TWO",
    "ambiguous_links",
    "Clusters",
    "cluster_edges",
    "cyclic_gc_paused",
    "RecordFacts",
    "NeverMerge",
    "conflict",
    "apply_family_evidence",
    "assign_person_ids",
    "IdAssignment",
    "PersonEvent",
    "format_person_id",
]
