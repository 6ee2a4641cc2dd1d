#!/usr/bin/env python3
"""Builds the same synthetic sites with site-gen and with Hugo, alternately, and records the figures.

For each size N: generates the site (bench/site/generate.py), does one untimed warm-up build with
each tool, then `--runs` rounds of one build with each tool (site-gen and every Hugo given by
`--hugo LABEL=PATH`; the order reversed every round), each into an emptied output folder, under
`/usr/bin/time` for the peak memory. Writes JSON: the median wall time of each tool, site-gen's
ratio to each Hugo, peak RSS, output size and file count.

Also times full builds of a given site folder (the default site) with site-gen alone.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd: list[str], cwd: str | None = None) -> tuple[float, int]:
    """Runs cmd; returns (wall seconds, peak RSS in KiB). Fails loudly with the tool's output."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", tf.name, *cmd],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-4000:]}")
        rss = int(tf.read().strip().splitlines()[-1])
    return wall, rss


def tree_size(path: str) -> tuple[int, int, int]:
    """(bytes, files, HTML files) under path."""
    total = files = html = 0
    for root, _, names in os.walk(path):
        for n in names:
            total += os.path.getsize(os.path.join(root, n))
            files += 1
            html += n.endswith(".html")
    return total, files, html


def fresh(path: str) -> None:
    if os.path.exists(path):
        shutil.rmtree(path)


def compare(site_gen: str, templates: str, work: str, pages: int, runs: int, hugos: dict[str, str]) -> dict:
    sg_site = os.path.join(work, f"sg-{pages}")
    hugo_site = os.path.join(work, f"hugo-{pages}")
    sg_out = os.path.join(work, f"sg-{pages}-public")
    hugo_out = os.path.join(work, f"hugo-{pages}-public")
    subprocess.run(
        [
            sys.executable,
            os.path.join(HERE, "generate.py"),
            "--pages", str(pages),
            "--site-gen", sg_site,
            "--hugo", hugo_site,
            "--hugo-theme", os.path.join(os.path.dirname(HERE), "hugo"),
        ],
        check=True,
    )
    md_bytes = sum(
        os.path.getsize(os.path.join(sg_site, "pages", n)) for n in os.listdir(os.path.join(sg_site, "pages"))
    )
    tools = {"site-gen": [site_gen, "build", "--site", sg_site, "--templates", templates, "--out", sg_out]}
    outs = {"site-gen": sg_out}
    for label, path in hugos.items():
        outs[label] = f"{hugo_out}-{len(outs)}"
        tools[label] = [path, "--quiet", "--source", hugo_site, "--destination", outs[label]]
    walls: dict[str, list[float]] = {t: [] for t in tools}
    rsss: dict[str, list[int]] = {t: [] for t in tools}
    order = list(tools)
    for r in range(runs + 1):  # round 0 is the warm-up
        for tool in order:
            fresh(outs[tool])
            wall, rss = timed(tools[tool])
            if r > 0:
                walls[tool].append(wall)
                rsss[tool].append(rss)
            print(f"  {pages} pages, {tool}{' (warm-up)' if r == 0 else ''}: {wall:.3f} s, {rss / 1024:.0f} MiB",
                  file=sys.stderr)
        order.reverse()
    result = {"pages": pages, "markdown_bytes": md_bytes, "runs": runs}
    for tool in tools:
        size, files, html = tree_size(outs[tool])
        result[tool] = {
            "wall_median_s": statistics.median(walls[tool]),
            "wall_min_s": min(walls[tool]),
            "wall_max_s": max(walls[tool]),
            "walls_s": walls[tool],
            "peak_rss_kib": max(rsss[tool]),
            "out_bytes": size,
            "out_files": files,
            "out_html": html,
        }
    result["hugos"] = list(hugos)
    result["ratios"] = {h: result["site-gen"]["wall_median_s"] / result[h]["wall_median_s"] for h in hugos}
    for d in (*outs.values(), sg_site, hugo_site):
        fresh(d)
    return result


def default_site(site_gen: str, templates: str, site: str, work: str, runs: int) -> dict:
    out = os.path.join(work, "default-public")
    walls, rsss = [], []
    for r in range(runs + 1):
        fresh(out)
        wall, rss = timed([site_gen, "build", "--site", site, "--templates", templates, "--out", out])
        if r > 0:
            walls.append(wall)
            rsss.append(rss)
    size, files, html = tree_size(out)
    fresh(out)
    return {
        "site": site,
        "runs": runs,
        "wall_median_s": statistics.median(walls),
        "walls_s": walls,
        "peak_rss_kib": max(rsss),
        "out_bytes": size,
        "out_files": files,
        "out_html": html,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site-gen", required=True, help="the release site-gen binary")
    ap.add_argument("--templates", required=True, help="the templates folder")
    ap.add_argument("--work", required=True, help="scratch folder")
    ap.add_argument("--default-site", required=True, help="the default site folder")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--hugo", action="append", default=[],
                    help="LABEL=PATH of a Hugo to compare with, once per Hugo (default: hugo=hugo, the one on PATH)")
    ap.add_argument("--json", required=True, help="where to write the results")
    args = ap.parse_args()
    hugos = dict(h.split("=", 1) for h in args.hugo) or {"hugo": "hugo"}
    os.makedirs(args.work, exist_ok=True)
    results = {"default_site": default_site(args.site_gen, args.templates, args.default_site, args.work, args.runs), "sizes": []}
    print(f"  default site: {results['default_site']['wall_median_s']:.3f} s", file=sys.stderr)
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        results["sizes"].append(compare(args.site_gen, args.templates, args.work, n, args.runs, hugos))
    results["hugo_versions"] = {
        h: subprocess.run([path, "version"], capture_output=True, text=True).stdout.strip() for h, path in hugos.items()
    }
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
