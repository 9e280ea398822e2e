"""Translation files that reviewers own: PO load/save, merge, states, translation memory.

Modules: :mod:`.po` (read with polib, write like GNU gettext), :mod:`.wrap` (gettext's line
wrapping), :mod:`.template` (document → entries), :mod:`.merge` (msgmerge-like, never
loses reviewed text), :mod:`.memory` (translation memory), :mod:`.states` (entry states
and the publishing POLICY), :mod:`.store` (paths, loading a language, stray files).
"""

from .merge import MergeReport, merge
from .po import PoFile, dumps, load, save
from .states import POLICY, POLICY_TEXT, State, state_of
from .store import LanguageCatalogs, load_language, merged, po_path, stray_files
from .template import TemplateEntry, template

__all__ = [
    "POLICY", "POLICY_TEXT", "LanguageCatalogs", "MergeReport", "PoFile", "State", "TemplateEntry",
    "dumps", "load", "load_language", "merge", "merged", "po_path", "save", "state_of",
    "stray_files", "template",
]
