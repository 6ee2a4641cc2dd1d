"""What the infrastructure tests share: the repository, the template, and form-fn's source."""

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "infra" / "template.yaml"
FORM_FN = REPO / "form-fn"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Ref, !Sub, !If...) as their long forms."""


def _cfn_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_template(path=TEMPLATE):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)


@pytest.fixture(scope="session")
def template():
    return load_template()


@pytest.fixture(scope="session")
def resources(template):
    return template["Resources"]


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory):
    """Every site of the repository, built as infra/deploy builds it."""
    from built_site import SITES, build_site

    return {name: build_site(folder, tmp_path_factory.mktemp(name) / "public") for name, folder in SITES.items()}


def resources_of_type(template, kind):
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


# ------------------------------------------------------------------ reading form-fn's Rust source


def strip_comments_and_tests(text):
    """The code of a Rust file without comments and without `#[cfg(test)]` items, keeping string
    literals (they hold the names the tests look for) and line numbers."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    code = "".join(out)
    return _remove_attributed_items(code, r"#\[cfg\(test\)\]")


def _remove_attributed_items(code, attribute):
    """Removes every item (up to its matching closing brace) that follows `attribute`."""
    while True:
        m = re.search(attribute, code)
        if not m:
            return code
        start = m.start()
        brace = code.find("{", m.end())
        semicolon = code.find(";", m.end())
        if brace < 0 or (0 <= semicolon < brace):
            end = semicolon + 1
        else:
            depth, end = 0, brace
            while end < len(code):
                if code[end] == "{":
                    depth += 1
                elif code[end] == "}":
                    depth -= 1
                    if depth == 0:
                        end += 1
                        break
                elif code[end] == '"':
                    end += 1
                    while end < len(code) and code[end] != '"':
                        end += 2 if code[end] == "\\" else 1
                end += 1
        code = code[:start] + "\n" * code.count("\n", start, end) + code[end:]


def rust_files(root=FORM_FN / "src"):
    return sorted(root.rglob("*.rs"))


def relative(path):
    return path.relative_to(REPO).as_posix()


def enclosing_fn(code, offset):
    """The name of the last `fn` declared before `offset` in `code` (the function a call is in)."""
    names = re.findall(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)", code[:offset])
    return names[-1] if names else None


def line_of(code, offset):
    return code.count("\n", 0, offset) + 1
