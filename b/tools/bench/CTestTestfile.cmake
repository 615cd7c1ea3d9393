# CMake generated Testfile for 
# Source directory: /work/main/tools/bench
# Build directory: /work/main/b/tools/bench
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(tools_bench_smoke_blackhole "/work/main/tools/bench/test_bench.sh" "/work/main/b/tools/bench/pmemkv-bench" "blackhole")
set_tests_properties(tools_bench_smoke_blackhole PROPERTIES  LABELS "tools;mt" TIMEOUT "30" _BACKTRACE_TRIPLES "/work/main/tools/bench/CMakeLists.txt;28;add_test;/work/main/tools/bench/CMakeLists.txt;0;")
add_test(tools_bench_smoke_cmap "/work/main/tools/bench/test_bench.sh" "/work/main/b/tools/bench/pmemkv-bench" "cmap")
set_tests_properties(tools_bench_smoke_cmap PROPERTIES  LABELS "tools;mt" TIMEOUT "30" _BACKTRACE_TRIPLES "/work/main/tools/bench/CMakeLists.txt;28;add_test;/work/main/tools/bench/CMakeLists.txt;0;")
