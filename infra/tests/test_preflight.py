"""infra/deploy in an account, with the real AWS CLI against moto (an AWS-compatible server, run
here in the test's own process on 127.0.0.1): the pre-flight checks that stop a first deployment
before it changes anything (a certificate in us-east-1 that covers the domain and its twin,
Lambda's concurrency quota, a stack left in ROLLBACK_COMPLETE), `--dry-run` exiting non-zero when
one fails, and the secrets: generated once into SSM Parameter Store, passed to the stack, never
printed, and rotated with the previous value accepted until CloudFront sends the new one.

Where moto falls short, and how it is bridged:
- it has no `lambda get-account-settings`: the one AWS CLI call stubbed, by a wrapper that
  answers it with the quota the test sets and hands every other call to the real AWS CLI;
- it never leaves a stack in ROLLBACK_COMPLETE: a stack is created through the CLI, then given
  that status in moto's own backend;
- its CloudFormation does not create AWS WAF web ACLs, so the edge stack it creates has no
  WebAclArn output (the web ACL itself is checked in test_limits.py);
- sam (which builds with cargo-lambda and deploys the SAM template) is not AWS's API: it is a
  stub that records its arguments, as in test_deploy.py."""

import os
import re
import shutil
import subprocess

import boto3
import pytest

from commands import DEPLOY, bare_path, commands, missing_section, sam_overrides, stub
from conftest import REPO

# moto names what its CloudFormation does not create (the web ACL, the budget): said above.
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS::")

