"""The site's HTML pages: an index of everything, an index per language, a page per edition.

Plain HTML and one stylesheet: no script, no font, no file from elsewhere. Every page is in the
language of what it shows (``lang`` on the page, ``hreflang`` on the links to the other
languages' pages), its interface strings typeset by that language's rules. Jinja2 escapes every
value, so a title holding markup is printed as the characters it is.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

import jinja2
import yaml

from ..config import Config, template_dirs, template_file
from ..errors import ConfigError, Location
from ..typography import typeset_text
from .model import Site, SiteEdition, SiteItem

STRINGS = "site/strings.yaml"
CSS = "site/site.css"


class SiteStrings:
    """The site's interface strings of one language (English where a string is missing)."""

    def __init__(self, data: dict, lang: str):
        self.lang = lang
        self._own = data.get(lang) or {}
        self._en = data.get("en") or {}

    def __call__(self, key: str, **values: Any) -> str:
        own = key in self._own
        text = (self._own if own else self._en).get(key, key)
        if values:
            text = text.format(**values)
        return typeset_text(text, self.lang if own else "en")

    def units(self) -> list[str]:
        return list(self._own.get("units") or self._en.get("units") or ["B", "KB", "MB", "GB"])


def load_strings(cfg: Config) -> dict:
    path = template_file(cfg.templates, STRINGS)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"cannot read the site's strings: {err}", location=Location(path),
                          hint="restore templates/site/strings.yaml") from None
    if not isinstance(data, dict):
        raise ConfigError("the site's strings are not a table of languages", location=Location(path))
    return data


def human_size(n: int, units: list[str], lang: str) -> str:
    """``103 KB`` (kilo = 1000, as file managers and browsers show sizes)."""
    from babel.numbers import format_decimal

    value, unit = float(n), 0
    while value >= 1000 and unit < len(units) - 1:
        value /= 1000
        unit += 1
    number = format_decimal(round(value) if value >= 10 or unit == 0 else round(value, 1),
                            locale=_locale(lang))
    return f"{number}\u00a0{units[unit]}"


def _locale(lang: str) -> str:
    from ..render.html import babel_locale

    return str(babel_locale(lang))


def percent(part: int, total: int, lang: str) -> str:
    from babel.numbers import format_percent

    return format_percent(part / total if total else 1.0, locale=_locale(lang))


@dataclass(frozen=True)
class Links:
    """Where things are, seen from a page or feed at ``here`` (a path inside the site folder)."""

    to_dist: str  # the site folder's path to dist/, e.g. ".."
    base_url: str | None  # the URL of dist/ when [site] base_url is set
    site_in_dist: str  # the site folder's path inside dist/ (for absolute links)

    def site(self, here: str, target: str) -> str:
        if self.base_url:
            return f"{self.base_url}/{posixpath.join(self.site_in_dist, target)}"
        return posixpath.relpath(target, posixpath.dirname(here) or ".")

    def dist(self, here: str, name: str) -> str:
        if self.base_url:
            return f"{self.base_url}/{name}"
        return posixpath.relpath(posixpath.join(self.to_dist, name), posixpath.dirname(here) or ".")


def page_path(e: SiteEdition) -> str:
    return f"{e.lang}/{e.name}.html"


def cover_path(e: SiteEdition, thumb: bool = False) -> str:
    return f"covers/{e.name}.{e.lang}{'.thumb' if thumb else ''}.png"


def status_lines(e: SiteEdition, t: SiteStrings) -> list[str]:
    """The translation status in words, largest share first; the original says it is one."""
    if e.is_source:
        return [t("original")]
    c = e.coverage
    parts = [("reviewed", c.reviewed + c.accepted), ("machine", c.machine), ("needs_work", c.needs_work),
             ("stale", c.stale), ("untranslated", c.untranslated)]
    return [t(key, share=percent(n, c.total, t.lang)) for key, n in parts if n]


