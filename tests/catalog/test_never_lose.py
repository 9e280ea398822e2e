"""Property: no sequence of source edits, MT runs, reviewer edits, approvals (by hand and with
`invoke approve`), "needs work", broken tags, retiring, deletions and restorations loses a
reviewed translation; it stays current, stale, needing work or obsolete. And after every step
the edition, its colophon counts and `check` agree with :func:`assess` on every entry."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

import polib
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from pubkit.catalog import State, dumps, load_language, merge, merged, state_of, template
from pubkit.catalog.memory import Memory
from pubkit.catalog.states import APPROVED, assess
from pubkit.checks import Context, check_entry
from pubkit.commands.approve import approve_entry
from pubkit.commands.retire import retire
from pubkit.commands.translate import apply_draft, needs_draft
from pubkit.config import load_config
from pubkit.localize import localize_report
from pubkit.segment import segment

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
        # a scratch project: the PO file lives at translations/ru/a.po (slug "a" has no seed,
        # the document is built in memory), so the real retire and localize run on it
        self.root = Path(tempfile.mkdtemp(prefix="pubkit-never-lose-"))
        shutil.copy(Path(__file__).resolve().parents[2] / "pubkit.toml", self.root / "pubkit.toml")
        (self.root / "seeds").mkdir()
        (self.root / "seeds" / "other.md").write_text("---\ntitle: Other\ndate: 2022-01-01\n---\n\nText.\n")
        (self.root / "translations" / "ru").mkdir(parents=True)
        self.cfg = load_config(self.root)
        self.required_forms: set[str] = set()  # plural forms (msgstr[n]) a reviewer wrote
        self._update()

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)

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
            assert state_of(e) not in (State.REVIEWED, State.ACCEPTED, State.STALE, State.NEEDS_WORK)
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
    def approve_by_hand(self, i):
        entries = [e for e in self._active() if e.msgstr and e.fuzzy]
        if entries:
            e = entries[i % len(entries)]
            e.flags = [f for f in e.flags if f != "fuzzy"]
            self.required.add(e.msgstr)

    @rule(i=st.integers(0, 20), accept_unchanged=st.booleans())
    def invoke_approve(self, i, accept_unchanged):
        entries = [e for e in self._active() if e.msgstr and e.fuzzy]
        if entries:
            e = entries[i % len(entries)]
            before = state_of(e)
            why = approve_entry(e, accept_unchanged=accept_unchanged)
            if why is None:
                assert state_of(e) in APPROVED and not e.previous_msgid
                if before is State.MACHINE:  # only with the explicit flag, recorded as such
                    assert accept_unchanged and state_of(e) is State.ACCEPTED
                self.required.add(e.msgstr)
            else:  # refused: an unchanged draft without the flag, an outdated draft, broken tags
                assert state_of(e) is before
                assert before in (State.MACHINE, State.MACHINE_OUTDATED) or assess(e).broken
        self.po = polib.pofile(dumps(self.po))

    @rule(i=st.integers(0, 20))
    def needs_work(self, i):
        """The reviewer puts `#, fuzzy` back on an approved entry (Poedit's "Needs work")."""
        entries = [e for e in self._active() if state_of(e) in APPROVED]
        if entries:
            e = entries[i % len(entries)]
            e.flags.append("fuzzy")
            # never "source changed", unless a `#|` previous source was left on the entry
            assert state_of(e) in ((State.STALE, State.MACHINE_OUTDATED) if e.previous_msgid
                                   else (State.NEEDS_WORK, State.MACHINE))
            if state_of(e) in (State.MACHINE, State.MACHINE_OUTDATED):  # approval of the engine's
                self.required.discard(e.msgstr)  # own text withdrawn: no human words, a draft again

    @rule(i=st.integers(0, 20))
    def broken_tag(self, i):
        """The reviewer leaves a tag open in a reviewed translation: kept, never printed."""
        entries = [e for e in self._active() if not e.msgid_plural]  # passages are never plural
        if entries:
            e = entries[i % len(entries)]
            self.required.discard(e.msgstr)
            self.counter += 1
            e.msgstr = f"<1>R{self.counter}"
            e.flags = [f for f in e.flags if f != "fuzzy"]
            self.required.add(e.msgstr)
            assert assess(e).broken and not assess(e).printable

    @rule()
    def retire_and_restore(self):
        """`invoke retire` moves the file aside byte for byte; moving it back restores it."""
        path = self.root / "translations" / "ru" / "a.po"
        path.write_text(dumps(self.po), encoding="utf-8")
        before = path.read_bytes()
        retire(self.cfg, "a")
        moved = self.root / "translations" / ".retired" / "ru" / "a.po"
        assert not path.exists() and moved.read_bytes() == before
        moved.rename(path)
        self.po = polib.pofile(path.read_text(encoding="utf-8"))

    @invariant()
    def reviewed_work_is_kept(self):
        where = {}
        for e in self.po:
            if e.msgstr:
                where.setdefault(e.msgstr, set()).add(state_of(e))
        for text in self.required:
            assert text in where, f"reviewed translation {text!r} was lost"
            kept = {State.REVIEWED, State.ACCEPTED, State.STALE, State.NEEDS_WORK, State.OBSOLETE}
            assert where[text] & kept, (text, where[text])


    @invariant()
    def edition_colophon_and_check_agree_with_assess(self):
        (self.root / "translations" / "ru" / "a.po").write_text(dumps(self.po), encoding="utf-8")
        d = doc(*self.paras)
        edition, diags = localize_report(self.cfg, d, "ru")
        # what `status` sees: the file merged with the source and the language's memory
        cats = load_language(self.cfg, "ru", ["a"])
        merged_po = {(e.msgctxt, e.msgid): e for e in merged(self.cfg, d, "ru", cats)[0].po if not e.obsolete}
        units = segment(d)
        verdicts = [assess(merged_po.get((u.key, u.text)) or merged_po.get((None, u.text))) for u in units]
        counts = Counter(v.counted_as for v in verdicts)
        cov = edition.coverage
        for field in ("reviewed", "accepted", "machine", "needs_work", "stale", "untranslated"):
            assert getattr(cov, field) == counts.get(field, 0), field
        assert cov.broken == sum(v.broken for v in verdicts) == len(diags)
        assert edition.untranslated_keys == {u.key for u, v in zip(units, verdicts) if not v.printable}
        ctx = Context("ru")
        for e in merged_po.values():
            v = assess(e)
            codes = {x.code for x in check_entry(e, ctx, "a.po")}
            if v.broken:
                assert "tags" in codes
            elif v.printable:
                assert "tags" not in codes

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
TestWorkflow.settings = settings(max_examples=40, stateful_step_count=20, deadline=None)
