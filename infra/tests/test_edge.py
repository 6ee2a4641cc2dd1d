"""What visitors get from CloudFront: clean URLs (Arabic ones too) that reach the built pages, a
Content-Security-Policy that the built pages satisfy, the security headers, and the site's own
404 page, while the form service's answers pass through uncached and untouched."""

import base64
import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest

from conftest import REPO, load_template
from built_site import BASE_URL, SITES

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'; "
    "upgrade-insecure-requests"
)


def distribution(resources):
    return resources["Distribution"]["Properties"]["DistributionConfig"]


def headers_policy(resources):
    return resources["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]


def csp(resources, captcha=None):
    """The pages' content policy: the strict one when no challenge provider is configured
    (`captcha` None), else the one opened to `captcha`'s origins from the template's mapping."""
    policy = headers_policy(resources)["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    condition, with_captcha, without = policy["Fn::If"]
    assert condition == "HasCaptcha"
    if captcha is None:
        return " ".join(without.split())
    text, names = with_captcha["Fn::Sub"]
    for name, value in captcha.items():
        text = text.replace("${" + name + "}", value)
    assert "${" not in text, f"a name of the policy is not given: {text}"
    return " ".join(text.split())


# ------------------------------------------------------------------ clean URLs


def run_viewer_request_function(resources, uris):
    """Runs the template's CloudFront Function on these URIs in Node and returns the new URIs."""
    node = shutil.which("node")
    if not node:
        pytest.fail("node is needed to run the CloudFront Function (tests/steps/40-infra.sh installs it)")
    code = resources["CleanUrlFunction"]["Properties"]["FunctionCode"]
    program = (
        code
        + "\nconst uris = JSON.parse(process.argv[1]);\n"
        + "console.log(JSON.stringify(uris.map(u => handler({request: {uri: u, method: 'GET',"
        + " querystring: {}, headers: {}, cookies: {}}}).uri)));\n"
    )
    result = subprocess.run([node, "-e", program, json.dumps(uris)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return dict(zip(uris, json.loads(result.stdout)))


def test_clean_urls_are_served_from_their_index_html(resources):
    arabic = quote("/سياسة-العلاقة")
    got = run_viewer_request_function(
        resources,
        ["/", "/policy/", "/policy", "/channels/phone/", arabic + "/", arabic,
         "/assets/site.3f2a9c1b.css", "/sitemap.xml", "/404.html", "/v1.0/x.y.svg"],
    )
    assert got == {
        "/": "/index.html",
        "/policy/": "/policy/index.html",
        "/policy": "/policy/index.html",
        "/channels/phone/": "/channels/phone/index.html",
        arabic + "/": arabic + "/index.html",
        arabic: arabic + "/index.html",
        "/assets/site.3f2a9c1b.css": "/assets/site.3f2a9c1b.css",
        "/sitemap.xml": "/sitemap.xml",
        "/404.html": "/404.html",
        "/v1.0/x.y.svg": "/v1.0/x.y.svg",
    }


class _Links(HTMLParser):
    """Every URL a page refers to, with the tag and attribute it is in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs = []  # (tag, attribute, value, line)
        self.inline = []  # (kind, text or attribute, line)
        self._in = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.inline.append(("event handler", f"{name}=", line))
            if name == "style":
                self.inline.append(("style attribute", value, line))
            if name in ("href", "src", "action", "poster", "data") and value is not None:
                self.refs.append((tag, name, value, line, attrs.get("rel", "")))
            if name == "srcset" and value:
                for part in value.split(","):
                    self.refs.append((tag, "src", part.strip().split(" ")[0], line, ""))
        if tag == "script" and "src" not in attrs:
            if attrs.get("type", "").lower() not in ("application/ld+json", "application/json"):
                self._in, self._text = ("inline script", line), []
        if tag == "style":
            self._in, self._text = ("style element", line), []

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._in and tag in ("script", "style"):
            kind, line = self._in
            self.inline.append((kind, "".join(self._text), line))
            self._in = None


def pages(out):
    return sorted(out.rglob("*.html"))


def page_url(out, page):
    path = "/" + page.relative_to(out).as_posix()
    return BASE_URL + (path[: -len("index.html")] if path.endswith("/index.html") else path)


@pytest.mark.parametrize("site", SITES)
def test_every_internal_link_reaches_a_built_file_through_cloudfront(site, built_sites, resources):
    """Each link of each page, requested as a browser would (percent-encoded), rewritten by the
    CloudFront Function and looked up in the bucket as S3 does (decoded), finds its file."""
    out = built_sites[site]
    targets = {}
    for page in pages(out):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attr, value, line, _ in parser.refs:
            if tag == "form" or value.startswith(("mailto:", "tel:", "data:", "#", "https://wa.me")):
                continue
            url = urlsplit(urljoin(page_url(out, page), value))
            if f"{url.scheme}://{url.netloc}" != BASE_URL or url.path.startswith("/api/"):
                continue
            encoded = quote(unquote(url.path), safe="/")
            targets.setdefault(encoded, f"{page.relative_to(out)}:{line} ({tag} {attr}={value})")
    assert targets, f"no internal link found in the {site} site"
    rewritten = run_viewer_request_function(resources, sorted(targets))
    missing = [
        f"{targets[uri]} -> {unquote(key)}"
        for uri, key in rewritten.items()
        if not (out / unquote(key).lstrip("/")).is_file()
    ]
    assert not missing, "links that would answer the 404 page:\n" + "\n".join(missing)


# ------------------------------------------------------------------ Content-Security-Policy


def test_the_policy_is_the_strict_one(resources):
    assert csp(resources) == STRICT_CSP


@pytest.mark.parametrize("provider", ["turnstile", "hcaptcha"])
def test_a_challenge_provider_opens_the_policy_to_its_origins_only(provider, template, resources):
    """With a provider configured, its origins are let in for its script, frame and calls, and
    every other directive stays as strict as without one."""
    origins = template["Mappings"]["Captcha"][provider]
    policy = directives(csp(resources, origins))
    strict = directives(STRICT_CSP)
    expected = set(origins["Origins"].split())
    for name in ("script-src", "connect-src"):
        assert set(policy[name]) == {"'self'"} | expected, name
    assert set(policy["frame-src"]) == expected
    for name, sources in strict.items():
        if name not in ("script-src", "style-src"):
            assert policy[name] == sources, name
    assert "'unsafe-eval'" not in " ".join(policy["script-src"])


def directives(policy):
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def allowed_inline(sources, text):
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return "'unsafe-inline'" in sources or f"'sha256-{digest}'" in sources


def allowed_source(sources, url):
    if url.startswith("data:"):
        return "data:" in sources
    absolute = urlsplit(urljoin(BASE_URL + "/", url))
    if f"{absolute.scheme}://{absolute.netloc}" == BASE_URL:
        return "'self'" in sources
    return any(s == f"{absolute.scheme}://{absolute.netloc}" for s in sources)


@pytest.mark.parametrize("site", SITES)
def test_the_built_pages_satisfy_the_content_security_policy(site, built_sites, resources):
    policy = directives(csp(resources))
    fallback = policy["default-src"]
    src = {
        "script": policy.get("script-src", fallback),
        "style": policy.get("style-src", fallback),
        "img": policy.get("img-src", fallback),
        "font": policy.get("font-src", fallback),
        "form": policy.get("form-action", ["*"]),
    }
    out = built_sites[site]
    violations = []
    for page in pages(out):
        where = page.relative_to(out)
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for kind, text, line in parser.inline:
            sources = src["script"] if kind in ("inline script", "event handler") else src["style"]
            if kind == "event handler" or not allowed_inline(sources, text):
                violations.append(f"{where}:{line}: {kind} (not allowed by the policy)")
        for tag, attr, value, line, rel in parser.refs:
            if value.strip().lower().startswith("javascript:"):
                violations.append(f"{where}:{line}: javascript: URL")
            kind = {"script": "script", "img": "img", "source": "img", "form": "form"}.get(tag)
            if tag == "link" and "stylesheet" in rel:
                kind = "style"
            if tag == "link" and ("preload" in rel or "icon" in rel):
                kind = "img" if "icon" in rel else None
            if tag in ("iframe", "object", "embed", "frame"):
                violations.append(f"{where}:{line}: <{tag}> (object-src 'none', no frames)")
            if tag == "base" and not allowed_source(policy.get("base-uri", ["*"]), value):
                violations.append(f"{where}:{line}: <base href={value}>")
            if kind and not allowed_source(src[kind], value):
                violations.append(f"{where}:{line}: <{tag} {attr}={value}> from a source the policy forbids")
    assert not violations, f"the {site} site breaks the CSP of infra/template.yaml:\n" + "\n".join(violations)


# ------------------------------------------------------------------ headers and errors


def test_every_response_gets_the_security_headers(resources):
    config = distribution(resources)
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    site = [b for b in behaviours if not is_editor(b)]
    assert all(b["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"} for b in site)
    security = headers_policy(resources)["SecurityHeadersConfig"]
    hsts = security["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 63072000 and hsts["IncludeSubdomains"] is True
    assert hsts["Preload"] == {"Fn::If": ["HasCustomDomain", True, False]}
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    assert "ContentTypeOptions" in security
    assert all(h.get("Override") is True for h in security.values())
    custom = {h["Header"]: " ".join(h["Value"].split()) for h in headers_policy(resources)["CustomHeadersConfig"]["Items"]}
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in custom["Permissions-Policy"]


def test_the_form_service_is_never_cached_and_takes_posts(resources):
    [api] = [b for b in distribution(resources)["CacheBehaviors"] if b["TargetOriginId"] == "api"]
    assert api["PathPattern"] == "/api/*"
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert "POST" in api["AllowedMethods"]
    assert "FunctionAssociations" not in api, "the clean-URL rewrite must not touch /api/*"
    default = distribution(resources)["DefaultCacheBehavior"]
    assert default["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": ["CleanUrlFunction", "FunctionMetadata.FunctionARN"]}}
    ]


@pytest.mark.parametrize("site", SITES)
def test_missing_pages_get_the_sites_404_page_and_the_services_errors_pass(site, built_sites, resources):
    """S3 answers 403 for a missing key (CloudFront may not list the bucket); only that status is
    replaced, by the site's own 404.html, so the service's 4xx and 5xx answers reach the visitor."""
    assert distribution(resources)["CustomErrorResponses"] == [
        {"ErrorCode": 403, "ResponseCode": 404, "ResponsePagePath": "/404.html", "ErrorCachingMinTTL": 10}
    ]
    assert (built_sites[site] / "404.html").is_file()
    statements = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    granted = [a for s in statements if s["Effect"] == "Allow" for a in [s["Action"]]]
    assert granted == ["s3:GetObject"], "with s3:ListBucket, S3 would answer 404 and the mapping would miss it"


def test_the_bucket_is_private_versioned_and_tls_only(resources):
    bucket = resources["SiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    statements = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    [allow] = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "AWS:SourceArn" in allow["Condition"]["StringEquals"]
    [deny] = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_submissions_survive_the_stack(resources):
    table = resources["SubmissionsTable"]
    assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["DeletionProtectionEnabled"] is True
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["SSESpecification"]["SSEEnabled"] is True


def test_alarms_reach_the_alarm_email(resources):
    alarms = {n: r["Properties"] for n, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    watched = set()
    for props in alarms.values():
        assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        metrics = [props.get("MetricName")] + [
            m["MetricStat"]["Metric"]["MetricName"] for m in props.get("Metrics", []) if "MetricStat" in m
        ]
        watched.update(m for m in metrics if m)
    assert {"Errors", "5xx", "ReadThrottleEvents", "WriteThrottleEvents"} <= watched
    assert resources["AlarmTopic"]["Properties"]["Subscription"] == [
        {"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}
    ]


@pytest.mark.parametrize("path", ["infra/template.yaml", "infra/edge.yaml"])
def test_every_checkov_skip_gives_its_reason(path):
    for name, resource in load_template(REPO / path)["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"])
            assert len(skip.get("comment", "").split()) >= 8, f"{name}: {skip['id']} has no real reason"


# ------------------------------------------------------------------ the browser editor (/admin/)

EDITOR_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https://avatars.githubusercontent.com; font-src 'self'; "
    "connect-src 'self' data: https://api.github.com; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; upgrade-insecure-requests"
)


def is_editor(behaviour):
    return behaviour.get("PathPattern") in ("/admin", "/admin/*")


def directives(policy):
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def test_the_editor_has_its_own_policy_and_the_site_keeps_its_own(resources):
    """/admin/ (and /admin, which the clean-URL rewrite serves from /admin/index.html) gets the
    editor's headers: scripts, fonts and styles from the site only, its calls to GitHub's API
    alone, never eval; every other path the site's strict policy, unchanged."""
    behaviours = distribution(resources)["CacheBehaviors"]
    editor = [b for b in behaviours if is_editor(b)]
    assert sorted(b["PathPattern"] for b in editor) == ["/admin", "/admin/*"]
    default = distribution(resources)["DefaultCacheBehavior"]
    for b in editor:
        assert b["ResponseHeadersPolicyId"] == {"Ref": "EditorHeadersPolicy"}
        assert b["TargetOriginId"] == "site"
        assert b["FunctionAssociations"] == default["FunctionAssociations"]
        assert b["CachePolicyId"] == default["CachePolicyId"]
        assert b["ViewerProtocolPolicy"] == "redirect-to-https"
        assert b["AllowedMethods"] == ["GET", "HEAD"]
    # The API's behaviour comes first: CloudFront takes the first pattern that matches.
    assert behaviours[0]["PathPattern"] == "/api/*"

    config = resources["EditorHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    policy = " ".join(config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"].split())
    assert policy == EDITOR_CSP
    d = directives(policy)
    assert d["script-src"] == ["'self'"], "no script from elsewhere, no inline script, no eval"
    assert "'unsafe-eval'" not in policy
    assert all(not s.startswith("https://") or s.endswith("github.com") or s.endswith("githubusercontent.com")
               for values in d.values() for s in values), "no host but GitHub's"
    assert csp(resources) == STRICT_CSP, "the site's own policy is unchanged"

    site = headers_policy(resources)["SecurityHeadersConfig"]
    mine = config["SecurityHeadersConfig"]
    for header in ("StrictTransportSecurity", "ContentTypeOptions", "FrameOptions", "ReferrerPolicy"):
        assert mine[header] == site[header], header
    assert all(h.get("Override") is True for h in mine.values())


def test_the_editor_files_can_be_published(built_sites):
    """infra/deploy refuses a file whose kind it has no content type for: the editor's
    configuration (.yml), fonts (.woff2) and image encoders (.wasm) must be among them."""
    text = (REPO / "infra" / "deploy").read_text(encoding="utf-8")
    types = re.search(r"CONTENT_TYPES=\((.*?)\n\)", text, re.S).group(1)
    known = {ext for entry in re.findall(r'"([^"=]+)=', types) for ext in entry.split()}
    editor = REPO / "admin" / "dist"
    extensions = {"yml"}
    if editor.is_dir():
        extensions |= {p.suffix.lstrip(".") for p in editor.rglob("*") if p.is_file()}
    else:
        extensions |= {"js", "woff2", "wasm", "png", "txt"}
    assert extensions <= known, f"no content type for: {sorted(extensions - known)}"
