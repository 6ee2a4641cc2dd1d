"""Who may do what in AWS: the publisher and caseworker policies and the GitHub deploy role of
infra/template.yaml, tied to the calls the code makes. The caseworker policy grants exactly the
DynamoDB operations that form-fn-admin's casework subcommands make (read from form-fn's source,
following a transaction into its items, the beneficiary's e-mail of a status change among them); the publisher policy exactly what infra/publish's AWS CLI commands need; the
deploy role trusts one repository's environment only."""

import re

import pytest

from conftest import FORM_FN, REPO, strip_comments_and_tests
from test_service_ties import OPERATIONS, TRANSACTION_ITEMS

ADMIN = FORM_FN / "src" / "bin" / "form-fn-admin.rs"
STAFF_FILES = [FORM_FN / "src" / "staff.rs", *sorted((FORM_FN / "src" / "staff").glob("*.rs"))]
# The staff command's subcommands a caseworker runs (the Command variants of form-fn-admin). A
# person's rights (find, correct, erase) and purge-expired are not casework.
CASEWORK = {"List", "Show", "SetStatus", "Assign", "Note", "Checked", "Export"}
OUTBOX_RS = FORM_FN / "src" / "outbox.rs"
# Stands for the call text of the outbox's e-mail items, written in a status change's transaction.
OUTBOX_ITEMS = "outbox::status_change_puts"
GITHUB_OIDC = "token.actions.githubusercontent.com"


def as_list(value):
    return value if isinstance(value, list) else [value]


def statements(resource):
    return resource["Properties"]["PolicyDocument"]["Statement"]


def braced(code, start):
    """The text from the first `{` at or after `start` to its match."""
    open_at = code.index("{", start)
    depth = 0
    for i in range(open_at, len(code)):
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        if depth == 0:
            return code[open_at : i + 1]
    raise AssertionError("unbalanced braces")


def fn_body(code, name):
    m = re.search(rf"\bfn\s+{name}\s*[<(]", code)
    return braced(code, m.end()) if m else None


def staff_code():
    return "\n".join(strip_comments_and_tests(p.read_text(encoding="utf-8")) for p in STAFF_FILES)


def casework_methods():
    """{subcommand: the Staff methods its arm of form-fn-admin's `run` calls}."""
    run = fn_body(strip_comments_and_tests(ADMIN.read_text(encoding="utf-8")), "run")
    assert run, "form-fn-admin.rs has no fn run: update infra/tests/test_access.py"
    arms = list(re.finditer(r"Command::([A-Za-z]+)\s*(?:\{[^}]*\})?\s*=>", run))
    found = {}
    for m, nxt in zip(arms, arms[1:] + [None]):
        body = run[m.end() : nxt.start() if nxt else len(run)]
        found[m.group(1)] = set(re.findall(r"\bstaff\s*\.\s*([a-z_]+)\s*\(", body))
    missing = CASEWORK - set(found)
    assert not missing, f"form-fn-admin no longer has the subcommands {missing}: update CASEWORK"
    return {name: found[name] for name in CASEWORK}


def calls_of(method, code, seen=None):
    """(IAM action, body) of every DynamoDB operation `method` makes, following self.method()."""
    seen = seen if seen is not None else set()
    if method in seen:
        return []
    seen.add(method)
    body = fn_body(code, method)
    if body is None:
        return []  # not a Staff method (formatting helpers such as csv, json)
    out = []
    for m in re.finditer(r"\.([a-z_]+)\s*\(\s*\)", body):
        op = m.group(1)
        if op in OPERATIONS and OPERATIONS[op] is None:
            out.extend(transaction_calls(method, body, code))
        elif op in OPERATIONS:
            call = body[m.start() : body.find(".send()", m.start())]
            out.append((OPERATIONS[op], method, call))
    for callee in re.findall(r"\bself\s*\.\s*([a-z_]+)\s*\(", body):
        out.extend(calls_of(callee, code, seen))
    return out


def transaction_calls(method, body, code):
    """(IAM action, method, item) of each item of a transaction `method` writes: the items it builds,
    and the outbox's e-mail items when the staff code adds them (`outbox::status_change_puts`)."""
    out = []
    for m in re.finditer(r"\b(Put|Update|Delete|ConditionCheck)::builder\s*\(\s*\)", body):
        out.append((TRANSACTION_ITEMS[m.group(1)], method, body[m.start() : body.find(".build()", m.start())]))
    if f"{OUTBOX_ITEMS}(" in code:
        outbox = strip_comments_and_tests(OUTBOX_RS.read_text(encoding="utf-8"))
        puts = fn_body(outbox, "status_change_puts")
        assert puts and "Put::builder()" in outbox, "the outbox's e-mail items changed: update this test"
        out.append(("dynamodb:PutItem", OUTBOX_ITEMS, OUTBOX_ITEMS))
    assert out, f"Staff::{method} writes a transaction whose items this test does not find"
    return out


