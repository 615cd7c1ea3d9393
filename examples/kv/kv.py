#!/usr/bin/env python3
"""kv.py -- the seed example, in Python (module `pmemkv`).

    python3 kv.py [PATH [KEY=VALUE ...]]

Same behaviour and output as pmemkv.c, with the tag "[py]": open (creating
if missing) a cmap store in the pool file PATH (default: $PMEMKV_PATH, else
${TMPDIR:-/tmp}/pmemkv-example.pool), put the pairs (default key1..key3 =
value1..value3; a single "-" puts nothing), print every pair with get_all,
the count, and the first key put (or key1) read with get_string, then close.
"""
import os
import sys

import pmemkv

TAG = "[py] "
POOL_SIZE = 64 << 20  # used when the pool is created (at least 8 MiB)


def pool_path(arg):
    if arg:
        return arg
    if os.environ.get("PMEMKV_PATH"):
        return os.environ["PMEMKV_PATH"]
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", "pmemkv-example.pool")


def print_pair(key, value):
    # key and value are read-only memoryviews into the pool (zero copy),
    # valid only during this call: decode them here, keep no reference.
    k = bytes(key).decode(errors="replace")
    v = bytes(value).decode(errors="replace")
    print(TAG + "  %s = %s" % (k, v))


def main(argv):
    path = pool_path(argv[1] if len(argv) > 1 else "")
    pairs = ["key1=value1", "key2=value2", "key3=value3"]
    if len(argv) > 2:
        pairs = argv[2:]
        if pairs == ["-"]:
            pairs = []

    # create_if_missing: create the pool of `size` bytes if the file does not exist
    try:
        db = pmemkv.Database("cmap", {"path": path, "size": POOL_SIZE, "create_if_missing": 1})
    except pmemkv.Error as e:  # e.status: the PMEMKV_STATUS_* code
        print("pmemkv.Database(cmap, %s): %s" % (path, e), file=sys.stderr)
        return 1
    try:
        print(TAG + "pool: %s" % path)
        first_key = "key1"
        for i, pair in enumerate(pairs):
            key, sep, value = pair.partition("=")
            if not sep:
                sys.exit('argument "%s" is not KEY=VALUE' % pair)
            db.put(key, value)  # persistent once it returns
            print(TAG + "put %s = %s" % (key, value))
            if i == 0:
                first_key = key

        print(TAG + "get_all:")
        db.get_all(print_pair)
        print(TAG + "count_all: %d" % db.count_all())
        print(TAG + "get_string %s = %s" % (first_key, db.get_string(first_key)))
    finally:
        db.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
