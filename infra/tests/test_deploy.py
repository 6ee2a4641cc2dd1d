"""infra/deploy and infra/publish before anything reaches AWS: `--dry-run` prints every command on
a machine with no AWS tools or credentials, lists what is missing and exits non-zero (so CI can
use it); a real run there stops before changing anything and says what to install or set."""

import json
import os
import re
import shutil
import tomllib

import pytest

from commands import (
    DEPLOY,
    PUBLISH,
    bare_path,
    commands,
    forms_digest,
    missing_section,
    no_credentials_env,
    sam_overrides,
    run,
    stub,
)
from conftest import REPO, load_template

STACK = "aman-dry-run"
BASE_ARGS = ["--stack-name", STACK, "--region", "me-central-1", "--alarm-email", "ops@example.org"]


@pytest.fixture
def bare_env(tmp_path):
    return no_credentials_env(tmp_path, bare_path(tmp_path))


@pytest.fixture
def site_gen_env(bare_env):
    """A bare machine with a built site-gen (SITE_GEN_BIN), which computes the forms digest."""
    if not os.environ.get("SITE_GEN_BIN"):
        pytest.fail("SITE_GEN_BIN must name a built site-gen (tests/steps/40-infra.sh builds it)")
    return {**bare_env, "SITE_GEN_BIN": os.environ["SITE_GEN_BIN"]}


def dry_run(env, *args, script=DEPLOY, status=2):
    """The output of a dry run; on a bare machine the tools and credentials are missing, so it
    ends with status 2."""
    result = run(script, ["--dry-run", *args], env)
    assert result.returncode == status, result.stdout + result.stderr
    if status:
        assert "missing" in result.stderr
    return result.stdout


def test_a_dry_run_on_a_bare_machine_lists_every_missing_tool_and_the_credentials(bare_env):
    missing = missing_section(dry_run(bare_env, *BASE_ARGS))
    for needed in ("aws (AWS CLI", "sam (AWS SAM CLI", "cargo-lambda", "zig", "cargo (Rust", "AWS credentials"):
        assert needed in missing, f"{needed!r} not listed in:\n{missing}"
    assert "pip install aws-sam-cli" in missing and "aws configure" in missing


