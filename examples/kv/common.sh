# common.sh -- shared by the run_*.sh scripts of the seed example (sourced).
#
# Environment:
#   PMEMKV_EXAMPLE_BIN_DIR  folder holding pmemkv_c and pmemkv_cpp
#                           (default: $BUILD/examples/kv, else this folder)
#   BUILD                   the CMake build folder (default: ../../build)
#   PMEMKV_PYTHONPATH       folder holding the built `pmemkv` module
#                           (default: $BUILD/bindings/python)
#   PYTHON                  interpreter (default: Python3_EXECUTABLE of the
#                           CMake build, the one the module was built for;
#                           else python3)
#   PMEMKV_PY_PRELOAD       sanitizer runtime to LD_PRELOAD into the interpreter
#                           only (for a module built with SANITIZE=asan/tsan)
#   PMEMKV_PATH             pool file to use instead of a fresh temporary one
#   KEEP_POOL=1             keep the pool file at exit
#
# A script started with a pool path (argument or PMEMKV_PATH) deletes that
# file first (the checks expect a fresh pool) and, unless KEEP_POOL=1, at exit.

EX_DIR=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$EX_DIR/../../build}
BIN_DIR=${PMEMKV_EXAMPLE_BIN_DIR:-}
if [ -z "$BIN_DIR" ]; then
	if [ -x "$BUILD/examples/kv/pmemkv_c" ]; then
		BIN_DIR=$BUILD/examples/kv
	else
		BIN_DIR=$EX_DIR
	fi
fi
# the interpreter the module was built for (bindings/python), else python3
if [ -z "${PYTHON:-}" ] && [ -f "$BUILD/CMakeCache.txt" ]; then
	PYTHON=$(sed -n 's/^Python3_EXECUTABLE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
fi
PYTHON=${PYTHON:-python3}
FAILED=0

# pool_path ARG LANG -- the pool file: ARG, $PMEMKV_PATH, or a fresh temp name
pool_path() {
	if [ -n "$1" ]; then
		echo "$1"
	elif [ -n "${PMEMKV_PATH:-}" ]; then
		echo "$PMEMKV_PATH"
	else
		echo "${TMPDIR:-/tmp}/pmemkv-example-$2.$$.pool"
	fi
}

# fresh_pool POOL -- remove POOL (a regular file) and arrange its removal at exit
fresh_pool() {
	if [ -e "$1" ] && [ ! -f "$1" ]; then
		echo "error: $1 exists and is not a regular file; give another pool path" >&2
		exit 2
	fi
	rm -f "$1"
	POOL_TO_REMOVE=$1
	OUT_FILE=$(mktemp "${TMPDIR:-/tmp}/pmemkv-example-out.XXXXXX")
	trap 'rm -f "$OUT_FILE"; [ "${KEEP_POOL:-0}" = 1 ] || rm -f "$POOL_TO_REMOVE"' EXIT
}

# need_bin NAME -- the path of an example program, or exit with a hint
need_bin() {
	if [ ! -x "$BIN_DIR/$1" ]; then
		echo "error: $BIN_DIR/$1 not found: build it with 'make' in examples/kv" \
			"(or 'cmake --build <build>'), or set PMEMKV_EXAMPLE_BIN_DIR" >&2
		exit 2
	fi
	echo "$BIN_DIR/$1"
}

# setup_python -- make `import pmemkv` work, or exit with a hint
setup_python() {
	pp=${PMEMKV_PYTHONPATH:-$BUILD/bindings/python}
	PYTHONPATH=$pp${PYTHONPATH:+:$PYTHONPATH}
	export PYTHONPATH
	if ! py -c 'import pmemkv' 2>/dev/null; then
		echo "error: cannot import the pmemkv Python module from $pp" \
			"(build it with cmake -DPMEMKV_BUILD_PYTHON=ON, or set" \
			"PMEMKV_PYTHONPATH)" >&2
		py -c 'import pmemkv' >&2 || true
		exit 2
	fi
}

# py ARGS... -- run the Python interpreter (with PMEMKV_PY_PRELOAD, if set)
py() {
	if [ -n "${PMEMKV_PY_PRELOAD:-}" ]; then
		LD_PRELOAD=$PMEMKV_PY_PRELOAD ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
			PYTHONMALLOC=malloc "$PYTHON" "$@"
	else
		"$PYTHON" "$@"
	fi
}

# run_step LABEL CMD... -- run CMD, show its output, keep it in $OUT_FILE
run_step() {
	label=$1
	shift
	if [ "$1" = py ]; then
		echo "--- $label: $PYTHON $(shift; echo "$@")"
	else
		echo "--- $label: $*"
	fi
	if ! "$@" >"$OUT_FILE"; then
		cat "$OUT_FILE"
		echo "FAIL: $label: exit status not 0" >&2
		exit 1
	fi
	cat "$OUT_FILE"
}

# check TAG "K=V K=V ..." COUNT "GETLINE" -- check the last run_step's output:
# the get_all lines are exactly the pairs (in any order), count_all is
# COUNT, and the line "[TAG] GETLINE" is there.
check() {
	tag=$1 want_pairs=$2 want_count=$3 want_get=$4
	got=$(sed -n "s/^\[$tag\]   \(.*\) = \(.*\)\$/\1=\2/p" "$OUT_FILE" | sort)
	want=$(echo "$want_pairs" | tr ' ' '\n' | sort)
	if [ "$got" != "$want" ]; then
		echo "FAIL: [$tag] get_all pairs differ" >&2
		echo "  expected: $(echo "$want" | tr '\n' ' ')" >&2
		echo "  got:      $(echo "$got" | tr '\n' ' ')" >&2
		FAILED=1
	fi
	if ! grep -qx "\[$tag\] count_all: $want_count" "$OUT_FILE"; then
		echo "FAIL: [$tag] expected 'count_all: $want_count'" >&2
		FAILED=1
	fi
	if ! grep -qxF "[$tag] $want_get" "$OUT_FILE"; then
		echo "FAIL: [$tag] expected the line '$want_get'" >&2
		FAILED=1
	fi
	[ "$FAILED" = 0 ] || exit 1
	echo "ok: [$tag] $(echo "$got" | wc -l) pairs, count_all $want_count, $want_get"
}