class Pages:
    def __init__(self, cfg: Config, site: Site, links: Links):
        from ..render.html import Strings

        self.cfg, self.site, self.links = cfg, site, links
        data = load_strings(cfg)
        self.t = {lang: SiteStrings(data, lang) for lang in site.langs}
        self.dates = {lang: Strings(cfg.templates, lang) for lang in site.langs}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d / "site") for d in template_dirs(cfg.templates)]),
            autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
            trim_blocks=True, lstrip_blocks=True,
        )

    def language_name(self, code: str, in_lang: str) -> str:
        """A language's name as said in ``in_lang`` ("русский" in Russian text)."""
        return self.dates[in_lang].language_name(self.cfg.language(code))

    def native(self, code: str) -> str:
        """A language's own name as a menu shows it ("Русский", "Кыргызча", "Français")."""
        lang = self.cfg.language(code)
        return lang.native or lang.name

    def _edition_view(self, e: SiteEdition, here: str) -> dict:
        t, d = self.t[e.lang], self.dates[e.lang]
        units = t.units()
        return {
            "e": e, "page": self.links.site(here, page_path(e)),
            "language": self.language_name(e.lang, e.lang),
            "thumb": self.links.site(here, cover_path(e, True)) if e.cover else None,
            "cover": self.links.site(here, cover_path(e)) if e.cover else None,
            "cover_alt": t("cover_alt", title=e.title),
            "files": [{"f": f, "href": self.links.dist(here, f.name),
                       "label": t(f"{f.fmt}_link", size=human_size(f.size, units, e.lang)),
                       "about": t(f"{f.fmt}_about")} for f in e.files],
            "dated": t("dated", date=d.date(e.date)) if e.date else "",
            "updated": t("updated", date=d.date(e.modified)) if e.modified else "",
            "status": status_lines(e, t),
        }

    def render(self) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        src = self.cfg.source_lang
        out["index.html"] = self._page("index.html.j2", "index.html", src,
                                       self._index_view("index.html", None))
        for lang in self.site.langs:
            here = f"{lang}/index.html"
            if self.site.editions(lang):
                out[here] = self._page("index.html.j2", here, lang, self._index_view(here, lang))
        for item in self.site.items:
            for e in item.editions:
                here = page_path(e)
                out[here] = self._page("edition.html.j2", here, e.lang, self._edition_page(item, e, here))
        return out

    def _index_view(self, here: str, lang: str | None) -> dict:
        shown = lang or self.cfg.source_lang
        t = self.t[shown]
        groups = []
        for kind, label in (("article", "articles"), ("collection", "collections")):
            items = self.site.articles() if kind == "article" else self.site.collections()
            rows = []
            for item in items:
                main = item.edition(shown) if lang else (item.edition(shown) or item.editions[0])
                if main is None:
                    continue
                others = [{"lang": o.lang, "name": self.native(o.lang),
                           "href": self.links.site(here, page_path(o))}
                          for o in item.editions if o.lang != main.lang]
                rows.append({**self._edition_view(main, here), "others": others})
            if rows:
                groups.append({"label": t(label), "rows": rows})
        langs = [{"lang": code, "name": self.native(code),
                  "href": self.links.site(here, f"{code}/index.html")}
                 for code in self.site.langs if self.site.editions(code)]
        title = t("in_language", language=self.language_name(lang, lang)) if lang else t("site_title")
        return {"title": title, "groups": groups, "langs": langs, "current": lang,
                "all_href": self.links.site(here, "index.html"),
                "alternates": [{"lang": x["lang"], "href": x["href"]} for x in langs if x["lang"] != lang]
                if lang else []}

    def _edition_page(self, item: SiteItem, e: SiteEdition, here: str) -> dict:
        others = [{"lang": o.lang, "name": self.native(o.lang),
                   "href": self.links.site(here, page_path(o))} for o in item.editions if o.lang != e.lang]
        members = []
        for slug in item.members:
            member = next((i for i in self.site.items if i.name == slug), None)
            m = member.edition(e.lang) if member else None
            if m:
                members.append({"title": m.title, "lang": m.lang,
                                "href": self.links.site(here, page_path(m))})
        return {**self._edition_view(e, here), "title": e.title, "others": others, "members": members,
                "alternates": [{"lang": o["lang"], "href": o["href"]} for o in others],
                "index_href": self.links.site(here, f"{e.lang}/index.html"),
                "all_href": self.links.site(here, "index.html")}

    def _page(self, template: str, here: str, lang: str, view: dict) -> bytes:
        t = self.t[lang]
        direction = getattr(self.cfg.language(lang), "dir", "ltr") or "ltr"
        html = self.env.get_template(template).render(
            **view, t=t, lang=lang, dir=direction, css=self.links.site(here, "site.css"),
            opds=self.links.site(here, "opds/root.xml"),
        )
        return html.encode("utf-8")


def stylesheet(cfg: Config) -> bytes:
    return template_file(cfg.templates, CSS).read_bytes()
