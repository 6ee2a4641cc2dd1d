"""The notifier in the template, tied to form-fn's code: the table's stream, the function and its
least-privilege role, the on-failure queue with its alarm, and the digest's schedule."""

import re

from conftest import FORM_FN, REPO, strip_comments_and_tests

OUTBOX = FORM_FN / "src" / "outbox.rs"
NOTIFIER_CODE = [
    FORM_FN / "src" / "outbox.rs",
    FORM_FN / "src" / "notifier.rs",
    FORM_FN / "src" / "digest.rs",
    FORM_FN / "src" / "staff.rs",  # the digest lists cases with Staff::list
    FORM_FN / "src" / "bin" / "form-fn-notifier.rs",
]


def statements(resources):
    out = []
    for policy in resources["NotifierRole"]["Properties"]["Policies"]:
        out.extend(policy["PolicyDocument"]["Statement"])
    return out


def actions(statement):
    a = statement["Action"]
    return a if isinstance(a, list) else [a]


def test_the_table_streams_new_images(resources):
    spec = resources["SubmissionsTable"]["Properties"]["StreamSpecification"]
    assert spec == {"StreamViewType": "NEW_IMAGE"}


def test_the_notifier_is_the_notifier_binary_and_exists_only_with_a_sender(resources):
    fn = resources["NotifierFunction"]
    assert fn["Condition"] == "SendsMail"
    binary = fn["Metadata"]["BuildProperties"]["Binary"]
    assert (FORM_FN / "src" / "bin" / f"{binary}.rs").is_file()
    assert fn["Properties"]["Role"] == {"Fn::GetAtt": ["NotifierRole", "Arn"]}
    assert "Policies" not in fn["Properties"]


def test_the_stream_event_retries_bisects_reports_items_and_keeps_failures(resources):
    events = resources["NotifierFunction"]["Properties"]["Events"]
    stream = events["Outbox"]["Properties"]
    assert events["Outbox"]["Type"] == "DynamoDB"
    assert stream["Stream"] == {"Fn::GetAtt": ["SubmissionsTable", "StreamArn"]}
    assert stream["BisectBatchOnFunctionError"] is True
    assert stream["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    failure = stream["DestinationConfig"]["OnFailure"]
    assert failure == {"Type": "SQS", "Destination": {"Fn::GetAtt": ["NotifierFailureQueue", "Arn"]}}
    alarm = resources["NotifierFailureAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["NotifierFailureQueue", "QueueName"]}
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    # The filter passes exactly the items the code writes as pending outbox items.
    code = OUTBOX.read_text(encoding="utf-8")
    prefix = re.search(r'pub const PREFIX: &str = "([^"]+)"', code).group(1)
    pattern = stream["FilterCriteria"]["Filters"][0]["Pattern"]
    assert f'"prefix": "{prefix}"' in pattern and '"pending"' in pattern
    assert '("state", s("pending"))' in code


def test_the_digest_runs_daily(resources):
    digest = resources["NotifierFunction"]["Properties"]["Events"]["Digest"]
    assert digest["Type"] == "Schedule"
    assert re.fullmatch(r"cron\(\d+ \d+ \* \* \? \*\)", digest["Properties"]["Schedule"])


def test_the_role_grants_what_the_notifier_calls_and_no_more(resources):
    called = set()
    names = {"get_item": "GetItem", "update_item": "UpdateItem", "query": "Query",
             "transact_write_items": "PutItem", "put_item": "PutItem", "scan": "Scan",
             "delete_item": "DeleteItem"}
    code = "\n".join(strip_comments_and_tests(p.read_text(encoding="utf-8")) for p in NOTIFIER_CODE[:3])
    code += NOTIFIER_CODE[4].read_text(encoding="utf-8")
    for call, action in names.items():
        if re.search(rf"\.{call}\(\)", code):
            called.add(f"dynamodb:{action}")
    called.add("dynamodb:Query")  # Staff::list, for the digest
    granted = {a for s in statements(resources) for a in actions(s)
               if a.startswith("dynamodb:") and s["Resource"] != {"Fn::GetAtt": ["SubmissionsTable", "StreamArn"]}}
    assert granted == called
    for s in statements(resources):
        assert all("*" not in a for a in actions(s)), s
        if actions(s) == ["ses:SendEmail"]:
            assert "identity/${MailIdentity}" in s["Resource"]["Fn::Sub"]
        elif actions(s) == ["sqs:SendMessage"]:
            assert s["Resource"] == {"Fn::GetAtt": ["NotifierFailureQueue", "Arn"]}
    sends = [s for s in statements(resources) if "ses:SendEmail" in actions(s)]
    assert len(sends) == 1 and actions(sends[0]) == ["ses:SendEmail"]


def test_the_notifier_is_given_what_it_reads(resources):
    variables = resources["NotifierFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": "SubmissionsTable"}
    assert set(variables) == {"TABLE_NAME", "SITE_URL", "RUST_LOG"}


def test_the_mail_identity_is_the_senders_domain(resources, template):
    identity = resources["MailIdentity"]["Properties"]["EmailIdentity"]
    assert identity == {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailFrom"}]}]}
    assert template["Conditions"]["SendsMail"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "MailFrom"}, ""]}]}
    assert (REPO / "infra" / "deploy").read_text(encoding="utf-8").count("MailFrom") >= 1
