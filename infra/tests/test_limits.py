"""What keeps one client from locking every beneficiary out, and a flood from becoming a bill: the
per-visitor limit at the edge (AWS WAF, infra/edge.yaml) and the site's Arabic page it sends to,
DynamoDB's on-demand ceilings, the cost budget, and logs kept 90 days unless chosen otherwise."""

import re

import pytest

from built_site import SITES
from conftest import REPO, load_template

EDGE = REPO / "infra" / "edge.yaml"


@pytest.fixture(scope="module")
def edge():
    return load_template(EDGE)


def distribution(resources):
    return resources["Distribution"]["Properties"]["DistributionConfig"]


def test_each_visitor_has_a_limit_on_the_form_service_at_the_edge(edge):
    """A rate-based rule keyed on the visitor's address, counting /api/* only (pages are cached
    files), blocks past the limit with a custom response: AWS WAF's default block is a 403, which
    the distribution would turn into the 404 page."""
    [acl] = [r for r in edge["Resources"].values() if r["Type"] == "AWS::WAFv2::WebACL"]
    props = acl["Properties"]
    assert props["Scope"] == "CLOUDFRONT"
    assert props["DefaultAction"] == {"Allow": {}}
    [rule] = props["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["Limit"] == {"Ref": "ApiRequestsPerVisitor"}
    match = rate["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"UriPath": {}}
    assert (match["PositionalConstraint"], match["SearchString"]) == ("STARTS_WITH", "/api/")
    response = rule["Action"]["Block"]["CustomResponse"]
    headers = {h["Name"].lower(): h["Value"] for h in response["ResponseHeaders"]}
    assert response["ResponseCode"] == 303 and headers["location"] == "/429.html"
    assert edge["Parameters"]["ApiRequestsPerVisitor"]["MinValue"] >= 10, "AWS WAF's smallest limit"
    # Sampled requests would keep visitors' addresses in the console.
    assert props["VisibilityConfig"]["SampledRequestsEnabled"] is False
    assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is False


def test_the_distribution_uses_the_edge_web_acl(edge, resources, template):
    assert distribution(resources)["WebACLId"] == {"Ref": "EdgeWebAclArn"}
    assert edge["Outputs"]["WebAclArn"]["Value"] == {"Fn::GetAtt": ["EdgeWebAcl", "Arn"]}
    assert "us-east-1" in template["Parameters"]["EdgeWebAclArn"]["AllowedPattern"]


@pytest.mark.parametrize("site", SITES)
def test_a_visitor_past_the_limit_gets_the_sites_arabic_page(site, built_sites, resources):
    """The page AWS WAF sends the visitor to is built with the site, says in Arabic that nothing
    was saved and to try again in a few minutes, and is left out of search engines. CloudFront
    cannot put it on a 429 itself: its custom error responses do not take that status."""
    page = (built_sites[site] / "429.html").read_text(encoding="utf-8")
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "حاول مرة أخرى" in page and "لم يُحفظ ما أرسلته" in page
    assert "noindex" in page
    assert 429 not in {e["ErrorCode"] for e in distribution(resources)["CustomErrorResponses"]}


def test_the_table_has_on_demand_ceilings_on_itself_and_its_index(resources, template):
    table = resources["SubmissionsTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    ceiling = {"MaxReadRequestUnits": {"Ref": "TableMaxReadUnits"},
               "MaxWriteRequestUnits": {"Ref": "TableMaxWriteUnits"}}
    assert table["OnDemandThroughput"] == ceiling
    assert all(index["OnDemandThroughput"] == ceiling for index in table["GlobalSecondaryIndexes"])
    for name in ("TableMaxReadUnits", "TableMaxWriteUnits"):
        assert template["Parameters"][name]["Default"] >= template["Parameters"]["ApiBurstLimit"]["Default"]


def test_a_budget_warns_the_alarm_address_before_the_month_ends(edge):
    [budget] = [r["Properties"] for r in edge["Resources"].values() if r["Type"] == "AWS::Budgets::Budget"]
    assert budget["Budget"]["BudgetType"] == "COST" and budget["Budget"]["TimeUnit"] == "MONTHLY"
    assert budget["Budget"]["BudgetLimit"] == {"Amount": {"Ref": "MonthlyBudget"}, "Unit": "USD"}
    kinds = {n["Notification"]["NotificationType"] for n in budget["NotificationsWithSubscribers"]}
    assert kinds == {"ACTUAL", "FORECASTED"}
    for n in budget["NotificationsWithSubscribers"]:
        assert n["Subscribers"] == [{"SubscriptionType": "EMAIL", "Address": {"Ref": "AlarmEmail"}}]


def test_logs_are_kept_90_days_by_default(resources, template):
    assert template["Parameters"]["LogRetentionDays"]["Default"] == 90
    groups = [r for r in resources.values() if r["Type"] == "AWS::Logs::LogGroup"]
    assert groups and all(g["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"} for g in groups)


def test_the_site_answers_on_its_domain_and_its_twin(resources, template):
    """The apex and www. are one site; an Arabic domain is given in punycode."""
    aliases = distribution(resources)["Aliases"]
    assert aliases == {"Fn::If": ["HasCustomDomain",
                                  {"Fn::If": ["HasAlternateDomain",
                                              [{"Ref": "DomainName"}, {"Ref": "AlternateDomainName"}],
                                              [{"Ref": "DomainName"}]]},
                                  {"Ref": "AWS::NoValue"}]}
    for name in ("DomainName", "AlternateDomainName"):
        pattern = re.compile(template["Parameters"][name]["AllowedPattern"])
        for good in ("", "www.example.org.sa", "example.org.sa", "xn--mgbaakc7dvf.xn--mgberp4a5d4ar",
                     "www.xn--mgbaakc7dvf.xn--mgberp4a5d4ar"):
            assert pattern.fullmatch(good), (name, good)
        for bad in ("Example.org", "example", "جمعية.السعودية", "example.org.", "-x.org"):
            assert not pattern.fullmatch(bad), (name, bad)
