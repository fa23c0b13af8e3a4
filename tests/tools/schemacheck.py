#!/usr/bin/env python3
"""Validates every alert (a line starting with "{") in the files named
against tests/data/alert/alert-v<v>.schema.json, <v> being the alert's
own "v", with a real JSON Schema validator (python3-jsonschema, draft
2020-12).  Prints the first bad line
and why, exit 1; exit 0 when every alert conforms (or there is none).

usage: schemacheck.py FILE...
"""
import json
import os
import sys

import jsonschema

DATA = os.path.join(os.path.dirname(__file__), '..', 'data', 'alert')
VALIDATORS = {}


def validator(version):
    """The validator of schema version `version`, or None."""
    if version not in VALIDATORS:
        path = os.path.join(DATA, 'alert-v%s.schema.json' % version)
        if not isinstance(version, int) or not os.path.exists(path):
            return None
        with open(path) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        VALIDATORS[version] = jsonschema.Draft202012Validator(
            schema,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return VALIDATORS[version]


def main(paths):
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
                v = validator(alert.get('v') if isinstance(alert, dict)
                              else None)
                if v is None:
                    print('%s:%d: no schema for this alert\'s "v"' %
                          (p, lineno))
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
