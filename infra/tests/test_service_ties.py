"""The template and the form service's code must agree, so that neither can drift from the other.

Each test reads form-fn's Rust source (the environment it reads, the DynamoDB calls it makes, the
table's names, its routes) and compares it with infra/template.yaml. When the code changes, the
test that fails names the line of the template to change."""

import re
import tomllib

import pytest

from conftest import FORM_FN, REPO, enclosing_fn, line_of, strip_comments_and_tests
from service_code import COMMAND_ONLY_FUNCTIONS, NOT_IN_THE_LAMBDA, routes_in_router, service_sources

# Functions of the service's files that run only outside Lambda, and why.
LOCAL_ONLY_FUNCTIONS = {
    ("form-fn/src/table.rs", "create_if_missing"): "creates the table for the local store and the "
    "tests; in AWS the template creates it, so the Lambda may not describe or create tables",
}
# The only functions allowed to call those.
LOCAL_ONLY_CALLERS = {"serve_locally"}

# Environment variables the service reads that the template deliberately leaves unset.
NOT_SET_IN_AWS = {
    "AWS_ENDPOINT_URL_DYNAMODB": "points the SDK at a local DynamoDB-compatible server; in AWS "
    "the SDK's own regional endpoint is the right one",
    "AWS_LAMBDA_RUNTIME_API": "set by Lambda itself in every function's environment",
    "PORT": "the local server's port; under Lambda the service listens on none",
    "FORMS_DATA_FILE": "the embedded development store's file; the Lambda is built without it",
    "FORMS_CORS_ORIGINS": "CloudFront serves the site and /api/* from one origin, so no other "
    "origin needs CORS",
    "FORMS_SUBMISSIONS_PER_CLIENT": "the per-client submission limit; its default (the service's "
    "DEFAULT_SUBMISSIONS_PER_CLIENT) is the deployed value, tests lower or lift it",
    "FORMS_CAPTCHA_VERIFY_URL": "a stand-in of the challenge provider in tests; in AWS the "
    "provider's own verify address is used",
    "FORMS_OUTBOX_DIR": "where the local service writes e-mails as .eml files; under Lambda it "
    "drains no outbox (the notifier does, from the table's stream)",
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "points the staff sign-in at a test server "
    "(moto); in AWS the SDK's regional endpoint is the right one",
    "FORMS_STAFF": "names the staff member of the local one-time link (feature `local`); the "
    "Lambda is built without it",
}

# Set by the template ahead of the service change that reads them (merged separately). Once
# form-fn reads one, the test below fails until its entry here is removed.
SET_BEFORE_THE_SERVICE_READS_IT: dict[str, str] = {}


def test_the_listed_exceptions_still_exist():
    for path in NOT_IN_THE_LAMBDA:
        assert (REPO / path).is_file(), (
            f"{path} is listed in NOT_IN_THE_LAMBDA but no longer exists: update the list in "
            "infra/tests/test_service_ties.py, or its calls would no longer be checked"
        )


def function(resources):
    return resources["FormFunction"]["Properties"]


# ------------------------------------------------------------------ environment


def env_vars_read():
    found, problems = {}, []
    for path, code in service_sources():
        for m in re.finditer(r"\benv::var(?:_os)?\s*\(\s*([^)]*)\)", code):
            arg = m.group(1).strip()
            literal = re.fullmatch(r'"([A-Za-z0-9_]+)"', arg)
            if literal:
                found.setdefault(literal.group(1), f"{path}:{line_of(code, m.start())}")
            else:
                problems.append(f"{path}:{line_of(code, m.start())}: env::var({arg}) is not a literal name")
    assert not problems, "write every environment variable the service reads as a literal:\n" + "\n".join(problems)
    if not found:
        pytest.fail("form-fn/src reads no environment variable (env::var(\"...\")): cannot check "
                    "that the template sets them; has the configuration moved?")
    return found