def test_a_dry_run_prints_the_whole_deployment_in_order(bare_env):
    out = dry_run(bare_env, *BASE_ARGS)
    cmds = commands(out)
    heads = [" ".join(c[:2]) for c in cmds]
    first_sync = heads.index("aws s3")
    assert heads[:first_sync] == [
        "cargo run",  # site-gen check: content errors stop everything first
        "aws ssm",  # the origin secret, on the first deployment
        "aws ssm",  # the client key, likewise
        "aws cloudformation",  # the edge stack in us-east-1: the web ACL, the budget
        "aws cloudformation",  # its web ACL's ARN
        "env -u",  # sam build
        "sam deploy",
        "aws cloudformation",
        "aws dynamodb",  # a new stack's table marked: its lookup keys are complete
        "cargo run",  # site-gen build
    ]
    check, origin, key, edge, acl, build, deploy, outputs, mark, site = cmds[:first_sync]
    assert check[-3:] == ["check", "--site", "content"]
    for put, name in ((origin, "origin-secret"), (key, "client-key")):
        assert put[:3] == ["aws", "ssm", "put-parameter"] and "--overwrite" not in put
        assert put[put.index("--name") + 1] == f"/{STACK}/{name}"
        assert put[put.index("--type") + 1] == "SecureString"
        assert put[put.index("--region") + 1] == "me-central-1"
    assert edge[:3] == ["aws", "cloudformation", "deploy"]
    assert edge[edge.index("--template-file") + 1] == "infra/edge.yaml"
    assert edge[edge.index("--stack-name") + 1] == f"{STACK}-edge"
    assert edge[edge.index("--region") + 1] == "us-east-1"
    assert acl[acl.index("--region") + 1] == "us-east-1" and "WebAclArn" in acl[acl.index("--query") + 1]

    assert build[: build.index("sam")] == [
        "env", "-u", "CARGO_TARGET_DIR", "CARGO_LAMBDA_BUILD={no_default_features=true}",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL=s", "CARGO_PROFILE_RELEASE_LTO=fat", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1",
        f"SITE_DIR={REPO}/content",
    ]
    # The functions are built as the `lambda` profile builds them (SAM's `--release` cannot name it):
    # its settings beyond release's are exactly the three given above, and the crates it keeps at
    # opt-level 3 are release's own package settings, which both builds read.
    profiles = tomllib.loads((REPO / "Cargo.toml").read_text())["profile"]
    assert profiles["lambda"] == {"inherits": "release", "opt-level": "s", "lto": "fat", "codegen-units": 1}
    assert profiles["release"]["package"]["tera"]["opt-level"] == 3
    # An explicit strategy, or cargo-lambda builds with `panic = "abort"` (catch-panic needs unwinding).
    assert profiles["release"]["panic"] == "unwind"
    assert build[build.index("sam"):] == [
        "sam", "build", "--beta-features", "--template-file", "infra/template.yaml", "--build-dir", "target/sam/build",
    ]
    assert deploy[deploy.index("--stack-name") + 1] == STACK
    assert deploy[deploy.index("--region") + 1] == "me-central-1"
    assert "--no-confirm-changeset" in deploy and "CAPABILITY_IAM" in deploy

    assert outputs[:3] == ["aws", "cloudformation", "describe-stacks"]
    # The item form-fn reads as "every submission has its lookup keys" (form-fn/src/table.rs),
    # written only if absent, and said to be for a stack this run created.
    table_rs = (REPO / "form-fn" / "src" / "table.rs").read_text()
    const = lambda name: re.search(rf'pub const {name}: &str = "([^"]+)";', table_rs).group(1)
    assert mark[:3] == ["aws", "dynamodb", "put-item"]
    assert mark[mark.index("--table-name") + 1] == "<TableName>"
    item = json.loads(mark[mark.index("--item") + 1])
    assert item[const("PK")] == {"S": const("LOOKUP_COMPLETE_PK")} and item[const("SK")] == {"S": const("SK_META")}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item["at"]["S"])
    assert mark[mark.index("--condition-expression") + 1] == f"attribute_not_exists({const('PK')})"
    assert "# only when this run created the stack" in out
    assert site[site.index("--") + 1:] == [
        "build", "--site", "content", "--out", f"target/infra/site-{STACK}",
        "--base-url", "<SiteUrl>", "--forms-url", "/api",
    ]
    assert cmds[-1] == [
        "aws", "cloudfront", "create-invalidation", "--distribution-id", "<DistributionId>",
        "--paths", "/*", "--region", "me-central-1", "--query", "Invalidation.Id", "--output", "text",
    ]
    assert out.rstrip().endswith("Dry run: nothing was run.")


def test_the_deployment_passes_only_parameters_the_template_declares(site_gen_env):
    deploy = next(c for c in commands(dry_run(site_gen_env, *BASE_ARGS, "--domain", "www.example.org.sa",
                                              "--certificate-arn", "arn:aws:acm:us-east-1:123456789012:certificate/1-2",
                                              "--log-retention-days", "90", "--api-rate", "5", "--api-burst", "8",
                                              "--table-kms-key", "arn:aws:kms:me-central-1:123456789012:key/1-2",
                                              "--github-repository", "aman-org/site",
                                              "--cloudformation-role", "arn:aws:iam::123456789012:role/aman-cfn"))
                  if c[:2] == ["sam", "deploy"])
    overrides = sam_overrides(deploy)
    assert set(overrides) <= set(load_template()["Parameters"])
    assert overrides["DomainName"] == "www.example.org.sa"
    assert overrides["CertificateArn"].endswith("certificate/1-2")
    assert overrides["LogRetentionDays"] == "90"
    assert (overrides["ApiRateLimit"], overrides["ApiBurstLimit"]) == ("5", "8")
    assert re.fullmatch(r"[0-9a-f]{64}", overrides["FormsDigest"])
    assert overrides["AlternateDomainName"] == "example.org.sa", "www.'s twin is the apex"
    assert overrides["EdgeWebAclArn"] == "<WebAclArn>"
    assert overrides["OriginSecret"] == f"<SSM /{STACK}/origin-secret>"
    assert overrides["ClientKey"] == f"<SSM /{STACK}/client-key>"
    assert overrides["PreviousOriginSecret"] == ""
    assert (overrides["CaptchaProvider"], overrides["CaptchaSecret"]) == ("none", ""), "no provider in content/"
    assert overrides["GitHubRepository"] == "aman-org/site"
    assert deploy[deploy.index("--role-arn") + 1] == "arn:aws:iam::123456789012:role/aman-cfn"


