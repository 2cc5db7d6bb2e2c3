"""Labels (:mod:`.label`: the record, JSONL I/O, joining to commits) and importing old reports as labels
(:mod:`.reports`)."""
from .importer import (
    CHANGE_TYPE_KEYWORDS,
    ImportResult,
    ReportSection,
    change_type_from_subject,
    clean_text,
    import_reports,
    map_change_type,
    parse_report,
    parse_tier,
)
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

__all__ = [
    "MIN_SHA", "CommitIndex", "JoinResult", "Label", "dumps_labels", "join_labels", "label_from_record", "read_labels",
    "write_labels", "CHANGE_TYPE_KEYWORDS", "ImportResult", "ReportSection", "change_type_from_subject",
    "clean_text", "import_reports", "map_change_type", "parse_report", "parse_tier",
]
