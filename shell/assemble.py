#!/usr/bin/env python3
"""assemble.py: builds a web root from a shell page, the web/ files and an Emscripten module.

    assemble.py --shell shell/store.html --web web --js build/.../jupiter-store.js --out build/web/site

Every file except the HTML gets a content hash in its name (name.<hash>.ext) so the server can cache it
forever; the shell's {{file}} placeholders are replaced by the hashed names and written as index.html.
Compressible files get .gz and .br siblings (brotli when the `brotli` tool is there).
"""
import argparse
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys

COMPRESSIBLE = {".js", ".wasm", ".css", ".html", ".json", ".svg", ".txt"}


def hashed_copy(src, out_dir, name=None):
    data = open(src, "rb").read()
    digest = hashlib.sha256(data).hexdigest()[:10]
    base, ext = os.path.splitext(name or os.path.basename(src))
    target = f"{base}.{digest}{ext}"
    with open(os.path.join(out_dir, target), "wb") as f:
        f.write(data)
    return target


def compress(path):
    data = open(path, "rb").read()
    with open(path + ".gz", "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))
    if shutil.which("brotli"):
        subprocess.run(["brotli", "-f", "-q", "11", "-o", path + ".br", path], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shell", required=True)
    ap.add_argument("--web", required=True)
    ap.add_argument("--js", required=True, help="the Emscripten .js; its .wasm sits beside it")
    ap.add_argument("--out", required=True)
    ap.add_argument("--file", action="append", default=[], metavar="NAME=PATH",
                    help="another built file, referred to as {{NAME}}; wins over a web/ file of the same name")
    a = ap.parse_args()

    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)

    names = {}
    wasm = os.path.splitext(a.js)[0] + ".wasm"
    names["module.js"] = hashed_copy(a.js, a.out)
    names["module.wasm"] = hashed_copy(wasm, a.out)
    for extra in a.file:
        name, path = extra.split("=", 1)
        names[name] = hashed_copy(path, a.out, name)
    for entry in sorted(os.listdir(a.web)):
        src = os.path.join(a.web, entry)
        if os.path.isfile(src) and not entry.startswith(".") and entry not in names:
            names[entry] = hashed_copy(src, a.out)

    page = open(a.shell, encoding="utf-8").read()

    def sub(m):
        key = m.group(1)
        if key not in names:
            sys.exit(f"assemble.py: {a.shell} refers to {{{{{key}}}}}, which is not a built or web/ file")
        return names[key]

    page = re.sub(r"\{\{([\w.\-]+)\}\}", sub, page)
    with open(os.path.join(a.out, "index.html"), "w", encoding="utf-8") as f:
        f.write(page)

    for entry in os.listdir(a.out):
        if os.path.splitext(entry)[1] in COMPRESSIBLE:
            compress(os.path.join(a.out, entry))
    print(f"assembled {a.out}: " + ", ".join(sorted(names.values())))


if __name__ == "__main__":
    main()
