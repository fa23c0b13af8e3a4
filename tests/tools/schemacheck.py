#!/usr/bin/env python3
"""Validates every alert (a line starting with "{") in the files named
against tests/data/alert/alert-v1.schema.json with a real JSON Schema
validator (python3-jsonschema, draft 2020-12).  Prints the first bad line
and why, exit 1; exit 0 when every alert conforms (or there is none).

usage: schemacheck.py FILE...
"""
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(__file__), '..', 'data', 'alert',
                      'alert-v1.schema.json')


def main(paths):
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    n = 0
    for p in paths:
        with open(p, encoding='utf-8', errors='replace') as f:
            for lineno, line in enumerate(f, 1):
                if not line.startswith('{'):
                    continue
                n += 1
                try:
                    alert = json.loads(line)
                except ValueError as e:
                    print('%s:%d: not JSON: %s' % (p, lineno, e))
                    return 1
                errs = sorted(v.iter_errors(alert), key=lambda e: e.path)
                if errs:
                    e = errs[0]
                    print('%s:%d: %s at %s' % (p, lineno, e.message,
                                               '/'.join(map(str, e.path))))
                    return 1
    print('schemacheck: %d alerts conform' % n)
    return 0


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
