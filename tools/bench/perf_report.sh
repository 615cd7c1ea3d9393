#!/bin/sh
# perf_report.sh BENCH [REPS] [DISKDIR] -- the measurements behind
# docs/PERFORMANCE.md, each repeated REPS times (default 3), medians printed
# as markdown tables. Takes ~1 minute with REPS=3 on an idle machine (it
# waits for idle CPU before each measurement, see wait_idle). Raw outputs are kept in
# $OUT (default: a fresh directory under ${TMPDIR:-/tmp}).
#   1. cmap vs the dram baseline, /dev/shm, process mode, 500,000 keys of
#      16 B with 100 B values, 1 and 2 threads
#   2. open time of a 1,000,000-key pool, clean and after a crash (kill -9
#      of the filling process)
#   3. msync mode on a disk file in DISKDIR (default /work/tmp), 500 keys
set -eu
BENCH=$1
REPS=${2:-3}
DISKDIR=${3:-/work/tmp}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/pmemkv-perf.XXXXXX")}
POOL=/dev/shm/pmemkv-perf-$$.pool
DPOOL=$DISKDIR/pmemkv-perf-msync-$$.pool
trap 'rm -f "$POOL" "$DPOOL"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$DISKDIR"

# idle_pct -- percent of CPU time idle over the next 2 seconds (/proc/stat)
idle_pct() {
	a=$(awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8, $5 + $6 }' /proc/stat)
	sleep 2
	b=$(awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8, $5 + $6 }' /proc/stat)
	echo "$a $b" | awk '{ t = $3 - $1; print (t > 0 ? int(100 * ($4 - $2) / t) : 0) }'
}
# wait_idle -- on a shared machine, wait (up to WAIT_IDLE seconds, default
# 120) for a 2-second window with >= 90 % idle CPU before a measurement
wait_idle() {
	waited=0
	while [ "$waited" -lt "${WAIT_IDLE:-120}" ]; do
		idle=$(idle_pct)
		[ "$idle" -ge 90 ] && break
		waited=$((waited + 2))
	done
	echo "  [$1: idle ${idle}% after waiting ${waited}s; load $(cut -d' ' -f1 /proc/loadavg)]"
}

# LMDB too, when this pmemkv-bench was built with it
LMDB=
if "$BENCH" --lmdb --help >/dev/null 2>&1; then LMDB=--lmdb; fi

echo "raw outputs in $OUT; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# REPORT_ONLY=1: no measurement, just the tables from the raw outputs in $OUT
NREP=$REPS
[ -n "${REPORT_ONLY:-}" ] && NREP=0
for r in $(seq 1 "$NREP"); do
	for T in 1 2; do
		wait_idle "rep $r, $T thread(s)"
		"$BENCH" --baseline $LMDB --num=500000 --threads=$T --durability=process \
			--path="$POOL" --seed=$r \
			--benchmarks=fillrandom,overwrite,readrandom,readmissing,deleterandom \
			>"$OUT/kv.t$T.r$r"
	done
	wait_idle "rep $r, open"
	"$BENCH" --num=1000000 --durability=process --path="$POOL" --seed=$r \
		--crash-after-fill=kill --benchmarks=open --open-reps=5 >"$OUT/open.r$r"
	wait_idle "rep $r, msync"
	"$BENCH" --num=500 --durability=msync --path="$DPOOL" --seed=$r \
		--benchmarks=fillrandom,overwrite,readrandom,deleterandom >"$OUT/msync.r$r"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# median / largest of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
largest() { sort -g | tail -1; }
# cpu FILES STORE WORKLOAD -- median thread-CPU ns/op (the "cpu X ns/op" note)
cpu() {
	for f in $1; do
		awk -v s="$2" -v w="$3" '$1 == s && $2 == w {
			for (i = 1; i < NF; i++) if ($i == "cpu") print $(i + 1) }' "$f"
	done | median
}
# col FILES STORE WORKLOAD N [median|largest] -- field N of the summary row
# (1 = store) over FILES
col() {
	files=$1; store=$2; wl=$3; n=$4
	for f in $files; do
		awk -F'|' -v s=" $store " -v w=" $wl " -v n=$((n + 1)) \
			'$2 == s && $3 == w { gsub(/[ x]/, "", $n); print $n }' "$f"
	done | ${5:-median}
}

echo
echo "### cmap vs dram, /dev/shm, process mode, 500,000 keys, 16 B keys, 100 B values (median of $REPS)"
echo
echo "| workload | threads | cmap ops/s | cmap ns/op | cmap cpu ns/op | cmap p99 ns | dram ops/s | dram cpu ns/op | x of dram | lmdb ops/s | x of lmdb |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for wl in fillrandom overwrite readrandom readmissing deleterandom; do
	for T in 1 2; do
		files=$(ls "$OUT"/kv.t$T.r*)
		echo "| $wl | $T | $(col "$files" cmap $wl 3) | $(col "$files" cmap $wl 4)" \
			"| $(cpu "$files" cmap $wl) | $(col "$files" cmap $wl 6)" \
			"| $(col "$files" dram $wl 3) | $(cpu "$files" dram $wl)" \
			"| $(col "$files" cmap $wl 8) | $(col "$files" lmdb $wl 3)" \
			"| $(col "$files" cmap $wl 9) |"
	done
