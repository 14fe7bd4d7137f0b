#!/usr/bin/env python3
"""texts_json.py IN OUT: one language's banner texts for web/consent.js, fetched next to the consent module so a
page ships only its own language: the keys without their "consent." prefix, without the "consent.store." keys
(texts only the store's privacy screen shows), minified, after checking that the file parses."""
import json
import sys

src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    texts = json.load(f)
kept = {k[len("consent."):]: v for k, v in texts.items()
        if k.startswith("consent.") and not k.startswith("consent.store.")}
with open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps(kept, ensure_ascii=False, separators=(",", ":")))
