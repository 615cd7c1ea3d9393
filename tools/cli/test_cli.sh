#!/bin/sh
# test_cli.sh CLI -- every pmemkv-cli subcommand on a /dev/shm pool, plus the
# error paths: existing file on create, missing key, wrong (non-pool) file,
# missing file, usage errors.
set -u
CLI=$1
DIR=/dev/shm/pmemkv-cli-test-$$
POOL=$DIR/pool
trap 'rm -rf "$DIR"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$DIR" || exit 1
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect STATUS CMD... -- run, capture stdout in $out and stderr in $err
expect() {
	want=$1; shift
	"$@" >"$DIR/out" 2>"$DIR/err"
	got=$?
	out=$(cat "$DIR/out"); err=$(cat "$DIR/err")
	if [ "$got" != "$want" ]; then
		fail "'$*' exited $got, expected $want; stdout: $out; stderr: $err"
		return 1
	fi
	return 0
}

expect 0 "$CLI" create "$POOL" --size 32M && printf "%s\n" "$out" | grep -q "created" ||
	fail "create: $out"
expect 1 "$CLI" create "$POOL" --size 32M &&
	{ [ -n "$err" ] || fail "create over an existing file: no message"; }
expect 2 "$CLI" create "$DIR/other"  # --size missing
expect 0 "$CLI" count "$POOL" && [ "$out" = 0 ] || fail "count of empty pool: '$out'"

expect 0 "$CLI" put "$POOL" key1 value1
expect 0 "$CLI" put "$POOL" key2 value2
expect 0 "$CLI" put "$POOL" key1 value1-new    # overwrite
TABKEY=$(printf 'tab\tkey')
expect 0 "$CLI" put "$POOL" "$TABKEY" "$(printf 'line1\nline2\\')"
expect 0 "$CLI" put "$POOL" "" empty-key-value  # the empty key is valid
expect 0 "$CLI" put "$POOL" -- --dashkey --dashvalue
expect 0 "$CLI" get "$POOL" -- --dashkey && [ "$out" = --dashvalue ] || fail "get --dashkey: '$out'"
expect 0 "$CLI" remove "$POOL" -- --dashkey

expect 0 "$CLI" get "$POOL" key1 && [ "$out" = value1-new ] || fail "get key1: '$out'"
expect 0 "$CLI" get "$POOL" key2 && [ "$out" = value2 ] || fail "get key2: '$out'"
expect 0 "$CLI" get "$POOL" "$TABKEY" && [ "$out" = 'line1\x0aline2\\' ] ||
	fail "get escaped: '$out'"
expect 0 "$CLI" get "$POOL" "" && [ "$out" = empty-key-value ] || fail "get empty key: '$out'"
expect 1 "$CLI" get "$POOL" nosuchkey && printf "%s\n" "$err" | grep -q "not found" ||
	fail "get missing key: '$err'"

expect 0 "$CLI" count "$POOL" && [ "$out" = 4 ] || fail "count: '$out'"
expect 0 "$CLI" list "$POOL"
sorted=$(printf "%s\n" "$out" | tr '\t' '|' | LC_ALL=C sort)
wanted=$(printf '%s\n' '|empty-key-value' 'key1|value1-new' 'key2|value2' \
	'tab\x09key|line1\x0aline2\\' | LC_ALL=C sort)
[ "$sorted" = "$wanted" ] || fail "list: got '$sorted' expected '$wanted'"

expect 0 "$CLI" info "$POOL"
for field in "engine: *cmap" "durability: *process" "pool size: *[0-9]" \
	"used bytes: *[0-9]" "records: *4" "bytes per record: *[0-9]"; do
	printf "%s\n" "$out" | grep -q "^$field" || fail "info lacks '$field': $out"
done

expect 0 "$CLI" remove "$POOL" key2
expect 1 "$CLI" remove "$POOL" key2 && printf "%s\n" "$err" | grep -q "not found" ||
	fail "remove missing: '$err'"
expect 1 "$CLI" get "$POOL" key2
expect 0 "$CLI" count "$POOL" && [ "$out" = 3 ] || fail "count after remove: '$out'"

# a wrong file: not a pool
printf 'this is not a pmemkv pool\n%.0s' $(seq 1 2000) >"$DIR/notapool"
expect 1 "$CLI" get "$DIR/notapool" key1 && [ -n "$err" ] ||
	fail "wrong file: no message"
echo "wrong file -> $err"
expect 1 "$CLI" count "$DIR/nosuchfile" && [ -n "$err" ] || fail "missing file: no message"
echo "missing file -> $err"
expect 1 "$CLI" info "$POOL" --engine nosuchengine && [ -n "$err" ] ||
	fail "bad engine: no message"
echo "bad engine -> $err"

# usage errors
expect 2 "$CLI"
expect 2 "$CLI" frobnicate "$POOL"
expect 2 "$CLI" get "$POOL"
expect 2 "$CLI" put "$POOL" k v extra
expect 2 "$CLI" count "$POOL" --bogus
expect 0 "$CLI" --help

# the data survived all of that
expect 0 "$CLI" get "$POOL" key1 && [ "$out" = value1-new ] || fail "final get: '$out'"

if [ $fails -ne 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo PASS
