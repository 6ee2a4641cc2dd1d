"""Reading form-fn's Rust source: which files run in the Lambda, and the routes of its router."""

import functools
import re

import pytest

from conftest import FORM_FN, relative, rust_files, strip_comments_and_tests

# Code in form-fn/src that never runs in the Lambda, and why.
NOT_IN_THE_LAMBDA = {
    "form-fn/src/staff.rs": "the staff actions (list, set status): staff run them with their own "
    "AWS credentials, so the Lambda's role does not grant them",
    "form-fn/src/staff/export.rs": "the staff exports (no DynamoDB call of their own)",
    "form-fn/src/staff/person.rs": "the staff actions on a person's records (find, correct, erase, "
    "purge): staff run them with their own AWS credentials, so the Lambda's role does not grant them",
    "form-fn/src/bin/form-fn-admin.rs": "the staff command's entry point",
    "form-fn/src/local.rs": "the embedded development store (feature `local`), left out of the "
    "Lambda's build",
    "form-fn/src/outbox.rs": "the outbox's delivery runs in NotifierFunction (test_notifier.py "
    "checks its role); the service only adds the items' puts to its own transactions",
    "form-fn/src/notifier.rs": "the notifier's stream handler (NotifierFunction)",
    "form-fn/src/digest.rs": "the daily digest (NotifierFunction)",
    "form-fn/src/bin/form-fn-notifier.rs": "the notifier's entry point (NotifierFunction)",
}


@functools.cache
def service_sources():
    """(path, code) of every file of form-fn/src that runs in the Lambda."""
    files = [(relative(p), strip_comments_and_tests(p.read_text(encoding="utf-8"))) for p in rust_files()]
    if not files:
        pytest.fail("form-fn/src has no Rust files: the form service is not there to compare with")
    return [(path, code) for path, code in files if path not in NOT_IN_THE_LAMBDA]


ROUTER = FORM_FN / "src" / "router.rs"


def balanced(code, open_at):
    """The text between the parenthesis at `open_at` and its match."""
    depth = 0
    for i in range(open_at, len(code)):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
            if depth == 0:
                return code[open_at + 1 : i]
    raise AssertionError(f"unbalanced parentheses at {open_at}")


def routes_in_router():
    if not ROUTER.is_file():
        pytest.fail("form-fn/src/router.rs not found: the routes cannot be compared with the template")
    code = strip_comments_and_tests(ROUTER.read_text(encoding="utf-8"))
    consts = {}
    for _, source in service_sources():
        consts.update(re.findall(r'const\s+([A-Z_][A-Z0-9_]*)\s*:\s*&str\s*=\s*"([^"]*)"', source))
    assert not re.search(r"\.(nest|merge|nest_service|route_service)\s*\(", code), (
        "router.rs nests or merges routers: extend routes_in_router() in infra/tests to follow them"
    )
    routes = set()
    for m in re.finditer(r"\.route\s*\(", code):
        args = balanced(code, m.end() - 1)
        path_arg, handlers = [a.strip() for a in args.split(",", 1)]
        path = path_arg.strip('"') if path_arg.startswith('"') else consts.get(path_arg)
        assert path, f"router.rs: cannot resolve the route path {path_arg}"
        methods = re.findall(r"\b(get|post|put|patch|delete|head|options|any)\s*\(", handlers)
        assert methods, f"router.rs: no method in the route {path}: {handlers}"
        routes.update(f"{method.upper()} {path}" for method in methods)
    assert routes, "router.rs declares no route"
    return routes