def casework_calls():
    code = staff_code()
    calls = [c for methods in casework_methods().values() for m in methods for c in calls_of(m, code)]
    if not calls:
        pytest.fail("the casework subcommands make no DynamoDB call: has the staff code moved?")
    return calls


def test_the_caseworker_may_make_exactly_the_calls_of_the_casework_subcommands(resources):
    granted = {a for s in statements(resources["CaseworkerPolicy"]) for a in as_list(s["Action"])}
    assert granted == {action for action, _, _ in casework_calls()}
    assert all(s["Effect"] == "Allow" for s in statements(resources["CaseworkerPolicy"]))


def test_the_caseworker_queries_the_index_only_and_reads_and_updates_submissions_only(resources):
    """The index, the submissions, and the e-mails a status change records: nothing else."""
    table_rs = strip_comments_and_tests((FORM_FN / "src" / "table.rs").read_text(encoding="utf-8"))
    gsi = re.search(r'pub const GSI: &str = "([^"]+)"', table_rs).group(1)
    prefix = re.search(r'fn submission_pk\([^)]*\)\s*->\s*String\s*\{\s*format!\("([^{"]*)\{', table_rs).group(1)
    by_action = {}
    for s in statements(resources["CaseworkerPolicy"]):
        for action in as_list(s["Action"]):
            by_action[action] = s
    for action, method, call in casework_calls():
        s = by_action[action]
        resource = s["Resource"]
        if call == OUTBOX_ITEMS:
            prefix_out = re.search(r'pub const PREFIX: &str = "([^"]+)"', OUTBOX_RS.read_text(encoding="utf-8")).group(1)
            assert resource == {"Fn::GetAtt": ["SubmissionsTable", "Arn"]}
            assert s["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{prefix_out}*"]}}
            continue
        if action == "dynamodb:Query":
            assert ".index_name(GSI)" in call.replace(" ", ""), f"Staff::{method} queries the table itself"
            assert resource == {"Fn::Sub": f"${{SubmissionsTable.Arn}}/index/{gsi}"}
        else:
            assert "table::submission_pk(" in call, f"Staff::{method}: {action} on an item that is not a submission"
            assert resource == {"Fn::GetAtt": ["SubmissionsTable", "Arn"]}
            assert s["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{prefix}*"]}}
        if action == "dynamodb:UpdateItem":
            assert ".condition_expression(" in call, f"Staff::{method} updates without a condition"


# ------------------------------------------------------------------ the publisher

# The AWS CLI commands of a publish and the IAM actions each needs.
CLI_ACTIONS = {
    ("s3", "sync"): {"s3:ListBucket", "s3:PutObject"},
    ("cloudfront", "create-invalidation"): {"cloudfront:CreateInvalidation"},
    ("cloudformation", "describe-stacks"): {"cloudformation:DescribeStacks"},
}


def publish_commands():
    """(service, command, whole call) of every AWS CLI call a publish makes: infra/deploy's
    functions that its publish-only plan runs, and .ci/publish-or-deploy."""
    deploy = (REPO / "infra" / "deploy").read_text(encoding="utf-8")
    plan = deploy[deploy.index("# ------------------------------------------------------------------ the plan"):]
    publish_plan = plan[plan.index("\nfi\n") + 4 : plan.index("\nif $dry_run")]
    functions = re.findall(r"^([a-z_]+)$", publish_plan, re.M)
    assert {"read_outputs", "upload_site", "invalidate"} <= set(functions), functions
    calls = []
    for name in functions:
        body = braced(deploy, re.search(rf"^{name}\(\)\s*", deploy, re.M).end())
        calls.extend(re.findall(r"\baws ([a-z0-9]+) ([a-z0-9-]+)([^\n]*(?:\\\n[^\n]*)*)", body))
    ci = (REPO / ".ci" / "publish-or-deploy").read_text(encoding="utf-8")
    calls.extend(re.findall(r"\baws ([a-z0-9]+) ([a-z0-9-]+)([^\n]*(?:\\\n[^\n]*)*)", ci))
    return calls


