#!/usr/bin/env python3
"""make_corpus.py: writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<name>/) from the project's own
test inputs: slices of assets/catalogue.json, tests/api/fixtures, the JSON literals of tests/unit, the activation
codes of unit-activation-code.cpp, assets/consent.json, and orders shaped like unit-order.cpp's. Deterministic;
run it again after the inputs change (it replaces the generated seeds and keeps crash-* files, which are crash
inputs kept as regression seeds).   usage: tests/fuzz/make_corpus.py"""
import hashlib
import hmac
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fuzz" / "corpus"


def literals(path):
    """The raw string literals R"x(...)x" of a C++ file."""
    text = (ROOT / path).read_text()
    return [m.group(2) for m in re.finditer(r'R"(\w*)\((.*?)\)\1"', text, re.S)]


def json_objects(path):
    out = []
    for lit in literals(path):
        try:
            if isinstance(json.loads(lit), dict):
                out.append(lit)
        except ValueError:
            pass
    return out


def write(name, seeds):
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("seed-*"):
        old.unlink()
    unique = list(dict.fromkeys(s if isinstance(s, bytes) else s.encode() for s in seeds))
    for i, data in enumerate(unique):
        (folder / f"seed-{i:02d}").write_bytes(data)
    print(f"{name}: {len(unique)} seeds, {sum(len(d) for d in unique)} bytes")