def test_every_environment_variable_the_service_reads_is_set_or_deliberately_unset(resources):
    read = env_vars_read()
    set_ = set(function(resources)["Environment"]["Variables"])
    unset_and_unexplained = {
        name: where for name, where in read.items() if name not in set_ and name not in NOT_SET_IN_AWS
    }
    assert not unset_and_unexplained, (
        "the service reads these, but infra/template.yaml (FormFunction > Environment) does not "
        f"set them: {unset_and_unexplained}. Set them there, or list them in NOT_SET_IN_AWS with "
        "the reason."
    )


def test_the_template_sets_nothing_the_service_does_not_read(resources):
    read = env_vars_read()
    awaited_but_read = set(SET_BEFORE_THE_SERVICE_READS_IT) & set(read)
    assert not awaited_but_read, (
        f"form-fn now reads {sorted(awaited_but_read)}: remove it from SET_BEFORE_THE_SERVICE_READS_IT"
    )
    unread = set(function(resources)["Environment"]["Variables"]) - set(read) - set(SET_BEFORE_THE_SERVICE_READS_IT)
    assert not unread, f"infra/template.yaml sets {sorted(unread)}, which form-fn never reads"
    stale = set(NOT_SET_IN_AWS) - set(read)
    assert not stale, f"NOT_SET_IN_AWS explains {sorted(stale)}, which form-fn no longer reads"


def test_the_service_is_given_its_table_and_log_filter(resources):
    variables = function(resources)["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": "SubmissionsTable"}
    assert variables["RUST_LOG"] == {"Ref": "LogLevel"}


def test_cloudfront_sends_the_value_by_which_the_service_recognises_it(resources, template):
    """The function trusts CloudFront-Viewer-Address, and answers at all, only when the request
    carries X-Origin-Verify with one of the values of FORMS_ORIGIN_VERIFY (`current,previous`
    during a rotation): the API origin must send the current one, or every form would answer
    404; and the secret is a NoEcho parameter (kept in SSM by infra/deploy), not the stack's id."""
    code = "\n".join(text for _, text in service_sources())
    assert '"FORMS_ORIGIN_VERIFY"' in code and '"x-origin-verify"' in code
    accepted = function(resources)["Environment"]["Variables"]["FORMS_ORIGIN_VERIFY"]
    assert accepted == {"Fn::If": ["HasPreviousOriginSecret",
                                   {"Fn::Sub": "${OriginSecret},${PreviousOriginSecret}"},
                                   {"Ref": "OriginSecret"}]}
    origins = resources["Distribution"]["Properties"]["DistributionConfig"]["Origins"]
    api = next(o for o in origins if o["Id"] == "api")
    sent = {h["HeaderName"].lower(): h["HeaderValue"] for h in api.get("OriginCustomHeaders", [])}
    assert sent.get("x-origin-verify") == {"Ref": "OriginSecret"}
    assert "AWS::StackId" not in str(template), "the stack's id is shown in consoles and tags"


def test_the_secrets_are_never_echoed(template, resources):
    """What infra/deploy keeps in SSM Parameter Store reaches the stack as NoEcho parameters only."""
    params = template["Parameters"]
    for name in ("OriginSecret", "PreviousOriginSecret", "ClientKey", "CaptchaSecret"):
        assert params[name].get("NoEcho") is True, name
        assert "Default" not in params[name] or params[name]["Default"] == "", name
    assert function(resources)["Environment"]["Variables"]["FORMS_CLIENT_KEY"] == {"Ref": "ClientKey"}
    def referenced(node):
        if isinstance(node, dict):
            return {v for k, v in node.items() if k == "Ref"} | {r for v in node.values() for r in referenced(v)}
        if isinstance(node, list):
            return {r for v in node for r in referenced(v)}
        if isinstance(node, str):
            return set(re.findall(r"\$\{(\w+)\}", node))
        return set()

    assert function(resources)["Environment"]["Variables"]["FORMS_CAPTCHA_SECRET"] == {"Ref": "CaptchaSecret"}
    assert not {"OriginSecret", "PreviousOriginSecret", "ClientKey", "CaptchaSecret"} & referenced(template["Outputs"])