REGION = "me-central-1"
STACK = "preflight-test"
DOMAIN = "example.org.sa"


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    """moto in this process, so that its backend can be given what its API cannot produce."""
    from moto import settings
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    from test_publish import free_port

    settings.ACM_VALIDATION_WAIT = 0  # a requested certificate is issued at once
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def account(moto, tmp_path):
    """A fresh account (moto reset), and the environment of an operator's machine pointed at it:
    the AWS CLI, stubs of the build tools and of sam, and `aws lambda get-account-settings`
    answering with the quota in the file `lambda-quota`."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(moto + "/moto-api/reset", method="POST"))
    aws = shutil.which("aws")
    if not aws:
        pytest.fail("the AWS CLI is needed (tests/steps/40-infra.sh installs it in its virtualenv)")
    quota = tmp_path / "lambda-quota"
    quota.write_text("1000")
    wrapper = tmp_path / "aws-wrapper"
    wrapper.write_text(
        "#!/bin/sh\n"
        "# moto has no Lambda account settings: only this call is answered here.\n"
        f'if [ "$1 $2" = "lambda get-account-settings" ]; then cat "{quota}"; echo; exit 0; fi\n'
        f'exec "{aws}" "$@"\n'
    )
    wrapper.chmod(0o755)
    tools = {name: stub(tmp_path, name) for name in ("sam", "cargo", "cargo-lambda", "zig", "rustup")}
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": bare_path(tmp_path, {"aws": wrapper, "python3": shutil.which("python3"), **tools}),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "SITE_GEN_BIN": os.environ.get("SITE_GEN_BIN", ""),
    }
    return {"env": env, "quota": quota, "endpoint": moto, "tmp": tmp_path}


def client(account, service, region=REGION):
    return boto3.client(service, endpoint_url=account["endpoint"], region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def deploy(account, *args, dry_run=True):
    argv = ["--stack-name", STACK, "--region", REGION, "--alarm-email", "ops@example.org", *args]
    if dry_run:
        argv.insert(0, "--dry-run")
    return subprocess.run([str(DEPLOY), *argv], cwd=REPO, env=account["env"], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=600)


def certificate(account, *names, region="us-east-1"):
    acm = client(account, "acm", region)
    arn = acm.request_certificate(DomainName=names[0], SubjectAlternativeNames=list(names),
                                  ValidationMethod="DNS")["CertificateArn"]
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"
    return arn


def overrides(out, head=("sam", "deploy")):
    return [sam_overrides(c) for c in commands(out) if tuple(c[: len(head)]) == head]


# ------------------------------------------------------------------ the certificate


def test_a_certificate_in_us_east_1_that_covers_the_domain_and_its_twin_is_found(account):
    certificate(account, "other.example.com")
    arn = certificate(account, DOMAIN, f"www.{DOMAIN}")
    result = deploy(account, "--domain", DOMAIN)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"found the certificate {arn}" in result.stdout
    [params] = overrides(result.stdout)
    assert (params["DomainName"], params["AlternateDomainName"], params["CertificateArn"]) == (
        DOMAIN, f"www.{DOMAIN}", arn)


def test_a_wildcard_covers_the_www_twin(account):
    arn = certificate(account, DOMAIN, f"*.{DOMAIN}")
    result = deploy(account, "--domain", DOMAIN, "--certificate-arn", arn)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"the certificate {arn} covers {DOMAIN} and www.{DOMAIN}" in result.stdout


def test_a_certificate_that_misses_the_twin_or_is_elsewhere_stops_the_deployment(account):
    certificate(account, DOMAIN)  # the apex only
    certificate(account, DOMAIN, f"www.{DOMAIN}", region=REGION)  # CloudFront cannot use it
    result = deploy(account, "--domain", DOMAIN)
    assert result.returncode == 2
    missing = missing_section(result.stdout)
    assert f"ACM certificate in us-east-1 that covers {DOMAIN} and www.{DOMAIN}" in missing
    assert "aws acm request-certificate --region us-east-1" in missing
    given = certificate(account, DOMAIN)
    result = deploy(account, "--domain", DOMAIN, "--certificate-arn", given)
    assert result.returncode == 2
    assert f"it does not cover www.{DOMAIN}" in missing_section(result.stdout)


def test_an_arabic_domain_is_checked_in_punycode(account):
    ascii_name = "xn--ogbf3b7b0a.xn--mgberp4a5d4ar"  # جمعية.السعودية
    arn = certificate(account, ascii_name, f"www.{ascii_name}")
    result = deploy(account, "--domain", "جمعية.السعودية")
    assert result.returncode == 0, result.stdout + result.stderr
    [params] = overrides(result.stdout)
    assert (params["DomainName"], params["CertificateArn"]) == (ascii_name, arn)


# ------------------------------------------------------------------ Lambda's quota


def test_an_account_that_cannot_run_the_burst_is_told_how_to_fix_it(account):
    account["quota"].write_text("10")  # a new account's
    result = deploy(account)
    assert result.returncode == 2, result.stdout + result.stderr
    missing = missing_section(result.stdout)
    assert "may run 10 functions at once in me-central-1, fewer than the form service's burst of 20" in missing
    assert "--quota-code L-B99A9384" in missing and "--api-burst 10" in missing
    result = deploy(account, "--api-burst", "10", "--api-rate", "5")
    assert result.returncode == 0, result.stdout + result.stderr
    real = deploy(account, dry_run=False)
    assert real.returncode == 2 and "nothing was changed" in real.stderr
    assert commands(real.stdout) == []


# ------------------------------------------------------------------ a failed first deployment


def test_a_stack_left_in_rollback_complete_is_offered_for_deletion_and_nothing_changes(account):
    from moto.cloudformation.models import cloudformation_backends

    cfn = client(account, "cloudformation")
    cfn.create_stack(StackName=STACK, TemplateBody='{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}')
    backend = cloudformation_backends["123456789012"][REGION]
    [stack] = [s for s in backend.stacks.values() if s.name == STACK]
    stack.status = "ROLLBACK_COMPLETE"

    result = deploy(account)
    assert result.returncode == 2
    missing = missing_section(result.stdout)
    assert f"the stack {STACK} in {REGION} is ROLLBACK_COMPLETE" in missing
    assert f"aws cloudformation delete-stack --stack-name {STACK} --region {REGION}" in missing
    real = deploy(account, dry_run=False)  # no terminal to ask at: nothing is deleted
    assert real.returncode == 2 and "ROLLBACK_COMPLETE" in real.stderr
    assert cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    assert not client(account, "ssm").describe_parameters()["Parameters"], "no secret was created"


def at_a_terminal(account, answer):
    """A real run with a terminal, as an operator runs it: answers the first question with
    `answer` and returns what the terminal showed."""
    import pty
    import select

    primary, secondary = pty.openpty()
    argv = ["--stack-name", STACK, "--region", REGION, "--alarm-email", "ops@example.org"]
    proc = subprocess.Popen([str(DEPLOY), *argv], cwd=REPO, env=account["env"], stdin=secondary,
                            stdout=secondary, stderr=secondary)
    os.close(secondary)
    shown, answered = b"", False
    while True:
        ready, _, _ = select.select([primary], [], [], 120)
        assert ready, f"no output for 2 minutes:\n{shown.decode(errors='replace')}"
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the process ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        if not answered and b"[y/N]" in shown:
            os.write(primary, answer.encode() + b"\n")
            answered = True
    proc.wait(timeout=600)
    os.close(primary)
    return shown.decode(errors="replace")


def test_at_a_terminal_the_failed_stack_is_deleted_only_when_the_operator_agrees(account):
    from moto.cloudformation.models import cloudformation_backends

    cfn = client(account, "cloudformation")
    cfn.create_stack(StackName=STACK, TemplateBody='{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}')
    [stack] = [s for s in cloudformation_backends["123456789012"][REGION].stacks.values() if s.name == STACK]
    stack.status = "ROLLBACK_COMPLETE"

    shown = at_a_terminal(account, "n")
    assert f"Delete the stack {STACK} now and go on? [y/N]" in shown
    assert "nothing was changed" in shown
    assert cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"

    shown = at_a_terminal(account, "y")
    assert f"aws cloudformation delete-stack --stack-name {STACK} --region {REGION}" in shown
    live = [s["StackName"] for s in cfn.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
    assert STACK not in live, "the failed stack was deleted, and the deployment went on"
    assert "origin-secret" in secrets(account), "the deployment went on after the deletion"


# ------------------------------------------------------------------ secrets


@pytest.fixture
def site_stack(account):
    """What sam deploy would leave (sam is a stub here): the site's stack with its outputs."""
    import json

    if not account["env"]["SITE_GEN_BIN"]:
        pytest.fail("SITE_GEN_BIN must name a built site-gen (tests/steps/40-infra.sh builds it)")
    cloudfront = client(account, "cloudfront")
    distribution = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "preflight-test", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": "site.s3.amazonaws.com",
                                               "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    })["Distribution"]["Id"]
    body = {
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
        "Outputs": {"SiteUrl": {"Value": "https://d111111abcdef8.cloudfront.net"},
                    "BucketName": {"Value": {"Ref": "Bucket"}},
                    "DistributionId": {"Value": distribution}},
    }
    client(account, "cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(body))


def secrets(account):
    ssm = client(account, "ssm")
    found = ssm.get_parameters_by_path(Path=f"/{STACK}", WithDecryption=True)["Parameters"]
    assert all(p["Type"] == "SecureString" for p in found)
    return {p["Name"].rsplit("/", 1)[1]: p["Value"] for p in found}


def sam_deploys(account):
    log = account["tmp"] / "stub-calls.log"
    calls = [line.split() for line in log.read_text().splitlines()]
    calls = [c for c in calls if c[0].endswith("/sam") and c[1] == "deploy"]
    return [sam_overrides(c) for c in calls]


def test_the_first_deployment_creates_the_secrets_and_a_rotation_keeps_the_previous_one_accepted(account, site_stack):
    first = deploy(account, dry_run=False)
    assert first.returncode == 0, first.stdout + first.stderr
    made = secrets(account)
    assert set(made) == {"origin-secret", "client-key"}
    for value in made.values():
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value), "32 random bytes, base64url"
        assert value not in first.stdout + first.stderr, "a secret was printed"
    assert made["origin-secret"] != made["client-key"]
    [params] = sam_deploys(account)
    assert params["OriginSecret"] == made["origin-secret"] and params["ClientKey"] == made["client-key"]
    assert params["PreviousOriginSecret"] == ""

    # moto answers an unchanged template with an error, where AWS makes an empty change set that
    # `aws cloudformation deploy --no-fail-on-empty-changeset` passes over: the edge stack goes.
    edge = client(account, "cloudformation", "us-east-1")
    edge.delete_stack(StackName=f"{STACK}-edge")
    again = deploy(account, dry_run=False)
    assert again.returncode == 0, again.stderr
    assert secrets(account) == made, "a later deployment keeps them"

    (account["tmp"] / "stub-calls.log").unlink()
    edge.delete_stack(StackName=f"{STACK}-edge")
    rotated = deploy(account, "--rotate-origin-secret", dry_run=False)
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    during, after = sam_deploys(account)
    new = secrets(account)
    assert new["origin-secret"] != made["origin-secret"] and new["client-key"] == made["client-key"]
    # First both are accepted while CloudFront moves to the new one, then only the new one.
    assert (during["OriginSecret"], during["PreviousOriginSecret"]) == (new["origin-secret"], made["origin-secret"])
    assert (after["OriginSecret"], after["PreviousOriginSecret"]) == (new["origin-secret"], "")
    assert "origin-secret-previous" not in new, "the previous value is dropped once the edges have the new one"
    for value in (*new.values(), made["origin-secret"]):
        assert value not in rotated.stdout + rotated.stderr, "a secret was printed"