@pytest.mark.parametrize("written", [
    "captcha: { provider: turnstile, site_key: 1x00000000000000000000AA }\n",
    "captcha:\n  site_key: 1x00000000000000000000AA\n  provider: turnstile   # from the provider's dashboard\n",
])
def test_the_provider_site_yaml_names_reaches_the_stack_with_its_secret_from_ssm(bare_env, tmp_path, written):
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site)
    with open(site / "site.yaml", "a", encoding="utf-8") as f:
        f.write(written)
    deploy = next(c for c in commands(dry_run(bare_env, *BASE_ARGS, "--site", str(site)))
                  if c[:2] == ["sam", "deploy"])
    overrides = sam_overrides(deploy)
    assert overrides["CaptchaProvider"] == "turnstile"
    assert overrides["CaptchaSecret"] == f"<SSM /{STACK}/captcha-secret>"


@pytest.mark.parametrize("given, domain, twin", [
    ("example.org.sa", "example.org.sa", "www.example.org.sa"),
    ("WWW.Example.org.sa", "www.example.org.sa", "example.org.sa"),
    ("جمعية.السعودية", "xn--ogbf3b7b0a.xn--mgberp4a5d4ar", "www.xn--ogbf3b7b0a.xn--mgberp4a5d4ar"),
    ("www.جمعية.السعودية", "www.xn--ogbf3b7b0a.xn--mgberp4a5d4ar", "xn--ogbf3b7b0a.xn--mgberp4a5d4ar"),
])
def test_the_domain_and_its_twin_reach_the_stack_in_ascii(tmp_path, given, domain, twin):
    """An Arabic domain is converted to punycode (with python3, which any machine with the AWS
    tools has); the apex and www. are served together."""
    env = no_credentials_env(tmp_path, bare_path(tmp_path, {"python3": shutil.which("python3")}))
    cmds = commands(dry_run(env, *BASE_ARGS, "--domain", given,
                            "--certificate-arn", "arn:aws:acm:us-east-1:123456789012:certificate/1-2"))
    overrides = sam_overrides(next(c for c in cmds if c[:2] == ["sam", "deploy"]))
    assert (overrides["DomainName"], overrides["AlternateDomainName"]) == (domain, twin)
    pattern = re.compile(load_template()["Parameters"]["DomainName"]["AllowedPattern"])
    assert pattern.fullmatch(domain) and pattern.fullmatch(twin)


def test_the_twin_can_be_left_out(bare_env):
    cmds = commands(dry_run(bare_env, *BASE_ARGS, "--domain", "forms.example.org.sa",
                            "--alternate-domain", "none",
                            "--certificate-arn", "arn:aws:acm:us-east-1:123456789012:certificate/1-2"))
    overrides = sam_overrides(next(c for c in cmds if c[:2] == ["sam", "deploy"]))
    assert overrides["DomainName"] == "forms.example.org.sa" and overrides["AlternateDomainName"] == ""


def test_the_edge_limit_and_the_budget_reach_the_edge_stack(bare_env):
    cmds = commands(dry_run(bare_env, *BASE_ARGS, "--edge-rate", "50", "--budget", "35"))
    edge = next(c for c in cmds if c[:3] == ["aws", "cloudformation", "deploy"])
    overrides = dict(arg.split("=", 1) for arg in edge[edge.index("--parameter-overrides") + 1:])
    assert overrides == {"AlarmEmail": "ops@example.org", "ApiRequestsPerVisitor": "50", "MonthlyBudget": "35"}
    assert set(overrides) <= set(load_template(REPO / "infra" / "edge.yaml")["Parameters"])


def test_a_rotation_accepts_both_values_then_drops_the_previous(bare_env):
    """--rotate-origin-secret: the current value becomes the previous one, the stack is deployed
    with both accepted (CloudFront sends the new one), then the previous one is deleted and the
    stack deployed again without it."""
    cmds = commands(dry_run(bare_env, *BASE_ARGS, "--rotate-origin-secret"))
    puts = [c for c in cmds if c[:3] == ["aws", "ssm", "put-parameter"]]
    rotated = [c[c.index("--name") + 1] for c in puts if "--overwrite" in c]
    assert rotated == [f"/{STACK}/origin-secret-previous", f"/{STACK}/origin-secret"]
    deploys = [c for c in cmds if c[:2] == ["sam", "deploy"]]
    assert len(deploys) == 2
    first, second = (sam_overrides(d) for d in deploys)
    assert first["PreviousOriginSecret"] == f"<SSM /{STACK}/origin-secret>"
    assert first["OriginSecret"] == second["OriginSecret"] != first["PreviousOriginSecret"]
    assert second["PreviousOriginSecret"] == ""
    # Given as an explicit empty value: sam keeps the previous value of a parameter left out.
    assert 'PreviousOriginSecret=""' in deploys[1]
    delete = next(c for c in cmds if c[:3] == ["aws", "ssm", "delete-parameter"])
    assert cmds.index(deploys[0]) < cmds.index(delete) < cmds.index(deploys[1])
    assert delete[delete.index("--name") + 1] == f"/{STACK}/origin-secret-previous"


