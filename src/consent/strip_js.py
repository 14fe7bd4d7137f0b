#!/usr/bin/env python3
"""strip_js.py IN OUT: a conservative shrink of our own JS for the consent files: drops lines that are only a
// comment, leading indentation and blank lines. Code is never rewritten (no minifier is available offline), so
the output behaves exactly like the input; the first comment line (what the file is) is kept."""
import sys

src, out = sys.argv[1], sys.argv[2]
lines = open(src, encoding="utf-8").read().split("\n")
kept = [lines[0]]
for line in lines[1:]:
    s = line.strip()
    if s and not s.startswith("//"):
        kept.append(s)
open(out, "w", encoding="utf-8").write("\n".join(kept) + "\n")
