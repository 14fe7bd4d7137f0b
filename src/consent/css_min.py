#!/usr/bin/env python3
"""css_min.py IN OUT: shrinks our own consent.css for the web root: drops comments, collapses whitespace, and
removes it around { } ; , and after : (never before a colon, where it would be a descendant selector). The CSS
has no strings or url()s with spaces that this could change; the consent end-to-end tests look at the result."""
import re
import sys

src, out = sys.argv[1], sys.argv[2]
css = open(src, encoding="utf-8").read()
css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
css = re.sub(r"\s+", " ", css)
css = re.sub(r"\s*([{};,])\s*", r"\1", css)
css = re.sub(r":\s+", ":", css).replace(";}", "}").strip()
open(out, "w", encoding="utf-8").write(css + "\n")
