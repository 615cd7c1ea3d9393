#!/bin/sh
# run_c.sh [POOL] -- run the C example (pmemkv.c) on a fresh pool and check
# its output. Environment: see common.sh.
set -eu
. "$(dirname "$0")/common.sh"
POOL=$(pool_path "${1:-}" c)
fresh_pool "$POOL"
bin=$(need_bin pmemkv_c)
run_step "C" "$bin" "$POOL"
check c "key1=value1 key2=value2 key3=value3" 3 "get_copy key1 = value1"