def test_the_publisher_may_make_exactly_the_calls_of_a_publish(resources):
    needed = set()
    for service, command, rest in publish_commands():
        assert (service, command) in CLI_ACTIONS, f"aws {service} {command}: add its IAM actions to CLI_ACTIONS"
        needed |= CLI_ACTIONS[(service, command)]
        if service == "s3" and "--delete" in rest:
            needed.add("s3:DeleteObject")
    granted = {a for s in statements(resources["PublisherPolicy"]) for a in as_list(s["Action"])}
    assert granted == needed


def test_the_publisher_reaches_the_sites_bucket_and_distribution_only(resources):
    where = {a: s["Resource"] for s in statements(resources["PublisherPolicy"]) for a in as_list(s["Action"])}
    assert where["s3:ListBucket"] == {"Fn::GetAtt": ["SiteBucket", "Arn"]}
    assert where["s3:PutObject"] == where["s3:DeleteObject"] == {"Fn::Sub": "${SiteBucket.Arn}/*"}
    assert where["cloudfront:CreateInvalidation"] == {
        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"}
    assert where["cloudformation:DescribeStacks"] == {
        "Fn::Sub": "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${AWS::StackName}/*"}


# ------------------------------------------------------------------ the GitHub workflow's role


def test_only_the_repositorys_environment_may_take_the_deploy_role(resources, template):
    role = resources["GitHubDeployRole"]
    assert role["Condition"] == "HasGitHub"
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Condition"] == {"StringEquals": {
        f"{GITHUB_OIDC}:aud": "sts.amazonaws.com",
        f"{GITHUB_OIDC}:sub": {"Fn::Sub": "repo:${GitHubRepository}:environment:${GitHubEnvironment}"},
    }}
    assert resources["GitHubOidcProvider"]["Properties"]["Url"] == f"https://{GITHUB_OIDC}"
    import yaml
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    assert workflow["jobs"]["publish"]["environment"] == template["Parameters"]["GitHubEnvironment"]["Default"]


def test_the_deploy_role_publishes_and_hands_the_stacks_to_cloudformation_only(resources):
    props = resources["GitHubDeployRole"]["Properties"]
    assert props["ManagedPolicyArns"] == [{"Ref": "PublisherPolicy"}]
    (policy,) = props["Policies"]
    passes = [s for s in policy["PolicyDocument"]["Statement"] if "iam:PassRole" in as_list(s["Action"])]
    assert passes == [{
        "Sid": "ThroughCloudFormationsRole", "Effect": "Allow", "Action": "iam:PassRole",
        "Resource": {"Fn::GetAtt": ["CloudFormationRole", "Arn"]},
        "Condition": {"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}},
    }]
    assert not any(a.startswith(("dynamodb:", "iam:Create", "iam:Put", "iam:Attach"))
                   for s in policy["PolicyDocument"]["Statement"] for a in as_list(s["Action"]))
    (trust,) = resources["CloudFormationRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "cloudformation.amazonaws.com"}


def test_the_deploy_role_reads_and_writes_the_secrets_infra_deploy_keeps(resources):
    deploy = (REPO / "infra" / "deploy").read_text(encoding="utf-8")
    used = {f"ssm:{''.join(w.title() for w in c.split('-'))}" for c in re.findall(r"\baws ssm ([a-z-]+)", deploy)}
    (policy,) = resources["GitHubDeployRole"]["Properties"]["Policies"]
    ssm = next(s for s in policy["PolicyDocument"]["Statement"] if s["Sid"] == "TheStacksSecrets")
    assert set(ssm["Action"]) == used
    assert ssm["Resource"]["Fn::Sub"].endswith(":parameter/${AWS::StackName}/*")
    assert "secret_path() { printf '/%s/%s' \"$stack_name\"" in deploy


def test_the_policies_and_roles_are_outputs(template):
    outputs = template["Outputs"]
    assert outputs["PublisherPolicyArn"]["Value"] == {"Ref": "PublisherPolicy"}
    assert outputs["CaseworkerPolicyArn"]["Value"] == {"Ref": "CaseworkerPolicy"}
    assert outputs["GitHubDeployRoleArn"]["Value"] == {"Fn::GetAtt": ["GitHubDeployRole", "Arn"]}
    assert outputs["CloudFormationRoleArn"]["Value"] == {"Fn::GetAtt": ["CloudFormationRole", "Arn"]}
