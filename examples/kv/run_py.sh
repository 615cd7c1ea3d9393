#!/bin/sh
# run_py.sh [POOL] -- run the Python example (kv.py) on a fresh pool and
# check its output. Environment: see common.sh (PMEMKV_PYTHONPATH, PYTHON).
set -eu
. "$(dirname "$0")/common.sh"
POOL=$(pool_path "${1:-}" py)
fresh_pool "$POOL"
setup_python
run_step "Python" py "$EX_DIR/kv.py" "$POOL"
check py "key1=value1 key2=value2 key3=value3" 3 "get_string key1 = value1"
