#!/usr/bin/env python3
"""texts_bundle.py OUT FILE...: writes one language's bundle of interface texts, served beside the module.

FILE... are that language's assets/i18n/<domain>/<lang>.json; OUT is one JSON object whose members are those
files by domain, {"checkout": {...}, "store": {...}}, written compactly (core/i18n.hpp TextTable::add_bundle
reads it). The module embeds English only (embed_texts.py); the other languages come as these bundles, fetched
for the language the traveller sees (web/boot.js asks for the likely one with the module).
"""
import json
import os
import sys

out, files = sys.argv[1], sorted(sys.argv[2:])
langs = {os.path.splitext(os.path.basename(p))[0] for p in files}
if len(langs) != 1:
    sys.exit(f"texts_bundle.py: one language per bundle, got {sorted(langs)}")
bundle = {}
for path in files:
    domain = os.path.basename(os.path.dirname(path))
    with open(path, encoding="utf-8") as f:
        texts = json.load(f)
    if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
        sys.exit(f"texts_bundle.py: {path} is not one object of texts")
    bundle[domain] = texts
with open(out, "w", encoding="utf-8") as f:
    json.dump(bundle, f, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
