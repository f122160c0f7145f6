#!/usr/bin/env python3
"""duplicate_keys.py FILE... — refuses a YAML document in which a mapping repeats a key.

YAML loaders keep the last of two equal keys silently (PyYAML) or refuse the file
(openapi-typescript, Redocly): a document such as openapi/openapi.yaml with `PlanFinding`
defined twice reads differently to different clients. Prints every repeated key with its line
and exits 1 when there is one, 0 otherwise (2 when a file cannot be read as YAML).
"""
import sys

import yaml


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            continue
        if key in seen:
            loader.duplicates.append("line %d: key %r repeats the one of line %d" % (
                key_node.start_mark.line + 1, key, seen[key]))
        else:
            seen[key] = key_node.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def duplicates(text):
    """[message] for every repeated key of the YAML text (empty when none)."""
    loader = _Loader(text)
    loader.duplicates = []
    try:
        loader.get_single_data()
    finally:
        loader.dispose()
    return loader.duplicates


def main(paths):
    status = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                found = duplicates(f.read())
        except (OSError, yaml.YAMLError) as e:
            print("%s: %s" % (path, e), file=sys.stderr)
            return 2
        for msg in found:
            print("%s: %s" % (path, msg), file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
