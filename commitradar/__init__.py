"""commitradar: a day of git commits → a ranked, readable report.

Stages (one job each, data flows one way): :mod:`.mining` → :mod:`.features` → :mod:`.classifier` →
:mod:`.writer` → :mod:`.report`. :mod:`.pipeline` wires them; :mod:`.cli` is a thin shell around it.
"""
__version__ = "0.1.0"
