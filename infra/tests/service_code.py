"""Reading form-fn's Rust source: which files run in the Lambda, and the routes of its router."""

import functools
import re

import pytest

from conftest import FORM_FN, relative, rust_files, strip_comments_and_tests

# Code in form-fn/src that never runs in the Lambda, and why.
NOT_IN_THE_LAMBDA = {
    "form-fn/src/bin/form-fn-admin.rs": "the staff command's entry point",
    "form-fn/src/local.rs": "the embedded development store (feature `local`), left out of the "
    "Lambda's build",
    "form-fn/src/outbox.rs": "the outbox's delivery runs in NotifierFunction (test_notifier.py "
    "checks its role); the service only adds the items' puts to its own transactions",
    "form-fn/src/notifier.rs": "the notifier's stream handler (NotifierFunction)",
    "form-fn/src/digest.rs": "the daily digest (NotifierFunction)",
    "form-fn/src/bin/form-fn-notifier.rs": "the notifier's entry point (NotifierFunction)",
}


# Functions of files that run in the Lambda which only the staff command calls (form-fn-admin),
# and why; their calls are not the Lambda's, and nothing the Lambda runs may call them.
COMMAND_ONLY_FUNCTIONS = {
    ("form-fn/src/staff/person.rs", "scan"): "reads the whole table: the Lambda never scans",
    ("form-fn/src/staff/person.rs", "all_submissions"): "a scan of every submission",
    ("form-fn/src/staff/person.rs", "find_person"): "finds a person with a scan besides the lookup "
    "keys while some submissions may lack them; the inbox uses the keys alone (find_indexed) and "
    "says when they may be incomplete",
    ("form-fn/src/staff/person.rs", "index_lookup_keys"): "the one-time indexing after an upgrade "
    "(`person index`): a scan",
    ("form-fn/src/staff/person.rs", "purge_expired"): "the purge (`purge-expired`): a scan",
}


def fn_span(code, name):
    """(start, end) of `fn name`'s signature and body in `code`, or None."""
    m = re.search(rf"(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+{name}\s*[<(]", code)
    if not m:
        return None
    open_at = code.index("{", m.end())
    depth = 0
    for i in range(open_at, len(code)):
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        if depth == 0:
            return m.start(), i + 1
    raise AssertionError(f"unbalanced braces in fn {name}")


def without_command_only(path, code):
    """`code` without the functions of `path` that only the staff command calls."""
    for (where, name) in COMMAND_ONLY_FUNCTIONS:
        if where == path:
            span = fn_span(code, name)
            assert span, f"{path} no longer defines {name}: update COMMAND_ONLY_FUNCTIONS"
            code = code[: span[0]] + code[span[1] :]
    return code


@functools.cache
def service_sources():
    """(path, code) of every file of form-fn/src that runs in the Lambda."""
    files = [(relative(p), strip_comments_and_tests(p.read_text(encoding="utf-8"))) for p in rust_files()]
    if not files:
        pytest.fail("form-fn/src has no Rust files: the form service is not there to compare with")
    return [(path, without_command_only(path, code)) for path, code in files if path not in NOT_IN_THE_LAMBDA]


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


# Routes the router adds only in a build with the feature `local` (never the Lambda's), and why.
LOCAL_ONLY_ROUTES = {
    "GET /api/staff/sign-in/link": "the one-time sign-in link printed in a developer's terminal",
}


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
    local_only = set()
    for m in re.finditer(r"\.route\s*\(", code):
        args = balanced(code, m.end() - 1)
        path_arg, handlers = [a.strip() for a in args.split(",", 1)]
        path = path_arg.strip('"') if path_arg.startswith('"') else consts.get(path_arg.split("::")[-1])
        assert path, f"router.rs: cannot resolve the route path {path_arg}"
        methods = re.findall(r"\b(get|post|put|patch|delete|head|options|any)\s*\(", handlers)
        assert methods, f"router.rs: no method in the route {path}: {handlers}"
        found = {f"{method.upper()} {path}" for method in methods}
        statement_start = code.rfind(";", 0, m.start())
        if '#[cfg(feature = "local")]' in code[statement_start:m.start()]:
            local_only |= found
        else:
            routes |= found
    assert routes, "router.rs declares no route"
    assert local_only == set(LOCAL_ONLY_ROUTES), (
        f"router.rs adds {sorted(local_only)} only with the feature `local`; LOCAL_ONLY_ROUTES "
        f"lists {sorted(LOCAL_ONLY_ROUTES)}: make them agree"
    )
    return routes
