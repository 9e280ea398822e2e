"""`invoke models.list|install|remove`: manage the translation models the project needs.

Thin layer over :mod:`pubkit.mt.packages` (the installed Argos packages), :mod:`pubkit.mt.index`
(the package index and downloads), :mod:`pubkit.mt.mlpackages` (multilingual models) and
:mod:`pubkit.mt.select` (which model serves each pair), so that tests drive the same code as the tasks.
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from ..config import Config, load_config
from ..errors import ConfigError, InputError, Location, MissingError, PubkitError, UnavailableError
from ..mt.deadline import NetLimits, limits_from
from ..mt import index as ix
from ..mt import mlpackages as ml
from ..mt import packages as pk
from ..mt import select as sel
from ..ui import info, out_console


def run(root: Path | None = None, action: str = "list", pair: str | None = None, file: str | None = None,
        url: str | None = None, index: str | None = None, keep_newest: bool = False,
        name: str | None = None, as_json: bool = False) -> int:
    cfg = load_config(root)
    folder = pk.packages_dir(cfg)
    if action == "list" and as_json:
        import json

        out_console.print_json(json.dumps(models_data(cfg, folder), ensure_ascii=False))
        return 0
    if action == "list":
        return list_models(cfg, folder)
    if action == "install":
        return install(cfg, folder, pair=pair, file=file, url=url, index=index)
    if action == "remove":
        if name:
            gone_ml = ml.remove(ml.models_dir(cfg), name)
            info(f"removed {gone_ml.name} {gone_ml.version} from {gone_ml.path.parent}")
            return 0
        if not pair:
            raise InputError("which model? give --pair", hint="e.g. invoke models.remove --pair en-ru")
        for gone in pk.remove(folder, *pk.parse_pair(pair), keep_newest=keep_newest):
            info(f"removed {gone.pair} ({gone.name} {gone.version}) from {folder}")
        return 0
    raise InputError(f"unknown models action '{action}'", hint="use list, install or remove")


def project_pairs(cfg: Config) -> list[tuple[str, str]]:
    return [(cfg.source_lang, t) for t in cfg.targets]


def coverage(cfg: Config, folder: Path) -> dict[tuple[str, str], list[pk.Package] | None]:
    """For each project pair: the packages that translate it (direct or pivot), or None."""
    return {pair: pk.route(folder, *pair) for pair in project_pairs(cfg)}


def models_data(cfg: Config, folder: Path) -> dict:
    """``models.list --json``: installed models of both kinds and what translates each project pair."""
    pairs = []
    for src, tgt in project_pairs(cfg):
        plan = sel.plan(cfg, src, tgt)
        pairs.append({"pair": f"{src}-{tgt}", "family": plan.chosen.family if plan.chosen else None,
                      "model": plan.chosen.label if plan.chosen else None, "why": plan.why,
                      "others": [c.label for c in plan.others]})
    return {
        "argos": [{"pair": f"{p.from_code}-{p.to_code}", "name": p.name, "version": p.version,
                   "folder": str(p.path)} for p in pk.installed(folder)],
        "multilingual": [{"name": m.name, "version": m.version, "family": m.family, "licence": m.licence,
                          "noncommercial": m.noncommercial, "languages": sorted(m.languages)}
                         for m in ml.installed(ml.models_dir(cfg))],
        "pairs": pairs,
        "lacking": [p["pair"] for p in pairs if p["model"] is None],
    }


def list_models(cfg: Config, folder: Path) -> int:
    from rich.table import Table

    have = pk.installed(folder)
    table = Table(title=f"Installed models ({folder})", title_justify="left")
    for col in ("pair", "package", "version", "folder"):
        table.add_column(col)
    for p in have:
        table.add_row(f"{p.from_code}→{p.to_code}", p.name, p.version, p.path.name)
    if have:
        out_console.print(table)
    else:
        out_console.print(f"No models installed in {folder}.")
    _list_multilingual(cfg)
    lacking = []
    for src, tgt in project_pairs(cfg):
        plan = sel.plan(cfg, src, tgt)
        if plan.chosen is None:
            lacking.append(f"{src}-{tgt}")
            note = "" if plan.why == "no model" else f" ({plan.why})"
            out_console.print(f"  {src}→{tgt}: [red]missing[/]{escape(note)}")
            continue
        also = f"; also installed: {', '.join(c.label for c in plan.others)}" if plan.others else ""
        line = f"  {src}→{tgt}: {plan.chosen.family}: {plan.chosen.label} [{plan.why}]{also}"
        out_console.print(escape(line))
    for pair, pkgs in pk.duplicates(folder).items():
        out_console.print(f"  {duplicate_note(pair, pkgs)}")
    if lacking:
        out_console.print(f"The project lacks: {', '.join(lacking)}. Install them with "
                          "`invoke models.install` (or --file X.argosmodel, or --file a multilingual model "
                          "folder or .zip).")
    else:
        out_console.print("Every project language has a model.")
    return 0


def duplicate_note(pair: str, pkgs: list[pk.Package]) -> str:
    """The note shown when a pair is installed more than once (pubkit uses the newest)."""
    versions = ", ".join(f"{p.version} ({p.path.name})" for p in pkgs)
    return (f"{pair} is installed {len(pkgs)} times: {versions}. pubkit uses the newest, {pkgs[-1].version}; "
            f"argostranslate uses whichever it finds first. Keep only the newest with "
            f"`invoke models.remove --pair {pair} --keep-newest`.")


def install(cfg: Config, folder: Path, *, pair: str | None, file: str | None, url: str | None,
            index: str | None) -> int:
    expect = pk.parse_pair(pair) if pair else None
    if file:
        path = Path(file).expanduser()
        if not path.is_absolute() and not path.exists():
            path = cfg.root / path
        if not path.exists():
            raise MissingError("no such model file or folder", location=Location(path),
                               hint="give the path of a .argosmodel file, or of a multilingual model "
                                    "folder (with pubkit-model.json) or .zip")
        if ml.is_model(path):
            _install_multilingual(cfg, path, expect)
            return 0
        _done(pk.install_archive(path, folder, expect=expect), folder)
        return 0
    if url:
        tmp = ix.download(url, folder, label=url.rsplit("/", 1)[-1], from_index=False,
                          limits=limits_from(cfg))
        try:
            if ml.is_model(tmp):
                _install_multilingual(cfg, tmp, expect)
                return 0
            _done(pk.install_archive(tmp, folder, expect=expect), folder)
        finally:
            tmp.unlink(missing_ok=True)
        return 0
    where = ix.index_url(cfg, index)
    wanted = [expect] if expect else [p for p, chain in coverage(cfg, folder).items()
                                      if chain is None and sel.plan(cfg, *p).chosen is None]
    if not wanted:
        info("every project language pair has a model; nothing to install")
        return 0
    entries = ix.fetch_index(where, limits=limits_from(cfg))
    for src, tgt in wanted:
        for entry in _plan(entries, src, tgt, folder, where):
            _install_entry(entry, folder, limits_from(cfg))
    return 0


def _plan(entries: list[ix.IndexEntry], src: str, tgt: str, folder: Path, where: str) -> list[ix.IndexEntry]:
    """Index entries to install for a pair: the direct one, else the missing halves of a pivot."""
    direct = ix.pick(entries, src, tgt)
    if direct:
        return [direct]
    if "en" not in (src, tgt):
        halves = [(src, "en"), ("en", tgt)]
        picked = [pk.find(folder, *h) or ix.pick(entries, *h) for h in halves]
        if all(picked):
            return [p for p in picked if isinstance(p, ix.IndexEntry)]
    raise MissingError(
        f"the package index has no model for {src}→{tgt}"
        + ("" if "en" in (src, tgt) else " (nor via English)"),
        hint=f"index: {where}; install a model file with "
             f"`invoke models.install --file X.argosmodel --pair {src}-{tgt}`",
    )


def _install_entry(entry: ix.IndexEntry, folder: Path, limits: NetLimits | None = None) -> None:
    last: PubkitError = MissingError(f"the index entry for {entry.pair} has no download link")
    for link in entry.links:
        try:
            tmp = ix.download(link, folder, size=entry.size, sha256=entry.sha256, from_index=True,
                              label=f"{entry.from_code}→{entry.to_code} {entry.version}", limits=limits)
        except (UnavailableError, MissingError, InputError) as err:
            last = err  # refused or unreachable: try the next mirror
            continue
        try:
            _done(pk.install_archive(tmp, folder, expect=(entry.from_code, entry.to_code)), folder)
        finally:
            tmp.unlink(missing_ok=True)
        return
    raise last


def _done(pkg: pk.Package, folder: Path) -> None:
    info(f"installed {pkg.from_code}→{pkg.to_code} ({pkg.name} {pkg.version}) in {folder}")


# ------------------------------------------------------------------ multilingual models


def _max_bytes(cfg) -> int:
    """``[models] max_mb`` (default 4096: NLLB-200 3.3B is 3.3 GB in int8)."""
    section = cfg.raw.get("models", {}) if isinstance(cfg.raw.get("models"), dict) else {}
    value = section.get("max_mb", 4096)
    if not isinstance(value, int) or value <= 0:
        raise ConfigError("[models] max_mb must be a positive whole number of megabytes",
                          location=Location(cfg.root / "pubkit.toml"))
    return value * 1024**2


def _install_multilingual(cfg, path: Path, expect: tuple[str, str] | None) -> None:
    dest = ml.models_dir(cfg)
    model = ml.install(path, dest, max_bytes=_max_bytes(cfg))
    if expect and not model.serves(*expect):
        ml.remove(dest, model.name)
        raise InputError(f"{model.name} does not translate {expect[0]}→{expect[1]}; it was not kept",
                         location=Location(path), hint=f"it covers: {', '.join(sorted(model.languages))}")
    serves = [t for t in cfg.edition_langs if t in model.languages]
    info(f"installed multilingual model {model.name} {model.version} ({model.licence_note}) in {dest}")
    info(f"  project languages it serves: {', '.join(serves) or 'none'}")
    if model.noncommercial:
        _, _, allow = sel.settings(cfg)
        info("  NON-COMMERCIAL licence: " + ("allowed by pubkit.toml ([models] allow_noncommercial = true)"
                                              if allow else "pubkit will not use it until pubkit.toml says "
                                              "[models] allow_noncommercial = true"))


def _list_multilingual(cfg) -> None:
    from rich.table import Table

    dest = ml.models_dir(cfg)
    have = ml.installed(dest)
    if not have:
        out_console.print(f"No multilingual models installed in {dest}.")
        return
    _, _, allow = sel.settings(cfg)
    table = Table(title=f"Multilingual models ({dest})", title_justify="left")
    for col in ("model", "version", "family", "licence", "project languages", "other languages"):
        table.add_column(col)
    project = set(cfg.edition_langs)
    for m in have:
        licence = m.licence + (" [bold red]NON-COMMERCIAL[/]" + ("" if allow else " (refused by pubkit.toml)")
                               if m.noncommercial else "")
        mine = [c for c in cfg.edition_langs if c in m.languages]
        rest = sorted(c for c in m.languages if c not in project)
        more = f"{', '.join(rest[:8])}{' …' if len(rest) > 8 else ''} ({len(rest)})" if rest else ""
        table.add_row(m.name + (" (synthetic)" if m.synthetic else ""), m.version, m.family, licence,
                      ", ".join(mine), more)
    out_console.print(table)
    idle = sorted(c for m in have for c in m.languages if c in cfg.languages and c not in cfg.edition_langs)
    if idle:
        out_console.print(f"  Also served, not in [project] targets: {', '.join(dict.fromkeys(idle))} "
                          "(add to targets in pubkit.toml to build those editions)")