# ------------------------------------------------------------------ DynamoDB permissions

# SDK operations (the fluent builder's method) and the IAM action each needs.
OPERATIONS = {
    "get_item": "dynamodb:GetItem",
    "put_item": "dynamodb:PutItem",
    "update_item": "dynamodb:UpdateItem",
    "delete_item": "dynamodb:DeleteItem",
    "query": "dynamodb:Query",
    "scan": "dynamodb:Scan",
    "batch_get_item": "dynamodb:BatchGetItem",
    "batch_write_item": "dynamodb:BatchWriteItem",
    "describe_table": "dynamodb:DescribeTable",
    "create_table": "dynamodb:CreateTable",
    "update_table": "dynamodb:UpdateTable",
    "delete_table": "dynamodb:DeleteTable",
    "list_tables": "dynamodb:ListTables",
    "describe_time_to_live": "dynamodb:DescribeTimeToLive",
    "update_time_to_live": "dynamodb:UpdateTimeToLive",
    # Transactions have no IAM action of their own: each item needs its operation's (below).
    "transact_write_items": None,
    "transact_get_items": None,
}
# What a transaction's items need, by the SDK type the item is built with.
TRANSACTION_ITEMS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}
UNMAPPED = ("execute_statement", "batch_execute_statement", "execute_transaction")


def dynamodb_actions_called():
    """{IAM action: first place in the service's code that needs it}."""
    actions, problems = {}, []
    for path, code in service_sources():
        for m in re.finditer(r"\.([a-z_]+)\s*\(\s*\)", code):
            op = m.group(1)
            where = f"{path}:{line_of(code, m.start())}"
            if op in UNMAPPED:
                problems.append(f"{where}: .{op}() (PartiQL) has no mapping to IAM actions here")
            if op not in OPERATIONS:
                continue
            if (path, enclosing_fn(code, m.start())) in LOCAL_ONLY_FUNCTIONS:
                continue
            if OPERATIONS[op]:
                actions.setdefault(OPERATIONS[op], where)
            else:
                for item in re.finditer(r"\b(Put|Update|Delete|ConditionCheck|Get)::builder\s*\(\s*\)", code):
                    actions.setdefault(TRANSACTION_ITEMS[item.group(1)], f"{path}:{line_of(code, item.start())}")
    assert not problems, "\n".join(problems)
    if not actions:
        pytest.fail("form-fn/src calls no DynamoDB operation (.get_item(), .put_item(), ...): cannot "
                    "check the Lambda's permissions; has the store moved?")
    return actions


def role_statements(resources):
    statements = []
    for policy in resources["FormFunctionRole"]["Properties"]["Policies"]:
        statements.extend(policy["PolicyDocument"]["Statement"])
    return statements


def as_list(value):
    return value if isinstance(value, list) else [value]


def test_the_lambda_may_call_exactly_the_dynamodb_operations_the_service_code_calls(resources):
    called = dynamodb_actions_called()
    granted = {
        action
        for statement in role_statements(resources)
        for action in as_list(statement["Action"])
        if action.startswith("dynamodb:")
    }
    missing = {a: where for a, where in called.items() if a not in granted}
    assert not missing, (
        f"the service calls these, but FormFunctionRole does not grant them: {missing}. Add them "
        "to the role's `submissions` policy in infra/template.yaml."
    )
    extra = granted - set(called)
    assert not extra, (
        f"FormFunctionRole grants {sorted(extra)}, which the service's code never calls: remove "
        "them (the staff command's operations run with staff credentials, not the Lambda's)."
    )


