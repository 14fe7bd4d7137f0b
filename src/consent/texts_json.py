#!/usr/bin/env python3
"""texts_json.py CONFIG IN OUT: one language's banner file for web/consent.js, fetched next to the consent module so
a page ships only its own language (IN is assets/i18n/consent/<lang>.json, the language is its file name).

OUT has the banner's texts (IN's keys without their "consent." prefix and without the "consent.store." keys, which
only the store's privacy screen shows), and what the preferences draw, from CONFIG (assets/consent.json):
"validity_days" (the cookie's Max-Age), "categories" [{id, name, description}] and "services" [{id, category,
cookies, storage, name, provider, purpose, retention}], in the config's order. The consent module decides with the
same config compiled in (config_table.py); this file only says what to show.
English words come from CONFIG, their single source; another language takes its translations from IN
("consent.category.<id>.<field>", "consent.service.<id>.<field>") and falls back to the English with a warning.
A provider of one word is a brand and stays as it is; a provider of several words is translated like the rest
(tests/unit/unit-i18n.cpp applies the same rule). Minified, after checking that both files parse."""
import json
import os
import sys

FIELDS = {"category": ("name", "description"), "service": ("name", "provider", "purpose", "retention")}


def warn(message):
    print(f"texts_json.py: warning: {message}", file=sys.stderr)


def needs_translation(kind, field, english):
    return not (kind == "service" and field == "provider" and " " not in english.strip())


config_path, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
lang = os.path.splitext(os.path.basename(src))[0]
with open(config_path, encoding="utf-8") as f:
    config = json.load(f)
with open(src, encoding="utf-8") as f:
    texts = json.load(f)

kept = {k[len("consent."):]: v for k, v in texts.items()
        if k.startswith("consent.") and not k.startswith(("consent.store.", "consent.category.", "consent.service."))}
kept["validity_days"] = config.get("validity_days", 182)
known = set()
for kind, entries in (("category", config["categories"]), ("service", config["services"])):
    shown = []
    for entry in entries:
        item = {"id": entry["id"]}
        if kind == "service":
            item["category"] = entry["category"]
            item.update({k: entry[k] for k in ("cookies", "storage") if k in entry})
        for field in FIELDS[kind]:
            key = f"{kind}.{entry['id']}.{field}"
            known.add("consent." + key)
            english = entry.get(field, "")
            translated = texts.get("consent." + key)
            if lang == "en" or translated is None:
                if lang != "en" and needs_translation(kind, field, english):
                    warn(f"{lang}.json has no consent.{key}; the banner shows the English from the config")
                item[field] = english
            else:
                item[field] = translated
        shown.append(item)
    kept["categories" if kind == "category" else "services"] = shown
for key in texts:
    if key.startswith(("consent.category.", "consent.service.")) and key not in known:
        warn(f"{lang}.json: {key} belongs to no category or service of the config")
with open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps(kept, ensure_ascii=False, separators=(",", ":")))
