"""Reads a NACHA ACH file back with an independent parser (achkit, from PyPI) and checks it
against what Halo says the batch holds: the file validates (record lengths, blocking, entry
hash, control totals, routing check digits), and every entry parses back to the expected
routing number, account number, amount, name, member id and transaction code, in order.

usage: python nacha_check.py FILE.ach EXPECTED.json
EXPECTED.json: {"company_name": ..., "company_id": ..., "entries": [{"routing", "account",
"amount_cents", "name", "id", "txn_code"}]}
"""
import json
import sys

import achkit


def main(path, expected_path):
    text = open(path, encoding="ascii").read()
    want = json.load(open(expected_path))
    problems = []
    v = achkit.validate(text)
    if not v["ok"]:
        problems += [f"validate: {e['code']} {e['field']}: {e['message']}" for e in v["errors"]]
    f = achkit.parse(text)
    batches = f["batches"]
    if len(batches) != 1:
        problems.append(f"{len(batches)} batches, want 1")
    b = batches[0]
    if b["sec"] != "PPD" or b["service_class"] != 220:
        problems.append(f"batch is {b['sec']} {b['service_class']}, want PPD 220")
    if b["company_id"] != want["company_id"] or b["company_name"] != want["company_name"]:
        problems.append(f"company {b['company_name']!r} {b['company_id']!r}")
    got = b["entries"]
    if len(got) != len(want["entries"]):
        problems.append(f"{len(got)} entries, want {len(want['entries'])}")
    for i, (g, w) in enumerate(zip(got, want["entries"])):
        for key, gv in (("routing", g["routing"]), ("account", g["account"]), ("amount_cents", g["amount_cents"]),
                        ("name", g["name"]), ("id", g["id_number"]), ("txn_code", g["txn_code"])):
            if gv != w[key]:
                problems.append(f"entry {i + 1} {key}: {gv!r}, want {w[key]!r}")
    total = sum(e["amount_cents"] for e in want["entries"])
    if b["control"]["total_credit"] != total or f["control"]["total_credit"] != total:
        problems.append(f"control totals {b['control']['total_credit']} / {f['control']['total_credit']}, want {total}")
    if problems:
        print("\n".join(problems[:50]))
        sys.exit(1)
    print(f"ok: {len(got)} entries, {total} cents, {f['control']['block_count']} blocks")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