def test_the_dynamodb_permissions_cover_only_the_table_and_its_indexes(resources):
    for statement in role_statements(resources):
        actions = as_list(statement["Action"])
        assert all("*" not in a for a in actions), f"wildcard action in {statement}"
        assert statement["Effect"] == "Allow"
        if any(a.startswith("dynamodb:") for a in actions):
            assert all(a.startswith("dynamodb:") for a in actions)
            assert as_list(statement["Resource"]) == [
                {"Fn::GetAtt": ["SubmissionsTable", "Arn"]},
                {"Fn::Sub": "${SubmissionsTable.Arn}/index/*"},
            ]
        elif any(a.startswith("cognito-idp:") for a in actions):
            assert all(a.startswith("cognito-idp:") for a in actions)
            assert statement["Resource"] == {"Fn::GetAtt": ["StaffUserPool", "Arn"]}
        else:
            assert set(actions) == {"logs:CreateLogStream", "logs:PutLogEvents"}
            assert statement["Resource"] == {"Fn::GetAtt": ["FormFunctionLogGroup", "Arn"]}


# Cognito calls that need no IAM permission: the sign-in itself, made with the user's password,
# session or access token.
COGNITO_PUBLIC_CALLS = {
    "initiate_auth",
    "respond_to_auth_challenge",
    "associate_software_token",
    "verify_software_token",
}


def cognito_actions_called():
    """{IAM action: first place in the service's code that needs it} for the Cognito calls."""
    actions = {}
    for path, code in service_sources():
        if "aws_sdk_cognitoidentityprovider" not in code:
            continue
        for m in re.finditer(r"\.(admin_[a-z_]+|list_[a-z_]+|[a-z_]+_auth[a-z_]*|[a-z_]+_software_token)\s*\(\s*\)", code):
            op = m.group(1)
            if op in COGNITO_PUBLIC_CALLS:
                continue
            action = "cognito-idp:" + "".join(w.capitalize() for w in op.split("_"))
            actions.setdefault(action, f"{path}:{line_of(code, m.start())}")
    return actions


def test_the_lambda_may_call_exactly_the_cognito_operations_the_service_code_calls(resources):
    called = cognito_actions_called()
    assert called, "form-fn/src makes no Cognito call: has the staff sign-in moved?"
    granted = {
        action
        for statement in role_statements(resources)
        for action in as_list(statement["Action"])
        if action.startswith("cognito-idp:")
    }
    missing = {a: where for a, where in called.items() if a not in granted}
    assert not missing, (
        f"the service calls these, but FormFunctionRole does not grant them: {missing}. Add them "
        "to the role's `staff-accounts` policy in infra/template.yaml."
    )
    extra = granted - set(called)
    assert not extra, f"FormFunctionRole grants {sorted(extra)}, which the service's code never calls"


