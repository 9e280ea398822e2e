#!/usr/bin/env python3
"""Archive benchmark: a generated project of N articles through update, translate and build.

    python bench/archive.py generate --n 1000 --out /tmp/x-archive        # a project only
    python bench/archive.py run [--n 1000] [--build-n 50,100,200] [--json OUT]

Articles are generated, not copied: a seeded mix of Markdown (front matter) and plain text
(with a sidecar ``.yaml``), 2–40 passages each, headings, lists, quotations, emphasis,
links, numbers and dates, drawn from a vocabulary so that passages differ (a few shared
boiler-plate passages exercise the translation memory). Translation uses synthetic
Argos models (:mod:`pubkit.mt.synthetic`, preset ``tiny``), so the numbers measure
pubkit's own work, not a real model's.

Every step runs in a fresh process (``python -c``), timed from outside, with its peak
memory (``ru_maxrss`` of the main process; each child's own peak, ``VmHWM`` read while it runs,
and the largest of them). "Start-up"
is the time of the same process doing nothing but importing the command module.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

WORDS = (
    "workers union strike wage factory oil field city region council assembly demand freedom press "
    "organisation history crisis government police army capital market price bread gas coal railway "
    "port harbour teacher nurse miner driver student committee solidarity meeting leaflet newspaper "
    "republic border village mountain river winter summer morning evening decision vote majority "
    "minority right law court prison protest march square street building district province "
    "company contract shift overtime pension health safety accident report letter statement "
    "movement party programme reform revolution dictatorship democracy election campaign "
    "international national local regional economic political social cultural historical"
).split()
NAMES = ["Aigerim Sadykova", "Jean Martin", "Olga Petrova", "Nurlan Abenov", "Marie Dupont",
         "Asel Toktogulova", "Pierre Leroy", "Ivan Sokolov", "Permanent Revolution Collective"]
COUNTRIES = ["Kazakhstan", "France", "Kyrgyzstan", "Russia", "Austria", "Spain", "Turkey"]
BOILERPLATE = [
    "This statement may be reprinted freely with a mention of the source.",
    "Workers of all countries, unite!",
    "Contact the committee through its website.",
]


def _sentence(rng: random.Random) -> str:
    n = rng.randint(5, 22)
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.3:
        words.insert(rng.randint(0, n - 1), str(rng.randint(2, 2000)))
    if rng.random() < 0.15:
        words.insert(rng.randint(0, n - 1), f"{rng.randint(1, 28)} January {rng.randint(1990, 2024)}")
    s = " ".join(words)
    if rng.random() < 0.25:
        s = s.replace(",", "") + ", " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
    return s[0].upper() + s[1:] + rng.choice(".....?!")


def _paragraph(rng: random.Random, markdown: bool) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(1, 6)))
    if markdown and rng.random() < 0.3:
        w = rng.choice(WORDS)
        text = text.replace(f" {w} ", f" *{w}* ", 1)
    if markdown and rng.random() < 0.15:
        w = rng.choice(WORDS)
        text = text.replace(f" {w} ", f" [{w}](https://example.org/{w}) ", 1)
    if markdown and rng.random() < 0.1:
        w = rng.choice(WORDS)
        text = text.replace(f" {w} ", f" **{w}** ", 1)
    return text


def article(i: int, rng: random.Random) -> dict[str, str]:
    """One generated article: {file name: text} (a .md, or a .txt with its .yaml)."""
    markdown = rng.random() < 0.7
    slug = f"a{i:05d}-" + "-".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
    date = f"{rng.randint(1995, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    authors = rng.sample(NAMES, rng.randint(1, 2))
    n_blocks = rng.choice([2, 3, 5, 8, 12, 20, 40])
    body: list[str] = []
    for b in range(n_blocks):
        r = rng.random()
        if markdown and r < 0.1 and b:
            body.append("## " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize())
        elif markdown and r < 0.17:
            body.append("\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 5))))
        elif markdown and r < 0.22:
            body.append("> " + _paragraph(rng, True))
        elif r < 0.25:
            body.append(rng.choice(BOILERPLATE))
        else:
            body.append(_paragraph(rng, markdown))
    if markdown:
        people = "\n".join(f"  - name: {a}\n    countries: [{rng.choice(COUNTRIES)}]" for a in authors)
        front = f"---\ntitle: \"{title}\"\nslug: {slug}\ndate: {date}\nauthors:\n{people}\n---\n\n"
        return {f"{slug}.md": front + "\n\n".join(body) + "\n"}
    people = "\n".join(f"  - name: {a}" for a in authors)
    meta = f"slug: {slug}\nlang: en\ndate: {date}\nauthors:\n{people}\nsource: generated\n"
    return {f"{slug}.txt": title + "\n\n" + "\n\n".join(body) + "\n", f"{slug}.yaml": meta}


def generate(dest: Path, n: int, seed: int = 0, *, targets: tuple[str, ...] = ("ru", "ky", "fr")) -> Path:
    """A fresh project at ``dest`` with ``n`` generated articles (no translations yet)."""
    dest.mkdir(parents=True, exist_ok=True)
    toml = (ROOT / "pubkit.toml").read_text(encoding="utf-8")
    toml = toml.replace('targets = ["ru", "ky", "fr"]', f"targets = {json.dumps(list(targets))}")
    (dest / "pubkit.toml").write_text(toml, encoding="utf-8")
    seeds = dest / "seeds"
    seeds.mkdir(exist_ok=True)
    rng = random.Random(seed)
    for i in range(n):
        for name, text in article(i, rng).items():
            (seeds / name).write_text(text, encoding="utf-8")
    return dest


def corpus_text(root: Path, limit: int = 200_000) -> str:
    """Text to train the synthetic models' vocabularies on (the project's own articles)."""
    parts, size = [], 0
    for p in sorted((root / "seeds").iterdir()):
        if p.suffix in (".md", ".txt"):
            t = p.read_text(encoding="utf-8")
            parts.append(t)
            size += len(t)
            if size > limit:
                break
    return "\n".join(parts)


def install_models(root: Path, models: Path, targets=("ru", "ky", "fr")) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from pubkit.mt import packages as pk
    from pubkit.mt.synthetic import build

    text = corpus_text(root)
    work = models.parent / "archives"
    work.mkdir(parents=True, exist_ok=True)
    for t in targets:
        pk.install_archive(build(text, work, "en", t, preset="tiny"), models)


def step(root: Path, code: str, env: dict[str, str] | None = None, *args: str) -> dict:
    """Run ``code`` in a fresh Python (pubkit from this checkout); wall time and peak memory."""
    # Each child's own peak (VmHWM, which exec resets) is read while it lives, every 50 ms:
    # RUSAGE_CHILDREN would report the driver's size at fork time for every spawned worker.
    prog = textwrap.dedent(f"""
        import resource, sys, json, threading, time
        from pathlib import Path
        import psutil
        root = Path(sys.argv[1])
        peaks = {{}}
        def watch():
            me = psutil.Process()
            while True:
                for child in me.children(recursive=True):
                    try:
                        with open(f"/proc/{{child.pid}}/status") as fh:
                            kb = next(int(ln.split()[1]) for ln in fh if ln.startswith("VmHWM:"))
                    except (OSError, StopIteration, ValueError):
                        continue
                    peaks[child.pid] = max(peaks.get(child.pid, 0), kb)
                time.sleep(0.05)
        threading.Thread(target=watch, daemon=True).start()
        t0 = time.perf_counter()
        {code}
        t1 = time.perf_counter()
        print(json.dumps({{"inner_s": t1 - t0,
            "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_worker_mb": max(peaks.values(), default=0) / 1024, "children": len(peaks)}}))
    """)
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT / "src")}
    full_env.pop("CI", None)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", prog, str(root), *args], env=full_env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"step failed ({proc.returncode}):\n{code}\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_s"] = wall
    out["log_tail"] = proc.stderr.strip().splitlines()[-1:] if proc.stderr.strip() else []
    return out


UPDATE = "from pubkit.commands.update import run; run(root=root, verbose=False)"
TRANSLATE = "from pubkit.commands.translate import run; run(root=root, verbose=False)"
PUBLISH = "from pubkit.commands.publish import run; run(root=root)"
BUILD = "from pubkit.commands.build import run; run(root=root)"
STARTUP = "import pubkit.commands.publish"
UPDATE_STARTUP = "import pubkit.commands.update"
# one article's merge in every target language, as a one-edit update must do it at least once, in
# a process of its own (its imports included, start-up subtracted as for `update`): read the
# article and its PO file, merge (its own file as the memory), format the merged file's text
ONE_MERGE = """
import pubkit.commands.update
from pubkit.catalog import dumps, load_language, merged
from pubkit.config import load_config
from pubkit.readers import read_article
cfg = load_config(root)
src = next(p for p in (root / "seeds").iterdir() if p.stem == sys.argv[2])
doc = read_article(src, root)
for lang in cfg.targets:
    dumps(merged(cfg, doc, lang, load_language(cfg, lang, [doc.meta.slug]))[0].po)
