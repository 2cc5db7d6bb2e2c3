"""Labels: the record, its JSONL files and joining labels to commits (:mod:`.label`); importing the reference
system's reports as labels (:mod:`.importer`), with the words those reports use for tiers and change types
(:mod:`.vocabulary`)."""
from .corrections import correction_label, embedded_commits, record_label
from .importer import ImportResult, ReportSection, clean_text, import_reports, parse_report
from .label import (
    MIN_SHA,
    CommitIndex,
    JoinResult,
    Label,
    dumps_labels,
    join_labels,
    label_from_record,
    read_labels,
    write_labels,
)
from .vocabulary import CHANGE_TYPE_KEYWORDS, change_type_from_subject, map_change_type, parse_tier

__all__ = [
    "MIN_SHA", "CommitIndex", "JoinResult", "Label", "dumps_labels", "join_labels", "label_from_record", "read_labels",
    "write_labels", "CHANGE_TYPE_KEYWORDS", "ImportResult", "ReportSection", "change_type_from_subject",
    "clean_text", "import_reports", "map_change_type", "parse_report", "parse_tier",
    "correction_label", "embedded_commits", "record_label",
]
