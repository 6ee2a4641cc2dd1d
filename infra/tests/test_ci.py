"""The pipeline's scripts (.ci/) and the GitHub workflows that run them: a pull request's check with
its annotations, the decision between publishing the site and deploying the service, and the
release archives. The workflows themselves are linted by actionlint in tests/steps/40-infra.sh."""

import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO

CI = REPO / ".ci"
WORKFLOWS = REPO / ".github" / "workflows"


def site_gen_bin():
    if not os.environ.get("SITE_GEN_BIN"):
        pytest.fail("SITE_GEN_BIN must name a built site-gen (tests/steps/40-infra.sh builds it)")
    return os.environ["SITE_GEN_BIN"]


def ci(script, *args, env=None, cwd=REPO, timeout=600):
    full = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    full.update({"SITE_GEN_BIN": site_gen_bin(), **{k: str(v) for k, v in (env or {}).items()}})
    return subprocess.run([str(CI / script), *map(str, args)], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=timeout)


def workflow(name):
    # PyYAML reads the key `on` as True.
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the pull request's check


def test_a_pull_request_check_builds_both_sites(tmp_path):
    result = ci("pr-check", env={"CI_SITES_DIR": tmp_path, "GITHUB_ACTIONS": "true"})
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("content", "qana"):
        assert (tmp_path / name / "index.html").is_file(), name
    assert "::error" not in result.stdout


def test_the_browser_editor_is_built_and_a_site_with_admin_gets_it(tmp_path):
    """.ci/build-editor (run by both workflows before the site is built) makes admin/dist, which
    the check's build of a site with `admin:` copies to /admin/ beside the generated config."""
    built = ci("build-editor")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (REPO / "admin" / "dist" / "editor.js").is_file()
    # Inside the repository, where site-gen finds admin/dist as it does for content/.
    scratch = REPO / "target" / "ci-editor-test"
    shutil.rmtree(scratch, ignore_errors=True)
    site = scratch / "aman" / "content"
    shutil.copytree(REPO / "content", site)
    with open(site / "site.yaml", "a", encoding="utf-8") as f:
        f.write("\nadmin:\n  repo: aman-org/site\n  folder: target/ci-editor-test/aman/content\n")
    out = tmp_path / "sites"
    result = ci("pr-check", site, env={"CI_SITES_DIR": out})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "محرر المحتوى" not in result.stderr, result.stderr  # no warning about admin.folder
    admin = out / "aman" / "admin"
    assert (admin / "editor.js").read_bytes() == (REPO / "admin" / "dist" / "editor.js").read_bytes()
    assert "repo: aman-org/site" in (admin / "config.yml").read_text(encoding="utf-8")
    assert '<script type="module" src="/admin/editor.js">' in (admin / "index.html").read_text(encoding="utf-8")
    shutil.rmtree(scratch)


