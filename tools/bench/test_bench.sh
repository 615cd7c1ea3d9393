#!/bin/sh
# test_bench.sh BENCH ENGINE [--lmdb] -- smoke test of pmemkv-bench (tiny, < 3 s):
# every workload with 2 threads against the dram baseline, then (persistent
# engines) the crash-after-fill reopen path. Fails if the benchmark fails,
# a read misses a key it should find, or the record count after the crash
# is wrong.
set -eu
BENCH=$1
ENGINE=$2
LMDB=${3:-}
POOL=/dev/shm/pmemkv-bench-smoke-$ENGINE-$$.pool
trap 'rm -f "$POOL"' EXIT
trap 'exit 1' INT TERM

out=$("$BENCH" --engine="$ENGINE" --baseline $LMDB --num=3000 --threads=2 --path="$POOL" \
	--benchmarks=fillseq,overwrite,readrandom,readmissing,deleterandom,fillrandom,readwhilewriting,open)
echo "$out"
check() { printf '%s\n' "$out" | grep -q "$1" || { echo "FAIL: no line matching '$1'"; exit 1; }; }
check "^$ENGINE *readrandom *: .*(3000 ops"
check "^dram *readrandom *: .*(3000 ops, 3000 found,"
check "^$ENGINE *open *: "
check "x of dram"
if [ -n "$LMDB" ]; then
	check "^lmdb *readrandom *: .*(3000 ops, 3000 found,"
	check "^lmdb *readmissing *: .*(3000 ops, 0 found,"
	check "x of lmdb"
	[ ! -e "$POOL.lmdb" ] || { echo "FAIL: lmdb file not removed"; exit 1; }
	echo PASS
	exit 0
fi
[ ! -e "$POOL" ] || { echo "FAIL: pool not removed"; exit 1; }
if [ "$ENGINE" = blackhole ]; then
	echo PASS
	exit 0
fi
check "^$ENGINE *readrandom *: .*(3000 ops, 3000 found,"
check "^$ENGINE *readmissing *: .*(3000 ops, 0 found,"
check "^$ENGINE *deleterandom *: .*(3000 ops, 3000 found,"

out=$("$BENCH" --engine="$ENGINE" --num=2000 --threads=2 --path="$POOL" \
	--crash-after-fill=kill --benchmarks=readrandom)
echo "$out"
check "after crash: 2000 records (expected 2000)$"
check "^$ENGINE *readrandom *: .*(2000 ops, 2000 found,"
echo PASS