""".strip().replace("\n", "\n        ")


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cores": len(os.sched_getaffinity(0)), "load_before": os.getloadavg()[0]}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def edit_one(root: Path) -> str:
    """Append a sentence to one article (the middle one); its slug."""
    seeds = sorted(p for p in (root / "seeds").iterdir() if p.suffix in (".md", ".txt"))
    p = seeds[len(seeds) // 2]
    p.write_text(p.read_text(encoding="utf-8") + "\nOne more paragraph, added by the benchmark.\n",
                 encoding="utf-8")
    return p.stem


NOOP_EN_EPUB = """
from pubkit.commands.publish import prepare
from pubkit.config import load_config
from pubkit.fsio import project_lock
from pubkit.pipeline import build
cfg = load_config(root)
with project_lock(root):
    stale = prepare(cfg)
    report = build(cfg, langs=["en"], formats=["epub"])
print("stale languages", stale, "built", len(report.built), "up to date", len(report.up_to_date),
      file=sys.stderr)
""".strip().replace("\n", "\n        ")
BUILD_EN_EPUB = "from pubkit.commands.build import run; run(root=root, langs=['en'], formats=['epub'])"


def update_costs(root: Path, env: dict[str, str], repeats: int = 3) -> dict:
    """What `update` costs when nothing changed and after one article's edit, against start-up
    (importing the command) and one article's own merge, each the best of ``repeats`` runs taken
    in turns (start-up, no-op, edit, merge, undo) so that a change of the machine's load
    touches all of them alike."""
    time.sleep(2.5)  # files older than the hash cache's racy window: the steady state
    step(root, UPDATE, env)  # the first run after `translate` merges the files it drafted
    time.sleep(2.5)
    slug = edit_one(root)
    seed = next(p for p in (root / "seeds").iterdir() if p.stem == slug)
    edited_text = seed.read_text(encoding="utf-8")
    original = edited_text.replace("\nOne more paragraph, added by the benchmark.\n", "")
    seed.write_text(original, encoding="utf-8")
    step(root, UPDATE, env)
    times: dict[str, list[float]] = {"startup": [], "noop": [], "edit": [], "merge": []}
    for _ in range(repeats):
        time.sleep(2.5)
        times["startup"].append(step(root, UPDATE_STARTUP, env)["inner_s"])
        times["noop"].append(step(root, UPDATE, env)["inner_s"])
        seed.write_text(edited_text, encoding="utf-8")
        times["edit"].append(step(root, UPDATE, env)["inner_s"])
        times["merge"].append(step(root, ONE_MERGE, env, slug)["inner_s"])
        seed.write_text(original, encoding="utf-8")
        step(root, UPDATE, env)
    startup, noop, edit, merge_whole = (min(times[k]) for k in ("startup", "noop", "edit", "merge"))
    merge = merge_whole - startup
    return {"runs": times, "startup_s": startup, "noop_update_s": noop,
            "noop_update_s_beyond_startup": noop - startup,
            "one_edit_update_s": edit, "one_edit_update_s_beyond_startup": edit - startup,
            "one_article_merge_s_beyond_startup": merge, "edited": slug,
            "one_edit_vs_one_merge": (edit - startup) / merge}


def run(args) -> dict:
    base = Path(args.work)
    results: dict = {"machine": machine(), "n": args.n}
    env = {"ARGOS_PACKAGES_DIR": str(base / "models"), "SOURCE_DATE_EPOCH": "1643241600"}
    os.environ.update(env)
    big = base / "big"
    if not (args.reuse and (big / "translations").is_dir()):
        if base.exists():
            shutil.rmtree(base)
        big = generate(big, args.n, seed=1)
        if not args.update_only:
            install_models(big, base / "models")
        results["update"] = step(big, UPDATE, env)
        print("update", results["update"], flush=True)
        if not args.update_only:
            results["translate"] = step(big, TRANSLATE, env)
            print("translate", results["translate"], flush=True)
    if args.update_only:
        results["update_costs"] = update_costs(big, env)
        results["noop_update_s_beyond_startup"] = results["update_costs"]["noop_update_s_beyond_startup"]
        results["load_after"] = os.getloadavg()[0]
        return results
    results["startup"] = step(big, STARTUP, env)
    print("startup", results["startup"], flush=True)
    results["update_costs"] = update_costs(big, env)
    results["noop_update_s_beyond_startup"] = results["update_costs"]["noop_update_s_beyond_startup"]
    print("update costs", results["update_costs"], flush=True)
    if args.big_build:
        shutil.rmtree(big / "dist", ignore_errors=True)
        (big / ".pubkit" / "builds.json").unlink(missing_ok=True)
        # every article's English EPUB (the full 8,000-file build is beyond this machine's time)
        results["build_en_epub"] = step(big, BUILD_EN_EPUB, env)
        print("build en epub", results["build_en_epub"], flush=True)
        results["noop_publish_first"] = step(big, NOOP_EN_EPUB, env)
        time.sleep(2.5)  # files older than the cache's racy window: the steady state
        results["noop_publish"] = step(big, NOOP_EN_EPUB, env)
        print("no-op", results["noop_publish"], flush=True)
        slug = edit_one(big)
        results["edit_one_publish"] = step(big, NOOP_EN_EPUB, env)
        results["edit_one_publish"]["edited"] = slug
        print("edit one", results["edit_one_publish"], flush=True)
    results["builds"] = {}
    for n in args.build_n:
        small = generate(base / f"n{n}", n, seed=2)
        step(small, UPDATE, env)
        step(small, TRANSLATE, env)
        r = step(small, BUILD, env)
        files = len(list((small / "dist").glob("*.*[bf]")))
        r["files"] = files
        r["files_per_s"] = files / r["inner_s"]
        r["files_per_s_per_core"] = r["files_per_s"] / results["machine"]["cores"]
        results["builds"][n] = r
        print("build", n, r, flush=True)
        if n != args.build_n[-1]:
            shutil.rmtree(small)
    if args.ray_n:
        results["ray"] = ray_ratio(base, args.ray_n, env)
    results["load_after"] = os.getloadavg()[0]
    return results


def ray_ratio(base: Path, n: int, env: dict[str, str]) -> dict:
    """The same build three ways on copies of one project: one process, the pool, local Ray."""
    proj = generate(base / f"ray{n}", n, seed=4)
    step(proj, UPDATE, env)
    step(proj, TRANSLATE, env)
    out: dict = {"n": n}
    codes = {
        "single_process": "from pubkit.config import load_config; from pubkit.pipeline import build\n"
                          "        build(load_config(root), workers=1)",
        "pool": "from pubkit.config import load_config; from pubkit.pipeline import build\n"
                "        build(load_config(root))",
        "ray_local": "from pubkit.config import load_config; from pubkit.pipeline import build\n"
                     "        from pubkit.scaleout import connect, ray_build_executor\n"
                     "        connect(None)\n"
                     "        t_ready = time.perf_counter()\n"
                     "        build(load_config(root), executor=ray_build_executor(None))\n"
                     "        print('cluster start-up', t_ready - t0, file=sys.stderr)",
    }
    for name, code in codes.items():
        copy = base / f"ray{n}-{name}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(proj, copy)
        out[name] = step(copy, code, env)
        print("ray", name, out[name], flush=True)
    def dist(name: str) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in (base / f"ray{n}-{name}" / "dist").iterdir()}

    ref = dist("single_process")
    out["ray_identical"] = ref == dist("ray_local")
    out["pool_identical"] = ref == dist("pool")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--n", type=int, default=100)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--out", required=True)
    r = sub.add_parser("run")
    r.add_argument("--n", type=int, default=1000)
    r.add_argument("--build-n", type=lambda s: [int(x) for x in s.split(",") if x], default=[50, 100, 200])
    r.add_argument("--big-build", action="store_true",
                   help="build every article's English EPUB, then the no-op and one-edit publishes")
    r.add_argument("--update-only", action="store_true",
                   help="only the update costs: first, no-op and one-edit update (no translation, no builds)")
    r.add_argument("--reuse", action="store_true", help="keep an existing work folder's translated project")
    r.add_argument("--ray-n", type=int, default=0, help="also compare one process, the pool and local Ray")
    r.add_argument("--work", default=str(HERE / ".work" / "archive"))
    r.add_argument("--json")
    args = ap.parse_args(argv)
    if args.cmd == "generate":
        generate(Path(args.out), args.n, args.seed)
        return
    res = run(args)
    text = json.dumps(res, indent=1, default=str)
    print(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
