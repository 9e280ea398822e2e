"""Property: no sequence of source edits, MT runs, reviewer edits, approvals, deletions and
restorations loses a reviewed translation; it stays current, stale or obsolete."""

from __future__ import annotations

import polib
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from pubkit.catalog import State, dumps, merge, state_of, template
from pubkit.catalog.memory import Memory
from pubkit.commands.translate import apply_draft, needs_draft

from .helpers import FakeEngine, doc
from .reference import all_pairs

WORDS = ["strike", "oil", "workers", "Janaozen", "prices", "gas", "army", "the", "of", "in", "2022"]


class Workflow(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.paras = ["The strike began in Janaozen.", "Gas prices doubled in 2022.", "The army came."]
        self.removed: list[str] = []
        self.po = polib.POFile()
        self.required: set[str] = set()  # reviewed texts no reviewer has replaced
        self.counter = 0
        self.engine = FakeEngine()
        self.required_forms: set[str] = set()  # plural forms (msgstr[n]) a reviewer wrote
        self._update()

    def _update(self):
        self.po, _ = merge(self.po, template(doc(*self.paras)), Memory())
        self.po = _reload(self.po)  # through the file format, as on disk

    def _active(self):
        return [e for e in self.po if not e.obsolete]

    @rule(i=st.integers(0, 20), word=st.sampled_from(WORDS))
    def edit_source(self, i, word):
        if self.paras:
            k = i % len(self.paras)
            self.paras[k] = self.paras[k].rstrip(".") + f" {word}."
            self._update()

    @rule(i=st.integers(0, 20))
    def delete_paragraph(self, i):
        if self.paras:
            self.removed.append(self.paras.pop(i % len(self.paras)))
            self._update()

    @rule(i=st.integers(0, 20))
    def restore_paragraph(self, i):
        if self.removed:
            self.paras.insert(i % (len(self.paras) + 1), self.removed.pop())
            self._update()

    @rule(words=st.lists(st.sampled_from(WORDS), min_size=2, max_size=6))
    def add_paragraph(self, words):
        self.paras.append(" ".join(words).capitalize() + ".")
        self._update()

    @rule()
    def machine_translate(self):
        todo = [e for e in self._active() if needs_draft(e)]
        drafts = self.engine.translate([e.msgid for e in todo])
        for e, d in zip(todo, drafts):
            assert state_of(e) not in (State.REVIEWED, State.STALE)
            apply_draft(e, d)
        self.po = _reload(self.po)

    @rule(i=st.integers(0, 20))
    def reviewer_edit(self, i):
        entries = [e for e in self._active() if not e.msgid_plural]  # plural ones: see below
        if entries:
            e = entries[i % len(entries)]
            self.required.discard(e.msgstr)  # the reviewer chose to replace it
            self.counter += 1
            e.msgstr = f"R{self.counter}"
            e.flags = [f for f in e.flags if f != "fuzzy"]
            self.required.add(e.msgstr)

    @rule(i=st.integers(0, 20))
    def approve(self, i):
        entries = [e for e in self._active() if e.msgstr and e.fuzzy]
        if entries:
            e = entries[i % len(entries)]
            e.flags = [f for f in e.flags if f != "fuzzy"]
            self.required.add(e.msgstr)

    @invariant()
    def reviewed_work_is_kept(self):
        where = {}
        for e in self.po:
            if e.msgstr:
                where.setdefault(e.msgstr, set()).add(state_of(e))
        for text in self.required:
            assert text in where, f"reviewed translation {text!r} was lost"
            assert where[text] & {State.REVIEWED, State.STALE, State.OBSOLETE}, (text, where[text])

    # ------------------------------------------------------------ plural entries (catalog helper)
    # A reviewer (or another gettext tool) writes plural forms; merges, MT runs and the other
    # steps must keep every form, in an active, stale or obsolete entry.

    @rule(i=st.integers(0, 20))
    def reviewer_writes_plural_forms(self, i):
        entries = self._active()
        if entries:
            e = entries[i % len(entries)]
            self.counter += 1
            self.required.discard(e.msgstr)  # the forms replace the singular msgstr
            self.required_forms -= set(e.msgstr_plural.values())  # and earlier forms
            e.msgstr = ""
            e.msgid_plural = e.msgid + " (%d)"
            e.msgstr_plural = {k: f"P{self.counter}-{k}" for k in range(3)}
            e.flags = [f for f in e.flags if f != "fuzzy"]
            self.required_forms.update(e.msgstr_plural.values())
            self.po = _reload(self.po)

    @rule()
    def obsolete_plural_entry_arrives(self):
        self.counter += 1
        e = polib.POEntry(msgid=f"{self.counter} old file", msgid_plural=f"{self.counter} old files",
                          msgctxt="old", msgstr_plural={k: f"O{self.counter}-{k}" for k in range(3)},
                          obsolete=True, previous_msgid="older", previous_msgctxt="ctx")
        self.po.append(e)
        self.required_forms.update(e.msgstr_plural.values())
        self.po = _reload(self.po)

    @rule(i=st.integers(0, 20), word=st.sampled_from(WORDS))
    def indexed_merge_equals_the_reference(self, i, word):
        """The trigram index (issue 14) merges exactly like the all-pairs search, on any state."""
        paras = [p.replace(word, word.upper()) if (k + i) % 2 else p for k, p in enumerate(self.paras)]
        entries = template(doc(*paras))
        fast = dumps(merge(self.po, entries, Memory())[0])
        assert fast == dumps(merge(self.po, entries, Memory(), similar_pairs=all_pairs)[0])

    @invariant()
    def plural_forms_are_kept(self):
        have = {v for e in self.po for v in e.msgstr_plural.values()}
        lost = self.required_forms - have
        assert not lost, f"plural forms {sorted(lost)} were lost"


def _reload(po: polib.POFile) -> polib.POFile:
    """Through the file format, with pubkit's own reader (polib cannot read ``#~|``)."""
    from pubkit.catalog.poparse import parse

    return parse(dumps(po))


TestWorkflow = Workflow.TestCase
TestWorkflow.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