def test_a_broken_site_fails_the_check_with_an_annotation_on_its_line(tmp_path):
    site = tmp_path / "site" / "content"
    shutil.copytree(REPO / "content", site)
    shutil.copytree(REPO / "templates", tmp_path / "site" / "templates")
    channel = next(p for p in sorted((site / "channels").glob("*.md")) if "form: " in p.read_text(encoding="utf-8"))
    text = channel.read_text(encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("form: "))
    channel.write_text(re.sub(r"^form: .*$", "form: no-such-form", text, count=1, flags=re.M), encoding="utf-8")
    out = tmp_path / "out"
    result = ci("pr-check", site, "content", env={"CI_SITES_DIR": out, "GITHUB_ACTIONS": "true"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(rf"^::error file={re.escape(str(channel))},line={line},col=\d+::\S", result.stdout, re.M), result.stdout
    assert (out / "content" / "index.html").is_file(), "every site is checked even when one fails"
    without = ci("pr-check", site, env={"CI_SITES_DIR": out, "GITHUB_ACTIONS": "false"})
    assert without.returncode == 1 and "::error" not in without.stdout
    assert f"{channel}:{line}:" in without.stderr


# ------------------------------------------------------------------ publish or deploy


@pytest.fixture
def site(tmp_path):
    """A copy of the default site with its own templates beside it."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def digest(folder):
    result = subprocess.run([site_gen_bin(), "service-digest", "--site", str(folder)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"[0-9a-f]{64}\n", result.stdout)
    return result.stdout.strip()


def decision(folder, deployed, tmp_path):
    """What .ci/publish-or-deploy decides for the site in `folder` against a deployed digest, as it
    prints it and as it hands it to the workflow's next steps (GITHUB_OUTPUT)."""
    output = tmp_path / "github-output"
    output.unlink(missing_ok=True)
    result = ci("publish-or-deploy", "--decide", "--site", folder,
                env={"DEPLOYED_DIGEST": deployed, "GITHUB_OUTPUT": str(output)})
    assert result.returncode == 0, result.stderr
    action = re.search(r"^publish-or-deploy: (publish|deploy) ", result.stdout, re.M).group(1)
    assert output.read_text() == f"action={action}\n"
    return action


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_digest_is_the_same_for_the_same_content_and_differs_between_sites(site):
    assert digest(site / "content") == digest(REPO / "content")
    assert digest(REPO / "examples" / "qana" / "content") != digest(REPO / "content")


def test_a_page_or_a_phone_number_publishes_a_form_or_a_template_deploys(site, tmp_path):
    content = site / "content"
    deployed = digest(content)
    assert decision(content, deployed, tmp_path) == "publish"
    assert decision(content, "none", tmp_path) == "deploy", "no stack yet"

    page = sorted((content / "policy").glob("*.md"))[-1]
    edit(page, "\n---\n", "\n---\nفقرة أضيفت في المراجعة السنوية.\n\n")
    assert decision(content, deployed, tmp_path) == "publish", "a policy page"

    # The contact details only the site's pages show (the service's answers carry none of them).
    phone = re.search(r'^  phone: "([^"]+)"', (content / "site.yaml").read_text(encoding="utf-8"), re.M).group(1)
    edit(content / "site.yaml", phone, "+966 11 234 5678")
    edit(content / "site.yaml", "  hours: ", "  hours: السبت إلى الخميس؛ ")
    assert decision(content, deployed, tmp_path) == "publish", "a phone number in site.yaml"

    edit(content / "site.yaml", "nav:\n", "nav:\n  - { title: من نحن, path: /about/ }\n")
    assert decision(content, deployed, tmp_path) == "deploy", "the menu, which the service's answers show"


def test_a_form_deploys(site, tmp_path):
    content = site / "content"
    deployed = digest(content)
    form = content / "forms" / "request.yaml"
    edit(form, "label: ", "label: (معدّل) ")
    assert decision(content, deployed, tmp_path) == "deploy"


def test_a_template_deploys(site, tmp_path):
    content = site / "content"
    deployed = digest(content)
    with (site / "templates" / "received.html").open("a", encoding="utf-8") as f:
        f.write("\n{# changed #}\n")
    assert decision(content, deployed, tmp_path) == "deploy"


def test_publishing_runs_infra_publish_and_deploying_infra_deploy(site, tmp_path):
    """Past the decision, the script hands over to infra/publish or infra/deploy with the same
    options (here their dry runs, on a machine without AWS credentials)."""
    content = site / "content"
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "AWS_CONFIG_FILE": str(home / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
           "AWS_EC2_METADATA_DISABLED": "true", "SITE_DIR": str(content), "ALARM_EMAIL": "ops@example.org"}
    for deployed, ran in ((digest(content), "publish only"), ("0" * 64, "deploy (form service")):
        result = ci("publish-or-deploy", "--dry-run", "--stack-name", "aman-ci", "--region", "me-central-1",
                    env={**env, "DEPLOYED_DIGEST": deployed})
        assert f"Dry run: {ran}" in result.stdout, result.stdout + result.stderr


# ------------------------------------------------------------------ releases


def test_a_release_archive_holds_a_site_gen_that_runs_with_its_templates(tmp_path):
    host = re.search(r"^host: (\S+)", subprocess.run(["rustc", "-vV"], capture_output=True, text=True).stdout, re.M).group(1)
    # The packing of the debug build that 40-infra.sh made (--binary): building site-gen alone, as
    # a release does, builds its dependencies again with their own features (minutes that test
    # nothing of the packing); the release workflow runs that build.
    result = ci("release-build", host, "--binary", site_gen_bin())
    assert result.returncode == 0, result.stdout + result.stderr
    archive = REPO / re.search(r"release-build: (\S+)", result.stdout).group(1)
    version = re.search(r'^version = "(.+)"', (REPO / "site-gen" / "Cargo.toml").read_text(), re.M).group(1)
    assert archive.name == f"site-gen-{version}-{host}.tar.gz"
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="data")
    folder = tmp_path / archive.name.removesuffix(".tar.gz")
    assert (folder / "templates" / "base.html").is_file() and (folder / "README.md").is_file()
    shutil.copytree(REPO / "content", folder / "content")
    built = subprocess.run([str(folder / "site-gen"), "build"], cwd=folder, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert (folder / "public" / "index.html").is_file()
    archive.unlink()


@pytest.fixture
def gh(tmp_path):
    """A stand-in for the GitHub CLI that records its calls; `gh release view` finds a release only
    when the file `exists` is there."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "gh.log"
    (bin_dir / "gh").write_text(
        f'#!/bin/sh\necho "$*" >> "{log}"\n'
        f'[ "$1 $2" = "release view" ] && {{ [ -f "{tmp_path}/exists" ]; exit $?; }}\nexit 0\n')
    (bin_dir / "gh").chmod(0o755)
    archives = tmp_path / "archives"
    archives.mkdir()
    for name in ("site-gen-0.1.0-x86_64-unknown-linux-gnu.tar.gz", "site-gen-0.1.0-x86_64-pc-windows-msvc.zip"):
        (archives / name).write_bytes(b"x")
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}, log, archives


def test_the_archives_are_attached_to_the_tags_release(gh, tmp_path):
    env, log, archives = gh
    assert ci("release-publish", archives, env={**env, "GITHUB_REF_NAME": "v1.2.0"}).returncode == 0
    create = log.read_text().splitlines()[-1].split()
    assert create[:3] == ["release", "create", "v1.2.0"] and "--verify-tag" in create
    assert sorted(Path(a).name for a in create if a.endswith((".tar.gz", ".zip"))) == sorted(p.name for p in archives.iterdir())
    (tmp_path / "exists").touch()
    assert ci("release-publish", archives, env={**env, "GITHUB_REF_NAME": "v1.2.0"}).returncode == 0
    assert log.read_text().splitlines()[-1].startswith("release upload v1.2.0 ")
    assert "--clobber" in log.read_text().splitlines()[-1]
    refused = ci("release-publish", archives, env={**env, "GITHUB_REF_NAME": "main"})
    assert refused.returncode == 2 and "not a version tag" in refused.stderr


# ------------------------------------------------------------------ the workflows


def steps_of(wf):
    return [(job, step) for job, spec in wf["jobs"].items() for step in spec["steps"]]


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml", "release.yml"])
def test_every_command_a_workflow_runs_is_a_script_of_the_repository(name):
    runs = [step["run"] for _, step in steps_of(workflow(name)) if "run" in step]
    assert runs
    for run in runs:
        script = run.split()[0]
        assert script.startswith(".ci/") and "\n" not in run.strip(), f"{name}: {run!r} is not one script"
        assert os.access(REPO / script, os.X_OK), f"{name}: {script} is not an executable script"
        tested = (REPO / "infra" / "tests" / "test_ci.py").read_text(encoding="utf-8")
        assert f'"{script.removeprefix(".ci/")}"' in tested or script == ".ci/install-deploy-tools", f"{script} is not tested"


def test_pull_requests_attach_what_the_check_builds():
    wf = workflow("pull-request.yml")
    assert "pull_request" in wf[True]
    upload = next(s for _, s in steps_of(wf) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "target/ci/sites" and upload["if"] == "always()"
    assert "target/ci/sites" in (CI / "pr-check").read_text()


def test_main_is_published_one_run_at_a_time_with_credentials_from_oidc():
    wf = workflow("publish.yml")
    assert wf[True]["push"]["branches"] == ["main"]
    assert wf["permissions"]["id-token"] == "write"
    assert wf["concurrency"]["cancel-in-progress"] is False
    job = wf["jobs"]["publish"]
    assert job["environment"] == "production", "the deploy role trusts this environment only"
    creds = next(s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@"))
    assert set(creds["with"]) == {"role-to-assume", "aws-region"}, "no stored keys"
    assert "secrets." not in (WORKFLOWS / "publish.yml").read_text()


def test_tags_release_site_gen_for_every_platform():
    wf = workflow("release.yml")
    assert wf[True]["push"]["tags"] == ["v*"]
    targets = {i["target"] for i in wf["jobs"]["build"]["strategy"]["matrix"]["include"]}
    assert {"x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "x86_64-pc-windows-msvc"} <= targets
    assert any(t.endswith("apple-darwin") for t in targets)
    assert wf["jobs"]["release"]["permissions"] == {"contents": "write"}


# ------------------------------------------------------------------ one local command


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, data=None, headers=None):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=5) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_one_command_serves_the_site_and_its_forms_and_ctrl_c_stops_both(tmp_path):
    import json
    import signal
    import time
    if not os.environ.get("FORM_FN_BIN"):
        pytest.fail("FORM_FN_BIN must name a built form-fn (tests/steps/40-infra.sh builds it)")
    port, api_port = free_port(), free_port()
    env = {**os.environ, "SITE_GEN_BIN": site_gen_bin(), "FORMS_DATA_FILE": str(tmp_path / "forms.sqlite")}
    dev = subprocess.Popen([str(REPO / "dev"), "--port", str(port), "--api-port", str(api_port)], cwd=REPO, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        site = f"http://127.0.0.1:{port}"
        until = time.time() + 120
        status = None
        while time.time() < until:
            try:
                status, home = get(site + "/")
                if status == 200 and get(site + "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert status == 200 and 'dir="rtl"' in home, "the preview serves the site"
        # A follow-up through the preview's /api/ reaches the service, which answers in JSON that
        # it knows no such request, as a form posts on the published site.
        status, body = get(site + "/api/track", data=json.dumps({"code": "K7M4-Q9TX-3HRP", "contact": "0501234567"}).encode(),
                           headers={"Content-Type": "application/json", "Accept": "application/json"})
        assert status == 404 and isinstance(json.loads(body), dict), (status, body)
    finally:
        os.killpg(dev.pid, signal.SIGINT)
        out = dev.communicate(timeout=30)[0]
    assert f"http://127.0.0.1:{api_port}/api" in out
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{api_port}/api/health")