def test_the_staff_pool_is_invitation_only_with_an_authenticator_and_e_mail_recovery(resources):
    pool = resources["StaffUserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["MfaConfiguration"] == "ON"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["AccountRecoverySetting"]["RecoveryMechanisms"] == [{"Name": "verified_email", "Priority": 1}]
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    client = resources["StaffUserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert "ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]
    groups = {r["Properties"]["GroupName"] for r in resources.values() if r["Type"] == "AWS::Cognito::UserPoolGroup"}
    code = (FORM_FN / "src" / "auth.rs").read_text(encoding="utf-8")
    in_code = set(re.findall(r'Role::\w+ => "([a-z]+)"', code))
    assert groups == in_code == {"manager", "caseworker"}
    variables = function(resources)["Environment"]["Variables"]
    assert variables["COGNITO_USER_POOL_ID"] == {"Ref": "StaffUserPool"}
    assert variables["COGNITO_CLIENT_ID"] == {"Ref": "StaffUserPoolClient"}


def test_the_function_has_no_other_permissions(resources):
    props = function(resources)
    assert props["Role"] == {"Fn::GetAtt": ["FormFunctionRole", "Arn"]}
    assert "Policies" not in props, "SAM Policies would add permissions beside the role's"
    role = resources["FormFunctionRole"]["Properties"]
    assert "ManagedPolicyArns" not in role


def test_the_command_only_functions_are_never_called_in_the_lambda():
    for (path, name), reason in COMMAND_ONLY_FUNCTIONS.items():
        for caller_path, caller_code in service_sources():
            for m in re.finditer(rf"\b{name}\s*\(", caller_code):
                assert re.search(r"\bfn\s+$", caller_code[: m.start()]), (
                    f"{caller_path}:{line_of(caller_code, m.start())}: {name}() may run in the "
                    f"Lambda; but it is {path}'s for the staff command only: {reason}"
                )


def test_local_only_functions_are_only_called_outside_lambda():
    for (path, name), reason in LOCAL_ONLY_FUNCTIONS.items():
        code = strip_comments_and_tests((REPO / path).read_text(encoding="utf-8"))
        assert re.search(rf"\bfn\s+{name}\b", code), f"{path} no longer defines {name}: update LOCAL_ONLY_FUNCTIONS"
        for caller_path, caller_code in service_sources():
            for m in re.finditer(rf"\b{name}\s*\(", caller_code):
                if re.search(r"\bfn\s+$", caller_code[: m.start()]):
                    continue
                caller = enclosing_fn(caller_code, m.start())
                assert caller in LOCAL_ONLY_CALLERS, (
                    f"{caller_path}:{line_of(caller_code, m.start())}: {name}() is called from "
                    f"{caller}(), which may run in the Lambda; but {reason}"
                )


# ------------------------------------------------------------------ the table


def table_names_in_code():
    wanted = ("PK", "SK", "GSI", "GSI_PK", "GSI_SK", "TTL")
    found = {}
    for path, code in service_sources():
        for m in re.finditer(r'pub\s+const\s+([A-Z_]+)\s*:\s*&str\s*=\s*"([^"]*)"', code):
            if m.group(1) in wanted:
                found[m.group(1)] = m.group(2)
    missing = [name for name in wanted if name not in found]
    assert not missing, (
        f"form-fn/src has no `pub const {missing[0]}: &str = \"...\"`: the table's key, index and "
        "TTL names must be pub consts in one place (form-fn/src/table.rs) for this test to compare"
    )
    return found


def test_the_table_keys_index_and_ttl_are_the_ones_the_code_uses(resources):
    names = table_names_in_code()
    table = resources["SubmissionsTable"]["Properties"]
    assert table["KeySchema"] == [
        {"AttributeName": names["PK"], "KeyType": "HASH"},
        {"AttributeName": names["SK"], "KeyType": "RANGE"},
    ]
    assert {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]} == {
        names["PK"]: "S",
        names["SK"]: "S",
        names["GSI_PK"]: "S",
        names["GSI_SK"]: "S",
    }
    [index] = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == names["GSI"]
    assert index["KeySchema"] == [
        {"AttributeName": names["GSI_PK"], "KeyType": "HASH"},
        {"AttributeName": names["GSI_SK"], "KeyType": "RANGE"},
    ]
    assert index["Projection"] == {"ProjectionType": "ALL"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": names["TTL"], "Enabled": True}


def test_the_code_creates_its_local_table_like_the_template():
    """The local store's table (created by the code) has the same shape as the one in AWS."""
    code = strip_comments_and_tests((FORM_FN / "src" / "table.rs").read_text(encoding="utf-8"))
    assert set(re.findall(r"ScalarAttributeType::(\w+)", code)) == {"S"}
    assert set(re.findall(r"ProjectionType::(\w+)", code)) == {"All"}
    assert "BillingMode::PayPerRequest" in code


# ------------------------------------------------------------------ routes

def test_the_api_routes_are_exactly_the_routers(resources):
    events = function(resources)["Events"]
    in_template = {
        f"{e['Properties']['Method'].upper()} {e['Properties']['Path']}"
        for e in events.values()
        if e["Type"] == "HttpApi"
    }
    assert all(e["Properties"]["ApiId"] == {"Ref": "HttpApi"} for e in events.values())
    assert in_template == routes_in_router()


def test_every_route_is_under_the_path_cloudfront_sends_to_the_api(resources):
    behaviours = resources["Distribution"]["Properties"]["DistributionConfig"]["CacheBehaviors"]
    [api] = [b for b in behaviours if b["TargetOriginId"] == "api"]
    prefix = api["PathPattern"].rstrip("*")
    for route in routes_in_router():
        assert route.split(" ", 1)[1].startswith(prefix), f"{route} is not under {api['PathPattern']}"


def test_the_service_never_answers_403():
    """CloudFront turns every 403 into the site's 404 page (a missing page in S3 answers 403), so
    a 403 from the form service would lose its Arabic message."""
    for path, code in service_sources():
        for m in re.finditer(r"\bFORBIDDEN\b|\b403\b", code):
            pytest.fail(f"{path}:{line_of(code, m.start())}: the service answers 403, which "
                        "CloudFront would replace with the site's 404 page; use 400 or 422")


# ------------------------------------------------------------------ the build


def test_sam_builds_the_service_binary(resources):
    fn = resources["FormFunction"]
    manifest = tomllib.loads((FORM_FN / "Cargo.toml").read_text(encoding="utf-8"))
    binaries = {b["name"] for b in manifest.get("bin", [])}
    if (FORM_FN / "src" / "main.rs").is_file():
        binaries.add(manifest["package"]["name"])
    assert fn["Metadata"]["BuildMethod"] == "rust-cargolambda"
    assert fn["Metadata"]["BuildProperties"]["Binary"] in binaries
    workspace = tomllib.loads((REPO / "Cargo.toml").read_text(encoding="utf-8"))
    code_uri = (REPO / "infra" / fn["Properties"]["CodeUri"]).resolve()
    assert code_uri == REPO, "CodeUri must be the workspace root, where Cargo.lock is"
    assert "form-fn" in workspace["workspace"]["members"]


def test_the_lambda_needs_none_of_the_default_features():
    """infra/deploy builds the Lambda without default features: what the Lambda runs on must not
    be behind one, and the development store must be one that can be left out."""
    manifest = tomllib.loads((FORM_FN / "Cargo.toml").read_text(encoding="utf-8"))
    deps = manifest["dependencies"]
    for needed in ("lambda_http", "aws-sdk-dynamodb", "aws-config"):
        assert needed in deps, f"form-fn no longer depends on {needed}"
        assert not (isinstance(deps[needed], dict) and deps[needed].get("optional")), (
            f"{needed} is optional, but the Lambda is built with no default features"
        )
    store = [f.removeprefix("dep:") for f in manifest["features"].get("local", []) if f.startswith("dep:")]
    assert store, "form-fn has no feature `local` with the embedded store to leave out of the Lambda"
    assert all(deps[d].get("optional") for d in store)


def test_the_challenge_origins_are_the_ones_the_service_opens_its_own_answers_to(template):
    """The pages' content policy at CloudFront and the service's own answers let in the same
    provider origins, which forms/src/captcha.rs defines."""
    source = (REPO / "forms" / "src" / "captcha.rs").read_text(encoding="utf-8")
    body = source.split("pub fn csp_origins", 1)[1].split("pub fn content_policy", 1)[0]
    in_code = dict(re.findall(r'Provider::(\w+) => "([^"]+)"', body))
    mapping = template["Mappings"]["Captcha"]
    for provider, origins in in_code.items():
        assert mapping[provider.lower()]["Origins"] == origins, provider
    assert set(mapping) == {"none"} | {p.lower() for p in in_code}
    allowed = template["Parameters"]["CaptchaProvider"]["AllowedValues"]
    assert set(allowed) == set(mapping)
