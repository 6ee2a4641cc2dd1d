"""Running infra/deploy and infra/publish as a volunteer would, on a machine set up for the test."""

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from conftest import REPO

DEPLOY = REPO / "infra" / "deploy"
PUBLISH = REPO / "infra" / "publish"

# What the scripts may use on a bare machine: a shell and the usual file tools, nothing of AWS's
# or Rust's.
BASIC_TOOLS = (
    "bash", "env", "dirname", "basename", "cat", "cut", "find", "sort", "xargs", "sha256sum",
    "sed", "tr", "grep", "head", "tail", "mkdir", "rm", "ls", "wc", "mktemp", "uname", "base64",
)


def bare_path(tmp: Path, extra: dict[str, Path] | None = None) -> str:
    """A PATH with only the basic tools (and `extra`, name -> executable)."""
    bin_dir = tmp / "bare-bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in BASIC_TOOLS:
        found = shutil.which(tool)
        if found and not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(found)
    for name, target in (extra or {}).items():
        (bin_dir / name).unlink(missing_ok=True)
        (bin_dir / name).symlink_to(target)
    return str(bin_dir)


def no_credentials_env(tmp: Path, path: str) -> dict[str, str]:
    """An environment with no AWS credentials anywhere (and no instance metadata to ask)."""
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": path,
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_CONFIG_FILE": str(home / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def run(script: Path, args, env, timeout=600):
    return subprocess.run(
        [str(script), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


def commands(stdout: str) -> list[list[str]]:
    """The commands a run printed (lines starting with `+ `), as argument lists."""
    return [shlex.split(line[2:]) for line in stdout.splitlines() if line.startswith("+ ")]


def sam_overrides(cmd: list[str]) -> dict[str, str]:
    """The parameters of `sam deploy --parameter-overrides Key=Value ...`, read as sam reads them
    (a value wrapped in double quotes is unwrapped: `Key=""` sets an empty value)."""
    pairs = (arg.split("=", 1) for arg in cmd[cmd.index("--parameter-overrides") + 1:])
    return {key: value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
            for key, value in pairs}


def missing_section(stdout: str) -> str:
    m = re.search(r"^Missing[^\n]*\n((?:  - .*\n)*)", stdout, re.M)
    return m.group(0) if m else ""


def forms_digest(stdout: str) -> str:
    for cmd in commands(stdout):
        for arg in cmd:
            if arg.startswith("FormsDigest="):
                return arg.split("=", 1)[1]
    m = re.search(r"FormsDigest is ([0-9a-f]{64})", stdout)
    assert m, f"no FormsDigest in:\n{stdout}"
    return m.group(1)


def stub(tmp: Path, name: str) -> Path:
    """An executable that only records that it was called (the seam between the script and a
    tool that would change something in AWS)."""
    path = tmp / "stubs" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(f'#!/bin/sh\necho "$0 $*" >> "{tmp}/stub-calls.log"\n')
    path.chmod(0o755)
    return path


def os_environ_path():
    return os.environ.get("PATH", "")
