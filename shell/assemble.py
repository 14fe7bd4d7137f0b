#!/usr/bin/env python3
"""assemble.py: builds a web root from a shell page, the web/ files and an Emscripten module.

    assemble.py --shell shell/store.html --web web --js build/.../jupiter-store.js --out build/web/site

Every file except the HTML gets a content hash in its name (name.<hash>.ext) so the server can cache it
forever; the shell's {{file}} placeholders are replaced by the hashed names and written as index.html.
Compressible files get .gz and .br siblings (brotli when the `brotli` tool is there).

The partner embed's files keep fixed names, because partners' pages and the processor's return URL name them:
embed.js (the loader of the one-line snippet) and embed-return.html (its {{file}} placeholders replaced too).
The embed's scripts are minified with terser (Debian's package) the way src/consent/ minifies the banner's.
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
UNHASHED = {"embed.js", "embed-return.html"}  # served under these names (partners' snippets link to /embed.js)
MINIFIED = {"embed.js", "embed-bridge.js", "embed-return.js"}
TERSER_ARGS = ["--ecma", "2020", "--compress", "passes=3,unsafe_arrows=true,ecma=2020", "--mangle", "--toplevel"]


def hashed_copy(src, out_dir, name=None):
    data = open(src, "rb").read()
    digest = hashlib.sha256(data).hexdigest()[:10]
    base, ext = os.path.splitext(name or os.path.basename(src))
    target = f"{base}.{digest}{ext}"
    with open(os.path.join(out_dir, target), "wb") as f:
        f.write(data)
    return target


def minified(src, tmp_dir):
    """The path of src minified by terser into tmp_dir, or src itself when terser is not installed."""
    terser = shutil.which("terser")
    if not terser:
        print(f"assemble.py: terser not found, {os.path.basename(src)} is copied as it is", file=sys.stderr)
        return src
    out = os.path.join(tmp_dir, os.path.basename(src))
    env = dict(os.environ, NODE_PATH=os.pathsep.join(filter(None, [os.environ.get("NODE_PATH"), "/usr/share/nodejs"])))
    subprocess.run([terser, src, *TERSER_ARGS, "--output", out], check=True, env=env)
    return out


def fill(path, names, what):
    """The text of path with its {{name}} placeholders replaced by the built names."""
    def sub(m):
        key = m.group(1)
        if key not in names:
            sys.exit(f"assemble.py: {what} refers to {{{{{key}}}}}, which is not a built or web/ file")
        return names[key]
    return re.sub(r"\{\{([\w.\-]+)\}\}", sub, open(path, encoding="utf-8").read())


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
    tmp = os.path.join(a.out, ".min")
    os.makedirs(tmp)
    for entry in sorted(os.listdir(a.web)):
        src = os.path.join(a.web, entry)
        if not os.path.isfile(src) or entry.startswith(".") or entry in names or entry in UNHASHED:
            continue
        names[entry] = hashed_copy(minified(src, tmp) if entry in MINIFIED else src, a.out, entry)

    with open(os.path.join(a.out, "index.html"), "w", encoding="utf-8") as f:
        f.write(fill(a.shell, names, a.shell))
    # The embed's fixed names (absent from a web/ folder without them, such as the benchmark's).
    if os.path.isfile(os.path.join(a.web, "embed.js")):
        shutil.copyfile(minified(os.path.join(a.web, "embed.js"), tmp), os.path.join(a.out, "embed.js"))
    if os.path.isfile(os.path.join(a.web, "embed-return.html")):
        with open(os.path.join(a.out, "embed-return.html"), "w", encoding="utf-8") as f:
            f.write(fill(os.path.join(a.web, "embed-return.html"), names, "embed-return.html"))
    shutil.rmtree(tmp)

    for entry in os.listdir(a.out):
        if os.path.splitext(entry)[1] in COMPRESSIBLE:
            compress(os.path.join(a.out, entry))
    fixed = sorted(n for n in UNHASHED if os.path.exists(os.path.join(a.out, n)))
    print(f"assembled {a.out}: " + ", ".join(sorted(names.values()) + fixed))


if __name__ == "__main__":
    main()
