"""infra/publish for real, with the real AWS CLI, against moto: an AWS-compatible server run on
127.0.0.1 (S3, CloudFront and CloudFormation over HTTP), holding a stack with the outputs of
infra/template.yaml. What staff care about after the annual review: every page is uploaded with
its content type and caching, removed pages disappear but stay in the bucket's history, a broken
content folder or forms the deployed service would not accept publish nothing."""

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request

import boto3
import pytest

from commands import PUBLISH, forms_digest, run
from conftest import REPO

STACK = "publish-test"
REGION = "us-east-1"
SITE_URL = "https://d111111abcdef8.cloudfront.net"
IMMUTABLE = "public, max-age=31536000, immutable"
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}[^/]*\.[a-z0-9]+$")
TYPES = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "svg": "image/svg+xml",
    "ico": "image/x-icon",
    "webmanifest": "application/manifest+json",
    "png": "image/png",
    "woff2": "font/woff2",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def aws_env(tmp_path_factory):
    """moto on a loopback port, and the environment that sends the AWS CLI there."""
    moto = shutil.which("moto_server")
    aws = shutil.which("aws")
    if not moto or not aws:
        pytest.fail("moto_server and aws are needed (tests/steps/40-infra.sh installs them)")
    if not os.environ.get("SITE_GEN_BIN"):
        pytest.fail("SITE_GEN_BIN must name a built site-gen (tests/steps/40-infra.sh builds it)")
    port = free_port()
    home = tmp_path_factory.mktemp("home")
    server = subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    # Up to a minute: the test command's other steps share the processors, and moto's imports
    # alone take seconds on a busy machine.
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.1)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "SITE_GEN_BIN": os.environ["SITE_GEN_BIN"],
    }
    yield env
    server.terminate()
    server.wait(timeout=10)


def aws(env, *args):
    result = subprocess.run(["aws", *args, "--output", "json"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A copy of the default site that the tests may change."""
    folder = tmp_path_factory.mktemp("site") / "content"
    shutil.copytree(REPO / "content", folder)
    (folder / "pages").mkdir(exist_ok=True)
    (folder / "pages" / "trial.md").write_text(
        "---\ntitle: صفحة للتجربة\nslug: trial\n---\nصفحة تحذف في النشر التالي.\n", encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def stack(aws_env, site):
    """A stack with the outputs that infra/deploy leaves: the bucket, the distribution, the forms
    digest of the site's current forms."""
    digest = forms_digest(run(PUBLISH, ["--dry-run", "--stack-name", STACK, "--region", REGION,
                                        "--site", str(site)], aws_env).stdout)
    distribution = aws(aws_env, "cloudfront", "create-distribution", "--distribution-config", json.dumps({
        "CallerReference": "publish-test", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": "site.s3.amazonaws.com",
                                               "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    }))["Distribution"]["Id"]
    body = {
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket",
                                 "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}}},
        "Outputs": {
            "SiteUrl": {"Value": SITE_URL},
            "BucketName": {"Value": {"Ref": "Bucket"}},
            "DistributionId": {"Value": distribution},
            "FormsDigest": {"Value": digest},
        },
    }
    aws(aws_env, "cloudformation", "create-stack", "--stack-name", STACK, "--template-body", json.dumps(body))
    outputs = aws(aws_env, "cloudformation", "describe-stacks", "--stack-name", STACK)["Stacks"][0]["Outputs"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in outputs}
    # moto's CloudFormation leaves out VersioningConfiguration; the template's bucket has it on.
    aws(aws_env, "s3api", "put-bucket-versioning", "--bucket", outputs["BucketName"],
        "--versioning-configuration", "Status=Enabled")
    return outputs


def publish(env, site):
    return run(PUBLISH, ["--stack-name", STACK, "--region", REGION, "--site", str(site)], env)


def objects(env, bucket):
    listed = aws(env, "s3api", "list-objects-v2", "--bucket", bucket) or {}
    return {o["Key"]: o["ETag"] for o in listed.get("Contents", [])}


def built(env):
    out = REPO / "target" / "infra" / f"site-{STACK}"
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_every_file_is_uploaded_with_its_type_and_caching(aws_env, stack, site):
    result = publish(aws_env, site)
    assert result.returncode == 0, result.stderr
    assert f"published {SITE_URL}" in result.stdout
    files = built(aws_env)
    assert set(objects(aws_env, stack["BucketName"])) == files
    # One SDK client reads every object's headers (an AWS CLI call per file would be slow).
    s3 = boto3.client("s3", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name=REGION,
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    for key in sorted(files):
        head = s3.head_object(Bucket=stack["BucketName"], Key=key)
        ext = key.rsplit(".", 1)[1].lower()
        if ext in TYPES:
            assert head["ContentType"] == TYPES[ext], key
        if FINGERPRINTED.search(key) and ext != "html":
            assert head["CacheControl"] == IMMUTABLE, key
        else:
            assert head["CacheControl"] == "no-cache", key
    assert "index.html" in files and "404.html" in files


def test_the_distribution_is_invalidated(aws_env, stack):
    listed = aws(aws_env, "cloudfront", "list-invalidations", "--distribution-id", stack["DistributionId"])
    items = listed["InvalidationList"].get("Items", [])
    assert items, "no invalidation after a publish"
    detail = aws(aws_env, "cloudfront", "get-invalidation", "--distribution-id", stack["DistributionId"],
                 "--id", items[0]["Id"])
    assert detail["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/*"]


def test_a_page_removed_from_the_content_is_removed_but_kept_in_history(aws_env, stack, site):
    before = objects(aws_env, stack["BucketName"])
    assert "trial/index.html" in before
    (site / "pages" / "trial.md").unlink()
    result = publish(aws_env, site)
    assert result.returncode == 0, result.stderr
    after = objects(aws_env, stack["BucketName"])
    gone = set(before) - set(after)
    assert gone == {"trial/index.html"}
    versions = aws(aws_env, "s3api", "list-object-versions", "--bucket", stack["BucketName"])
    kept = {v["Key"] for v in versions.get("Versions", [])}
    assert gone <= kept, "a removed page's last version stays for a rollback"


def test_a_broken_content_folder_publishes_nothing(aws_env, stack, site, tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(site, broken)
    page = next(broken.glob("policy/*.md"))
    page.write_text("---\ntitle: [\n---\nنص\n", encoding="utf-8")
    before = objects(aws_env, stack["BucketName"])
    result = publish(aws_env, broken)
    assert result.returncode != 0
    assert re.search(r"policy/[^:\s]+\.md:\d+:\d+", result.stderr), result.stderr
    assert objects(aws_env, stack["BucketName"]) == before


def test_forms_the_deployed_service_would_not_accept_are_not_published(aws_env, stack, site, tmp_path):
    changed = tmp_path / "content"
    shutil.copytree(site, changed)
    form = next(changed.glob("forms/*.yaml"))
    form.write_text(form.read_text(encoding="utf-8") + "\n# حقل جديد\n", encoding="utf-8")
    before = objects(aws_env, stack["BucketName"])
    result = publish(aws_env, changed)
    assert result.returncode == 1
    assert "Run infra/deploy instead" in result.stderr
    assert objects(aws_env, stack["BucketName"]) == before
