#!/bin/sh
# run_cross_lang.sh [POOL] -- one pool, four programs, three languages:
#   1. C      creates the pool and writes key1..key3
#   2. C++    reads them, adds key4 and overwrites key2
#   3. Python reads all that, adds key5
#   4. C      reopens read-only ("-") and must see all five pairs
# Each step's output is printed and checked. Environment: see common.sh.
set -eu
. "$(dirname "$0")/common.sh"
POOL=$(pool_path "${1:-}" cross)
fresh_pool "$POOL"
c=$(need_bin pmemkv_c)
cpp=$(need_bin pmemkv_cpp)
setup_python

run_step "1. C writes" "$c" "$POOL"
check c "key1=value1 key2=value2 key3=value3" 3 "get_copy key1 = value1"

run_step "2. C++ reads and extends" "$cpp" "$POOL" key4=value4-from-cpp key2=value2-from-cpp
check cpp "key1=value1 key2=value2-from-cpp key3=value3 key4=value4-from-cpp" 4 \
	"get key4 = value4-from-cpp"

run_step "3. Python reads and extends" py "$EX_DIR/kv.py" "$POOL" key5=value5-from-py
check py "key1=value1 key2=value2-from-cpp key3=value3 key4=value4-from-cpp key5=value5-from-py" \
	5 "get_string key5 = value5-from-py"

run_step "4. C reads back" "$c" "$POOL" -
check c "key1=value1 key2=value2-from-cpp key3=value3 key4=value4-from-cpp key5=value5-from-py" \
	5 "get_copy key1 = value1"
echo "ok: cross-language round trip through $POOL"
