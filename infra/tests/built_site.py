"""Building the real sites with site-gen, for the tests that check them against the template."""

import os
import subprocess
from pathlib import Path

from conftest import REPO

SITES = {"default": "content", "qana": "examples/qana/content"}
BASE_URL = "https://d111111abcdef8.cloudfront.net"


def site_gen_command():
    """The site-gen binary in SITE_GEN_BIN (tests/steps/40-infra.sh builds it), else cargo run."""
    binary = os.environ.get("SITE_GEN_BIN")
    if binary:
        return [binary]
    return ["cargo", "run", "--quiet", "--locked", "-p", "site-gen", "--"]


def build_site(site_dir, out: Path, base_url=BASE_URL):
    result = subprocess.run(
        site_gen_command()
        + ["build", "--site", str(site_dir), "--out", str(out), "--base-url", base_url, "--forms-url", "/api"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"site-gen could not build {site_dir}:\n{result.stderr}"
    assert (out / "index.html").is_file(), f"site-gen built no index.html into {out}"
    return out
