#!/bin/sh
# run_cpp.sh [POOL] -- run the C++ example (pmemkv.cpp) on a fresh pool and
# check its output. Environment: see common.sh.
set -eu
. "$(dirname "$0")/common.sh"
POOL=$(pool_path "${1:-}" cpp)
fresh_pool "$POOL"
bin=$(need_bin pmemkv_cpp)
run_step "C++" "$bin" "$POOL"
check cpp "key1=value1 key2=value2 key3=value3" 3 "get key1 = value1"
