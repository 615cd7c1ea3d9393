#!/bin/sh
# check_exports.sh NM CC HEADER LIBRARY
# The shared library must export exactly the functions that include/libpmemkv.h
# declares: every declared function is defined, and nothing else is exported
# (the version node LIBPMEMKV_1.5 aside).
set -eu
NM=$1 CC=$2 HEADER=$3 LIB=$4
tmp=${TMPDIR:-/tmp}/pmemkv-exports-$$
trap 'rm -f "$tmp".*' EXIT

# declared: preprocess (drops comments), drop typedefs, take names before "("
"$CC" -E -P -x c "$HEADER" |
	tr '\n' ' ' | tr ';' '\n' | grep -v '^[[:space:]]*typedef' |
	grep -o 'pmemkv_[a-z0-9_]*[[:space:]]*(' | sed 's/[[:space:]]*($//' |
	sort -u >"$tmp.declared"

# exported: defined dynamic symbols, version nodes (type A) dropped
"$NM" -D --defined-only "$LIB" | awk '$2 != "A" { print $3 }' | sed 's/@.*//' |
	sort -u >"$tmp.exported"

n=$(wc -l <"$tmp.declared")
if [ "$n" -lt 60 ]; then
	echo "only $n functions found in $HEADER: the parser is broken"
	exit 1
fi
if ! diff -u "$tmp.declared" "$tmp.exported"; then
	echo "FAIL: exported symbols (+) differ from the functions of $HEADER (-)"
	exit 1
fi
echo "OK: $n functions declared and exported, nothing else exported"