def test_the_stack_outputs_the_script_reads_exist():
    script = DEPLOY.read_text(encoding="utf-8")
    read = set(re.findall(r"^\s+(\w+)\) \w+=\"\$value\" ;;", script, re.M))
    assert {"SiteUrl", "BucketName", "DistributionId", "FormsDigest"} <= read
    assert read <= set(load_template()["Outputs"])


def test_uploads_cache_fingerprinted_assets_for_a_year_and_revalidate_the_rest(bare_env):
    syncs = [c for c in commands(dry_run(bare_env, *BASE_ARGS)) if c[:3] == ["aws", "s3", "sync"]]
    immutable = [c for c in syncs if "public, max-age=31536000, immutable" in c]
    revalidate = [c for c in syncs if c[c.index("--cache-control") + 1] == "no-cache"]
    assert immutable and revalidate and len(immutable) + len(revalidate) == len(syncs)
    assert syncs.index(immutable[-1]) < syncs.index(revalidate[0]), "assets go up before the pages that use them"
    assert all("--delete" not in c for c in immutable), "old assets stay for pages rolled back"
    assert all("--delete" in c for c in revalidate), "pages removed from the content are removed"

    def types(cmds):
        return {
            inc.rsplit(".", 1)[1]: c[c.index("--content-type") + 1]
            for c in cmds
            for i, inc in enumerate(c)
            if c[i - 1] == "--include"
        }

    assert types(revalidate)["html"] == "text/html; charset=utf-8"
    assert "html" not in types(immutable), "pages are never cached as immutable"
    for ext, content_type in {
        "css": "text/css; charset=utf-8", "xml": "application/xml; charset=utf-8",
        "txt": "text/plain; charset=utf-8", "svg": "image/svg+xml", "ico": "image/x-icon",
        "webmanifest": "application/manifest+json", "js": "text/javascript; charset=utf-8",
    }.items():
        assert types(revalidate)[ext] == content_type
    assert types(immutable)["css"] == "text/css; charset=utf-8"
    for c in revalidate:
        excluded = [c[i + 1] for i, a in enumerate(c) if a == "--exclude"][1:]
        assert excluded and all(re.search(r"\[0-9a-f\]", e) for e in excluded)


def test_a_second_site_is_built_into_the_service_and_the_pages(bare_env):
    qana = commands(dry_run(bare_env, *BASE_ARGS, "--site", "examples/qana/content"))
    build = next(c for c in qana if "sam" in c and "build" in c)
    assert f"SITE_DIR={REPO}/examples/qana/content" in build
    site = [c for c in qana if c[:2] == ["cargo", "run"]][-1]
    assert site[site.index("--site") + 1] == "examples/qana/content"


def test_the_forms_digest_follows_the_forms_not_the_pages(site_gen_env, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site)
    before = forms_digest(dry_run(site_gen_env, *BASE_ARGS, "--site", str(site)))
    page = next(site.glob("policy/*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nفقرة جديدة.\n", encoding="utf-8")
    assert forms_digest(dry_run(site_gen_env, *BASE_ARGS, "--site", str(site))) == before
    # Contact details are shown by the site's pages only, never by the service's answers.
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("+966 11 000 0000", "+966 11 234 5678"),
                      encoding="utf-8")
    assert forms_digest(dry_run(site_gen_env, *BASE_ARGS, "--site", str(site))) == before
    form = next(site.glob("forms/*.yaml"))
    form.write_text(form.read_text(encoding="utf-8") + "\n# تعديل\n", encoding="utf-8")
    assert forms_digest(dry_run(site_gen_env, *BASE_ARGS, "--site", str(site))) != before
    assert forms_digest(dry_run(site_gen_env, *BASE_ARGS, "--site", "examples/qana/content")) != before


