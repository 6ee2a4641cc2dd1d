#!/usr/bin/env python3
"""Turns the JSON figures of one bench run into a Markdown report, with the machine and the date.

Reads what exists of site.json, reload.json, cold_start.json, cold_start_one_cpu.json, load.json,
request_path.json and sizes.json in the work folder (a part that was skipped is left out), prints the report, and
writes it to bench/results/<UTC date and time>.md and bench/results/latest.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time


def load(work: str, name: str):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        try:
            return json.load(f)
        except ValueError:  # a part that stopped before it wrote its figures
            return None


def cmd_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not found"


def work_fs(work: str) -> str:
    """The work folder and the kind of file system it is on (tmpfs: in memory)."""
    kind = cmd_version(["stat", "-f", "-c", "%T", work])
    return f"`{work}`, on {kind}"


def machine(runs: list[tuple[str, str, str]], work: str) -> list[str]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    with open("/proc/loadavg") as f:
        load_end = " ".join(f.read().split()[:3])
    commit = cmd_version(["git", "rev-parse", "--short", "HEAD"])
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores (`nproc`: {cmd_version(['nproc'])})",
        f"- Memory: {mem_kib / 1024 / 1024:.1f} GiB; kernel {platform.release()}",
        *[f"- Load average (1, 5, 15 min) at the start of `{cmd}` ({when}): {load}" for cmd, load, when in runs],
        f"- Load average at the end: {load_end}",
        f"- Work folder (sites generated and built there): {work_fs(work)}",
        f"- Commit: {commit}; {cmd_version(['rustc', '--version'])}",
        *[f"- {label}: {version}" for label, version in hugo_versions(work).items()],
        f"- {cmd_version(['wrk', '--version']).split(' [')[0]}; Python {platform.python_version()}",
    ]


def hugo_versions(work: str) -> dict[str, str]:
    """The Hugo builds compared, by label, as site.json records them (the one on PATH otherwise)."""
    site = load(work, "site.json")
    return (site or {}).get("hugo_versions") or {"hugo": cmd_version(["hugo", "version"])}


def ms(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def mib(kib) -> str:
    return "–" if kib is None else f"{kib / 1024:.0f} MiB"


def size(b: int) -> str:
    return f"{b / 1024 / 1024:.1f} MiB" if b >= 1024 * 1024 else f"{b / 1024:.0f} KiB"


def site_section(site, reload) -> list[str]:
    out = []
    if site and site.get("sizes"):
        out += [
            "## site-gen against Hugo",
            "",
            "The same generated Arabic pages (headings, lists, tables, links, front matter), built by both "
            "tools alternately, each run into an emptied output folder. Wall time is the median of the "
            "runs (fastest–slowest in brackets); peak memory is the largest resident set of any run.",
            "",
            "| pages | Markdown | Hugo | site-gen | Hugo's time | site-gen / Hugo | site-gen peak RSS | Hugo peak RSS | site-gen output | Hugo output |",
            "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in site["sizes"]:
            sg = r["site-gen"]
            # Reports written before several Hugos were compared have one, named "hugo".
            for h in r.get("hugos", ["hugo"]):
                hu = r[h]
                ratio = r["ratios"][h] if "ratios" in r else r["ratio"]
                out.append(
                    f"| {r['pages']:,} | {size(r['markdown_bytes'])} | {h} "
                    f"| {ms(sg['wall_median_s'])} ({ms(sg['wall_min_s'])}–{ms(sg['wall_max_s'])}) "
                    f"| {ms(hu['wall_median_s'])} ({ms(hu['wall_min_s'])}–{ms(hu['wall_max_s'])}) "
                    f"| **{ratio:.2f}** | {mib(sg['peak_rss_kib'])} | {mib(hu['peak_rss_kib'])} "
                    f"| {size(sg['out_bytes'])}, {sg['out_html']:,} HTML | {size(hu['out_bytes'])}, {hu['out_html']:,} HTML |"
                )
        runs = site["sizes"][0]["runs"]
        out += ["", f"{runs} timed runs per tool and size, after one warm-up build each.", ""]
    if site or reload:
        out += ["## The default site (`content/`)", "", "| what | figure |", "| --- | ---: |"]
        if site:
            d = site["default_site"]
            out += [
                f"| full build, median of {d['runs']} | {ms(d['wall_median_s'])} |",
                f"| peak RSS of a build | {mib(d['peak_rss_kib'])} |",
                f"| output | {size(d['out_bytes'])}, {d['out_files']} files, {d['out_html']} HTML pages |",
            ]
        if reload:
            out += [
                f"| `site-gen serve`: start to first page served | {ms(reload['serve_ready_s'])} |",
                f"| saving a Markdown file → rebuilt page served, median of {reload['edits']} edits "
                f"| {reload['save_to_served_ms_median']:.0f} ms |",
                f"| the same, slowest edit | {reload['save_to_served_ms_max']:.0f} ms |",
                *(
                    [f"| rebuilds per save (every other one saved as an editor saves) "
                     f"| {', '.join(map(str, reload['rebuilds_per_save']))} |"]
                    if "rebuilds_per_save" in reload
                    else []
                ),
            ]
        out.append("")
    return out


def form_section(cold, cold_one, loadfig, inproc, sizes) -> list[str]:
    out = []
    if not any((cold, loadfig, inproc, sizes)):
        return out
    out += ["## form-fn", ""]
    if cold:
        out += [
            "### Cold start (release Lambda build under a local Lambda runtime API)",
            "",
            "From spawning the binary to its first `invocation/next` poll, and to its posted answer to the "
            f"first event, a form submission stored in the DynamoDB-compatible store. {cold['rounds']} cold starts.",
            "",
            "| what | median | slowest |",
            "| --- | ---: | ---: |",
            f"| spawn → first poll of the runtime API | {cold['first_poll_ms_median']:.1f} ms | {cold['first_poll_ms_max']:.1f} ms |",
            f"| spawn → first submission answered | {cold['answered_ms_median']:.1f} ms | {cold['answered_ms_max']:.1f} ms |",
            *([
                f"| on one processor: spawn → first poll | {cold_one['first_poll_ms_median']:.1f} ms | {cold_one['first_poll_ms_max']:.1f} ms |",
                f"| on one processor: spawn → first submission answered | {cold_one['answered_ms_median']:.1f} ms | {cold_one['answered_ms_max']:.1f} ms |",
            ] if cold_one else []),
            "",
            f"Answer status: {', '.join(map(str, cold['status_codes']))}. Peak RSS after the first answer: "
            f"{mib(cold.get('peak_rss_kib'))}. Store: {cold.get('store', 'see bench/README.md')}.",
            "",
        ]
    if loadfig:
        out += [
            "### Submissions on the local HTTP server (embedded store)",
            "",
            f"wrk on loopback, {loadfig['duration_s']} s at each concurrency; every request a different valid "
            "submission, stored before it is answered. The load generator shares the machine's cores.",
            "",
            "| concurrent connections | submissions/s | p50 | p90 | p99 | max | errors |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for lv in loadfig["levels"]:
            out.append(
                f"| {lv['concurrency']} | {lv['rps']:,.0f} | {lv['p50_us'] / 1000:.2f} ms | {lv['p90_us'] / 1000:.2f} ms "
                f"| {lv['p99_us'] / 1000:.2f} ms | {lv['max_us'] / 1000:.1f} ms | {lv['errors']} |"
            )
        out += [
            "",
            f"Server resident memory: {mib(loadfig['rss_idle_kib'])} idle, peak {mib(loadfig['peak_rss_kib'])} "
            "after all the load.",
            "",
        ]
    if inproc:
        out += [
            "### The request path alone, in-process",
            "",
            inproc.get("what", ""),
            "",
            "| step | calls | p50 | p99 | mean |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for s in inproc["steps"]:
            out.append(
                f"| {s['name']} | {s['calls']:,} | {s['p50_ns'] / 1000:.1f} µs | {s['p99_ns'] / 1000:.1f} µs "
                f"| {s['mean_ns'] / 1000:.1f} µs |"
            )
        out.append("")
    if sizes:
        out += [
            "### Size",
            "",
            "| what | size |",
            "| --- | ---: |",
        ]
        for k, v in sizes.items():
            out.append(f"| {k} | {size(v)} ({v:,} bytes) |")
        out.append("")
    return out


def lighthouse_section(results: str) -> list[str]:
    """Lighthouse's figures as the browser step (tests/steps/50-browser.sh) last wrote them."""
    path = os.path.join(results, "lighthouse.json")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        lh = json.load(f)
    out = [
        "## Lighthouse (from the browser step)",
        "",
        f"{lh['what']}. Lighthouse {lh['lighthouse']}, measured {lh['measured_at'][:16].replace('T', ' ')} UTC "
        "by `tests/steps/50-browser.sh`, which asserts accessibility, best practices and SEO at 100; "
        "the performance figures are recorded here only.",
        "",
        "| site | page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | Speed Index |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in lh["pages"]:
        sc, m = p["scores"], p["metrics_ms"]

        def t(key):
            v = m.get(key)
            return "–" if v is None else ms(v / 1000)

        cls = m.get("cumulative-layout-shift")
        out.append(
            f"| {p['site']} | `{p['path']}` | {sc.get('performance')} | {sc.get('accessibility')} | "
            f"{sc.get('best-practices')} | {sc.get('seo')} | {t('first-contentful-paint')} | "
            f"{t('largest-contentful-paint')} | {t('total-blocking-time')} | "
            f"{'–' if cls is None else f'{cls:.3f}'} | {t('speed-index')} |"
        )
    out.append("")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", required=True)
    ap.add_argument("--results", required=True, help="bench/results")
    args = ap.parse_args()
    runs = []
    with open(os.path.join(args.work, "runs.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                cmd, load_start, when = line.rstrip("\n").split("|")
                runs.append((cmd, load_start, when))
    now = time.gmtime()
    lines = [
        f"# Benchmarks, {time.strftime('%Y-%m-%d %H:%M UTC', now)}",
        "",
        *[f"`{cmd}`  " for cmd, _, _ in runs],
        "",
        "## Machine",
        "",
        *machine(runs, args.work),
        "",
    ]
    lines += site_section(load(args.work, "site.json"), load(args.work, "reload.json"))
    lines += form_section(
        load(args.work, "cold_start.json"),
        load(args.work, "cold_start_one_cpu.json"),
        load(args.work, "load.json"),
        load(args.work, "request_path.json"),
        load(args.work, "sizes.json"),
    )
    lines += lighthouse_section(args.results)
    failed = os.path.join(args.work, "failed.txt")
    if os.path.exists(failed):
        with open(failed, encoding="utf-8") as f:
            lines += ["## Not measured", "", *[f"- {ln.strip()}" for ln in f if ln.strip()], ""]
    text = "\n".join(lines).rstrip() + "\n"
    print(text)
    os.makedirs(args.results, exist_ok=True)
    for name in (time.strftime("%Y-%m-%d-%H%M", now) + ".md", "latest.md"):
        with open(os.path.join(args.results, name), "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
