"""The template as CloudFormation receives it: transformed by AWS SAM's own translator, exactly as
`sam deploy` has CloudFormation do, then linted again, so that what SAM generates (the HTTP API's
routes, its stage, the function's permissions) is checked as well as what is written."""

import copy
import json
import os
import shutil
import subprocess

import pytest
from samtranslator.translator.transform import transform

from conftest import load_template, resources_of_type
from service_code import routes_in_router


class _NoManagedPolicies:
    """SAM's loader of AWS managed policies: the template uses none."""

    def load(self):
        return {}


@pytest.fixture(scope="module")
def transformed():
    template = load_template()
    # `sam deploy` uploads the built function and writes its S3 address here.
    template["Resources"]["FormFunction"]["Properties"]["CodeUri"] = "s3://artifacts/form-fn.zip"
    template["Resources"]["NotifierFunction"]["Properties"]["CodeUri"] = "s3://artifacts/notifier.zip"
    region = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = "me-central-1"
    try:
        return transform(copy.deepcopy(template), {"AlarmEmail": "ops@example.org"}, _NoManagedPolicies())
    finally:
        if region is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = region


def test_the_generated_api_serves_exactly_the_routers_routes_with_the_function(transformed):
    paths = transformed["Resources"]["HttpApi"]["Properties"]["Body"]["paths"]
    routes = set()
    for path, methods in paths.items():
        for method, operation in methods.items():
            routes.add(f"{method.upper()} {path}")
            integration = operation["x-amazon-apigateway-integration"]
            assert "${FormFunction.Arn}" in integration["uri"]["Fn::Sub"]
            assert integration["payloadFormatVersion"] == "2.0"
    assert routes == routes_in_router()


def test_the_generated_stage_is_throttled_and_logged(transformed):
    [stage] = resources_of_type(transformed, "AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    assert props["StageName"] == "$default"
    assert props["DefaultRouteSettings"] == {
        "ThrottlingRateLimit": {"Ref": "ApiRateLimit"},
        "ThrottlingBurstLimit": {"Ref": "ApiBurstLimit"},
    }
    assert props["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert "$context.identity.sourceIp" not in props["AccessLogSettings"]["Format"], "no IP addresses"


def test_sam_adds_no_role_or_policy_of_its_own(transformed, template):
    for kind in ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        assert set(resources_of_type(transformed, kind)) == set(resources_of_type(template, kind)), kind
    permissions = resources_of_type(transformed, "AWS::Lambda::Permission").values()
    # The HTTP API invokes the service; the digest's schedule (EventBridge) the notifier.
    assert {p["Properties"]["Principal"] for p in permissions} == {"apigateway.amazonaws.com", "events.amazonaws.com"}


def test_the_transformed_template_passes_cfn_lint(transformed, tmp_path):
    cfn_lint = shutil.which("cfn-lint")
    if not cfn_lint:
        pytest.fail("cfn-lint is needed (tests/steps/40-infra.sh installs it)")
    path = tmp_path / "transformed.json"
    path.write_text(json.dumps(transformed), encoding="utf-8")
    result = subprocess.run([cfn_lint, path.name], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