def test_without_site_gen_a_dry_run_names_the_digest_it_would_compute(bare_env):
    deploy = next(c for c in commands(dry_run(bare_env, *BASE_ARGS)) if c[:2] == ["sam", "deploy"])
    assert sam_overrides(deploy)["FormsDigest"] == "<site-gen service-digest --site content>"


def test_publish_only_touches_the_site(bare_env):
    out = dry_run(bare_env, "--stack-name", STACK, "--region", "me-central-1", script=PUBLISH)
    heads = {tuple(c[:2]) for c in commands(out)}
    assert ("sam", "build") not in heads and ("sam", "deploy") not in heads
    assert ("aws", "ssm") not in heads and not any(c[:3] == ["aws", "cloudformation", "deploy"] for c in commands(out))
    assert not any(c[0] == "env" for c in commands(out))
    assert {("aws", "cloudformation"), ("cargo", "run"), ("aws", "s3"), ("aws", "cloudfront")} <= heads
    missing = missing_section(out)
    assert "aws (AWS CLI" in missing and "sam (" not in missing and "cargo-lambda" not in missing
    assert "stop unless the stack's FormsDigest is" in out


def test_a_dry_run_creates_nothing(bare_env):
    dry_run(bare_env, *BASE_ARGS)
    assert not (REPO / "target" / "infra" / f"site-{STACK}").exists()


def test_missing_settings_are_named(bare_env):
    missing = missing_section(dry_run(bare_env))
    assert "stack name" in missing and "AWS region" in missing and "alarms" in missing
    missing = missing_section(dry_run(bare_env, *BASE_ARGS, "--domain", "www.example..org"))
    assert "a valid domain name for --domain" in missing
    missing = missing_section(dry_run(bare_env, *BASE_ARGS, "--api-burst", "20x", "--edge-rate", "0"))
    assert "a whole number for --api-burst (got '20x')" in missing and "for --edge-rate (got '0')" in missing
    missing = missing_section(dry_run(bare_env, *BASE_ARGS, "--site", "no/such/folder"))
    assert "content folder with site.yaml" in missing


def test_a_region_other_than_the_privacy_notice_names_is_refused(bare_env):
    args = [a if a != "me-central-1" else "eu-west-1" for a in BASE_ARGS]
    missing = missing_section(dry_run(bare_env, *args))
    assert "storage_region me-central-1, but this deploys to eu-west-1" in missing, missing
    assert "storage_region" not in missing_section(dry_run(bare_env, *BASE_ARGS))
    real = run(DEPLOY, args, bare_env)
    assert real.returncode != 0 and "deploys to eu-west-1" in real.stderr + real.stdout


def test_a_real_run_on_a_bare_machine_changes_nothing_and_says_what_to_install(bare_env):
    result = run(DEPLOY, BASE_ARGS, bare_env)
    assert result.returncode == 2
    assert "nothing was changed" in result.stderr
    for needed in ("aws (AWS CLI", "sam (AWS SAM CLI", "cargo-lambda", "cargo (Rust"):
        assert needed in result.stderr
    assert commands(result.stdout) == [], "no command may run before the prerequisites are met"


def test_without_credentials_nothing_is_built_or_deployed(tmp_path):
    """The real AWS CLI finds no credentials: the script stops before sam, cargo or the upload."""
    aws = shutil.which("aws")
    if not aws:
        pytest.fail("the AWS CLI is needed (tests/steps/40-infra.sh installs it in its virtualenv)")
    tools = {name: stub(tmp_path, name) for name in ("sam", "cargo", "cargo-lambda", "zig", "rustup")}
    env = no_credentials_env(tmp_path, bare_path(tmp_path, {"aws": aws, **tools}))
    for script, args in ((DEPLOY, BASE_ARGS), (PUBLISH, BASE_ARGS[:4])):
        result = run(script, args, env)
        assert result.returncode == 2, result.stderr
        assert "AWS credentials" in result.stderr and "aws configure" in result.stderr
        assert "nothing was changed" in result.stderr
    assert not (tmp_path / "stub-calls.log").exists(), (tmp_path / "stub-calls.log").read_text()


def test_help_names_both_commands(bare_env):
    result = run(DEPLOY, ["--help"], bare_env)
    assert result.returncode == 0
    assert "infra/deploy" in result.stdout and "infra/publish" in result.stdout and "--dry-run" in result.stdout
    bad = run(DEPLOY, ["--stack"], bare_env)
    assert bad.returncode == 2 and "unknown option: --stack" in bad.stderr
