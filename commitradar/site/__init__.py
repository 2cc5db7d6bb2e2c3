"""What is built from the reports' JSON twins: the static site and its Atom feeds (:mod:`.build`,
:mod:`.feed`) and the weekly digest (:mod:`.digest`), all reading the twins through :mod:`.twins`."""
from __future__ import annotations

from .build import BuiltSite, build_site

__all__ = ["BuiltSite", "build_site"]