done
# clean FILES WORKLOAD -- over the runs where neither the cmap row nor the dram
# row waited for a core (wall ns/op <= 1.2 x thread-CPU ns/op): "median cmap
# ops/s | median x of dram | clean runs/runs"
clean() {
	n=0
	for f in $1; do n=$((n + 1)); done
	for f in $1; do
		awk -v w="$2" '$2 == w && ($1 == "cmap" || $1 == "dram") {
			for (i = 1; i < NF; i++) if ($i == "cpu") c = $(i + 1)
			ops[$1] = $4; ok[$1] = ($6 <= 1.2 * c) }
			END { if (ok["cmap"] && ok["dram"]) print ops["cmap"], ops["cmap"] / ops["dram"] }' "$f"
	done >"$OUT/clean.tmp"
	k=$(wc -l <"$OUT/clean.tmp")
	if [ "$k" -eq 0 ]; then
		echo "- | - | 0/$n"
	else
		echo "$(cut -d' ' -f1 "$OUT/clean.tmp" | median) | $(cut -d' ' -f2 "$OUT/clean.tmp" |
			median | awk '{ printf "%.2f", $1 }') | $k/$n"
	fi
	rm -f "$OUT/clean.tmp"
}

echo
echo "### the same over the runs that did not wait for a core"
echo
echo "A run counts for a workload when both its cmap and its dram rows have wall ns/op <= 1.2 x cpu ns/op."
echo
echo "| workload | threads | cmap ops/s | x of dram | clean runs |"
echo "|---|---:|---:|---:|---:|"
for wl in fillrandom overwrite readrandom readmissing deleterandom; do
	for T in 1 2; do
		echo "| $wl | $T | $(clean "$(ls "$OUT"/kv.t$T.r*)" $wl) |"
	done
done
for wl in fillrandom overwrite readrandom readmissing deleterandom; do
	one=$(clean "$(ls "$OUT"/kv.t1.r*)" $wl | cut -d' ' -f1)
	two=$(clean "$(ls "$OUT"/kv.t2.r*)" $wl | cut -d' ' -f1)
	echo "- $wl, cmap 2 threads / 1 thread over clean runs:" \
		"$(awk -v a="$one" -v b="$two" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", b / a; else print "n/a" }')"
done

echo
echo "### 2 threads / 1 thread (ops/s: median 2T / median 1T; in brackets best 2T / best 1T)"
echo
for wl in fillrandom overwrite readrandom readmissing deleterandom; do
	line="- $wl:"
	for st in cmap dram; do
		one=$(col "$(ls "$OUT"/kv.t1.r*)" $st $wl 3)
		two=$(col "$(ls "$OUT"/kv.t2.r*)" $st $wl 3)
		b1=$(col "$(ls "$OUT"/kv.t1.r*)" $st $wl 3 largest)
		b2=$(col "$(ls "$OUT"/kv.t2.r*)" $st $wl 3 largest)
		line="$line $st $(awk -v a="$one" -v b="$two" -v c="$b1" -v d="$b2" \
			'BEGIN { printf "%.2fx (%.2fx)", b / a, d / c }')"
	done
	echo "$line"
done
echo
echo "### space (after fillrandom of 500,000 records, 1 thread; median)"
echo
for f in "$OUT"/kv.t1.r*; do
	awk '/^cmap +fillrandom/ { getline; for (i = 1; i <= NF; i++) if ($i == "bytes/record,") print $(i - 1) }' "$f"
done | median | sed 's/^/- cmap bytes per record: /'
grep -h -A1 '^cmap *fillrandom' "$OUT/kv.t1.r1" | tail -1 | sed 's/^ */- run 1: /'
echo
echo "### open, 1,000,000 keys (ms; median of $REPS runs)"
echo
for f in "$OUT"/open.r*; do awk '/^cmap +open-after-crash/ { print $4 }' "$f"; done | median |
	sed 's/^/- after crash (kill -9 of the filler): /; s/$/ ms/'
for f in "$OUT"/open.r*; do awk '/^cmap +open +:/ { print $7 }' "$f"; done | median |
	sed 's/^/- clean (median of 5 opens per run): /; s/$/ ms/'
grep -h "after crash:" "$OUT"/open.r* | sort | uniq -c | sed 's/^/- /'
echo
echo "### msync mode, disk file in $DISKDIR, 500 keys, 1 thread (median of $REPS)"
echo
for wl in fillrandom overwrite readrandom deleterandom; do
	ns=$(col "$(ls "$OUT"/msync.r*)" cmap $wl 4)
	p50=$(col "$(ls "$OUT"/msync.r*)" cmap $wl 5)
	p99=$(col "$(ls "$OUT"/msync.r*)" cmap $wl 6)
	echo "- $wl: mean $(awk -v n="$ns" 'BEGIN { printf "%.1f", n / 1000 }') us/op," \
		"p50 $(awk -v n="$p50" 'BEGIN { printf "%.1f", n / 1000 }') us," \
		"p99 $(awk -v n="$p99" 'BEGIN { printf "%.1f", n / 1000 }') us"
done
grep -h "^durability in force" "$OUT"/msync.r1 | sed 's/^/- msync run: /'
