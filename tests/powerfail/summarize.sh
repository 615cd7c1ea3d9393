#!/bin/sh
# summarize.sh LOG -- add up the power-fail simulator's summary lines in a
# ctest log (Testing/Temporary/LastTest.log). Scenarios that plant a bug on
# purpose ("missing flush", "wrong order", "torn publish") are counted apart:
# their violations prove the simulator sees what it claims to see.
log=${1:?usage: summarize.sh LastTest.log}
[ -f "$log" ] || { echo "powerfail: no log at $log"; exit 0; }
awk '
/^powerfail: [0-9]+ crash points, [0-9]+ violations$/ {
	planted = (prev ~ /missing flush|wrong order|torn publish/)
	if (planted) { pn += $2; pv += $5; pc++ } else { n += $2; v += $5; c++ }
}
{ prev = $0 }
END {
	printf "powerfail total over %d scenarios: %d crash points, %d violations\n", c, n, v
	printf "powerfail planted bugs over %d scenarios: %d crash points, %d violations (expected > 0)\n", pc, pn, pv
	exit (v > 0)
}' "$log"