def catalogue_seeds():
    cat = json.loads((ROOT / "assets/catalogue.json").read_text())
    seeds = [(ROOT / "tests/api/fixtures" / f).read_text() for f in ("catalogue.json", "catalogue_with_broken_plans.json")]
    seeds.append((ROOT / "assets/phones.json").read_text())
    by_scope = {}
    for p in cat["plans"]:
        unlimited = p.get("data", {}).get("unlimited", False)
        by_scope.setdefault((p["scope"], unlimited), []).append(p)
    for i, plans in enumerate(by_scope.values()):
        chosen = plans[i % len(plans)::max(1, len(plans) // 2)][:2]
        codes = {c for p in chosen for c in p["coverage"]}
        dests = [d for d in cat["destinations"] if d["code"] in codes][:12]
        keep = {d["code"] for d in dests}
        chosen = [dict(p, coverage=[c for c in p["coverage"] if c in keep]) for p in chosen]
        doc = {k: cat[k] for k in ("schema", "version", "notice")}
        doc.update(regions=cat["regions"], destinations=dests, plans=chosen)
        seeds.append(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
    seeds.append(json.dumps({"schema": 1, "regions": cat["regions"][:2], "destinations": cat["destinations"][:3],
                             "plans": []}, ensure_ascii=False))
    seeds += json_objects("tests/unit/unit-catalogue.cpp")
    return seeds


def order(state="paid", payment=None, esim=None, support=None, history=True):
    doc = {"id": "ord_abc", "state": state, "created_at": "2026-11-26T10:00:00Z", "updated_at": "2026-11-26T10:01:00Z",
           "plan": {"id": "jp-5gb", "name": "Japan 5 GB", "kind": "local", "coverage": ["JP"], "data_mb": 5120,
                    "validity_days": 30, "validity_start": "first_connection"},
           "price": {"amount": 1299, "currency": "USD"},
           "customer": {"email": "ada@example.com", "name": "Ada Lovelace", "phone": ""}, "marketing": False,
           "payment": payment or {"status": "succeeded", "decline_reason": None, "method": "card", "brand": "visa",
                                  "last4": "4242", "transaction": "pi_123"},
           "delivery": {"status": "waiting", "attempts": 0, "message": None}, "esim": esim, "support": support}
    if history:
        doc["history"] = [{"at": "2026-11-26T10:00:30Z", "from": "pending_payment", "to": "paid",
                           "reason": "payment succeeded (pi_123)"}]
    return json.dumps(doc)


def order_seeds():
    esim = {"iccid": "8901234567890123452", "smdp": "smdp.example.com", "matching_id": "MATCH-1",
            "confirmation_code": None, "confirmation_required": False,
            "activation_code": "LPA:1$smdp.example.com$MATCH-1"}
    declined = {"status": "declined", "decline_reason": "card_declined", "method": "card", "brand": "visa",
                "last4": "0002", "transaction": None}
    seeds = [order(), order("pending_payment", declined), order("delivered", esim=esim),
             order("failed", support={"reference": "SUP-1", "reason": "partner down"}), order("refunded", history=False),
             order("teleported"), '{"order":' + order("pending_payment") + ',"token":"abcDEF012_-abcDEF012_-"}',
             '{"checkout_url":"http://127.0.0.1:9100/pay/cs_1","session":"cs_1"}',
             '{"checkout_url":"javascript:alert(1)"}',
             '{"error":{"code":"invalid_email","message":"That is not an e-mail."}}', '{"error":{"code":7}}',
             "Bad Gateway"]
    return seeds


def consent_seeds():
    config = json.loads((ROOT / "assets/consent.json").read_text())
    ids = [s["id"] for s in config["services"]]
    seeds = []
    for n, (action, cats, gpc) in enumerate([("accept_all", "1111", False), ("reject_all", "1000", False),
                                              ("custom", "1010", True), ("withdraw", "1000", False)]):
        names = ("necessary", "preferences", "analytics", "marketing")
        record = {"action": action, "categories": {c: b == "1" for c, b in zip(names, cats)},
                  "consent_id": "0f8fad5b-d9cb-469f-a165-70867728950e", "first_decision_ms": 1764000000000,
                  "gpc": gpc, "language": "en-GB", "last_decision_ms": 1764000000000 + n * 1000,
                  "policy_version": config["policy_version"], "revision": config["revision"], "schema": 1,
                  "services": {s: i % 2 == 0 for i, s in enumerate(ids)}}
        seeds.append(b"\x00" + json.dumps(record, sort_keys=True, separators=(",", ":")).encode())
    seeds.append(b"\x01" + (ROOT / "assets/consent.json").read_bytes())
    for lit in json_objects("tests/unit/unit-consent.cpp"):
        seeds.append((b"\x01" if '"services"' in lit and '"policy_version"' in lit else b"\x02") + lit.encode())
    return seeds


def json_lite_seeds():
    seeds = [(ROOT / "assets/consent.json").read_text(), '{"a":[1,-0,2.5e-3,true,false,null,{"b":"\\u00e9\\ud83d\\ude00"}]}',
             '{"k":"x","k":"y"}', '{"n":9223372036854775807,"m":-9223372036854775808,"o":99999999999999999999}',
             '{"s":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000"}', "  { }  "]
    seeds += json_objects("tests/unit/unit-embed.cpp")[:10]
    return seeds


def json_reader_seeds():
    seeds = [(ROOT / "tests/api/fixtures/catalogue.json").read_text(), order(),
             '{"a":"","b":null,"c":["x","y"],"d":[],"e":18446744073709551615,"f":-9223372036854775808,"g":1.0}',
             '{"x":100,"y":-1,"z":"a\\u0000b","w":[1,"2"],"v":{"k":1}}']
    return seeds


def activation_seeds():
    text = (ROOT / "tests/unit/unit-activation-code.cpp").read_text()
    codes = sorted(set(re.findall(r'"((?:LPA|lpa|Lpa):[^"]*)"', text)))
    return [c.encode().decode("unicode_escape").encode("latin-1") for c in codes]


def webhook_seeds():
    secret = b"whsec_fuzz_0123456789abcdef"
    seeds = []
    for t, body in [(1790000000, b'{"id":"evt_1","type":"payment.succeeded","data":{"session":"cs_1"}}'),
                    (1789999800, b'{"id":"evt_2","type":"payment.failed"}'), (1790000400, b"")]:
        mac = hmac.new(secret, str(t).encode() + b"." + body, hashlib.sha256).hexdigest()
        seeds.append(f"t={t},v1={mac}".encode() + b"\n" + body)
    seeds += [b"t=1790000000,v1=" + b"0" * 64 + b"\n{}", b"v1=abc,t=12\n", b"\n", b"t=,v1=,t=1\nbody"]
    return seeds


def main():
    write("catalogue", catalogue_seeds())
    write("order", order_seeds())
    write("consent_record", consent_seeds())
    write("json_lite", json_lite_seeds())
    write("json_reader", json_reader_seeds())
    write("activation_code", activation_seeds())
    write("webhook_signature", webhook_seeds())
    write("embed_config", json_objects("tests/unit/unit-embed.cpp"))


if __name__ == "__main__":
    main()
