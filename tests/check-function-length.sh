#!/usr/bin/env bash
# tests/check-function-length.sh: lists every function in src/ longer than 60 lines and fails when one is there
# (issue 18: no function over 60 lines), except in the files of LISTED_ONLY, which are listed but do not fail.
#   C++ (.cpp .hpp .h .cc): a function is counted from the first line of its signature to its closing brace,
#   blank and comment lines included (lambdas count in the function that holds them). Found by brace matching,
#   not by a C++ parser: comments, string and character literals (raw strings and digit separators too) and
#   preprocessor lines are skipped; a brace block at namespace or class scope is a function when the text before
#   it has a ')' and is not an initializer ('= ...') or a class, struct, union, enum or namespace head.
#   Python (.py): a def at module or class scope, from its 'def' line to its last line (Python's own parser; nested
#   defs count in the function that holds them).
# usage: tests/check-function-length.sh [ROOT [MAX]]   (ROOT defaults to the repository, MAX to 60)
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
max="${2:-60}"
cd "$root"

python3 - "$max" <<'PY'
import ast, os, re, sys

MAX = int(sys.argv[1])
# Listed, not enforced, until their owner splits them. To switch one on, delete it here (an empty tuple: all of src/).
LISTED_ONLY = ()


def code_chars(text):
    """Yields (line, char) for every character outside comments, literals and preprocessor lines.
    A literal is replaced by a single '"' so that the text before a brace keeps its shape."""
    i, line, n = 0, 1, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            at_line_start = True
            yield line - 1, c
            i += 1
            continue
        if at_line_start and c in " \t":
            i += 1
            continue
        if at_line_start and c == "#":  # a directive, with its continuation lines
            while i < n and not (text[i] == "\n" and text[i - 1] != "\\"):
                line += text[i] == "\n"
                i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
            continue
        raw = re.match(r'(?:u8|u|U|L)?R"([^(\s]{0,16})\(', text[i:i + 24])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = ")" + raw.group(1) + '"'
            end = text.find(close, i + raw.end())
            end = n if end < 0 else end + len(close)
            line += text.count("\n", i, end)
            i = end
            yield line, '"'
            continue
        if c == "'" and i > 0 and text[i - 1].isalnum():  # a digit separator: 1'000'000
            i += 1
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            yield line, '"'
            continue
        yield line, c
        i += 1


HEAD_CLASS = re.compile(r"\b(class|struct|union|enum)\b[^()]*$")
HEAD_NAMESPACE = re.compile(r'^(inline\s+)?namespace\b[^()]*$|^extern\s*"$')


def classify(head):
    """What a '{' at namespace or class scope opens, from the text since the last ';', '{' or '}'."""
    head = " ".join(head.split())
    if HEAD_NAMESPACE.search(head):
        return "scope"
    if HEAD_CLASS.search(head):
        return "scope"
    paren = head.find("(")
    if paren < 0 or ")" not in head:
        return "other"
    if "=" in head[:paren] and "operator" not in head[:paren]:
        return "other"
    return "function"


def function_name(head):
    before = head[: head.find("(")]
    m = re.search(r"([~\w:]+(?:operator\s*\S+)?)\s*$", before)
    return m.group(1) if m else "?"


def long_functions(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    stack = []  # per open brace: "scope", "function", "other" (inside a function or an opaque block: "inner")
    head, head_line = "", None
    start = None  # (line, name) of the function being read
    found = []
    for line, c in code_chars(text):
        if c == "{":
            if stack and stack[-1] in ("function", "inner", "other"):
                stack.append("inner")
            else:
                kind = classify(head)
                stack.append(kind)
                if kind == "function":
                    start = (head_line or line, function_name(" ".join(head.split())))
            head, head_line = "", None
        elif c == "}":
            kind = stack.pop() if stack else "scope"
            if kind == "function" and start:
                length = line - start[0] + 1
                if length > MAX:
                    found.append((start[0], start[1], length))
                start = None
            head, head_line = "", None
        elif c == ";":
            if not stack or stack[-1] == "scope":
                head, head_line = "", None
        elif not stack or stack[-1] == "scope":
            if head_line is None and not c.isspace():
                head_line = line
            head += c
    return found


def long_python_functions(path):
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    found = []
    scopes = [tree]
    while scopes:
        for node in ast.iter_child_nodes(scopes.pop()):
            if isinstance(node, ast.ClassDef):
                scopes.append(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX:
                    found.append((node.lineno, node.name, length))
    return sorted(found)


READERS = {".cpp": long_functions, ".hpp": long_functions, ".h": long_functions, ".cc": long_functions,
           ".py": long_python_functions}

enforced = 0
for top, dirs, files in os.walk("src"):
    dirs.sort()
    for name in sorted(files):
        reader = READERS.get(os.path.splitext(name)[1])
        if reader is None:
            continue
        path = os.path.join(top, name)
        for line, fn, length in reader(path):
            strict = path not in LISTED_ONLY
            enforced += strict
            print(f"{path}:{line}: {fn} is {length} lines (over {MAX}){'' if strict else ' [listed, not enforced]'}")
if enforced:
    print(f"check-function-length: {enforced} function(s) over {MAX} lines in src/", file=sys.stderr)
    sys.exit(1)
PY
