# CMake generated Testfile for 
# Source directory: /work/main/tests/kv
# Build directory: /work/main/b/tests/kv
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(kv_config "/work/main/b/tests/kv/kv_config")
set_tests_properties(kv_config PROPERTIES  LABELS "kv" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/kv/CMakeLists.txt;4;pmemkv_add_test;/work/main/tests/kv/CMakeLists.txt;0;")
add_test(kv_api "/work/main/b/tests/kv/kv_api")
set_tests_properties(kv_api PROPERTIES  LABELS "kv" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/kv/CMakeLists.txt;5;pmemkv_add_test;/work/main/tests/kv/CMakeLists.txt;0;")
add_test(kv_open "/work/main/b/tests/kv/kv_open")
set_tests_properties(kv_open PROPERTIES  LABELS "kv" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/kv/CMakeLists.txt;6;pmemkv_add_test;/work/main/tests/kv/CMakeLists.txt;0;")
add_test(kv_open_cmap "/work/main/b/tests/kv/kv_open_cmap")
set_tests_properties(kv_open_cmap PROPERTIES  LABELS "kv;cmap" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/kv/CMakeLists.txt;7;pmemkv_add_test;/work/main/tests/kv/CMakeLists.txt;0;")
add_test(kv_errormsg_mt "/work/main/b/tests/kv/kv_errormsg_mt")
set_tests_properties(kv_errormsg_mt PROPERTIES  LABELS "kv;mt" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/kv/CMakeLists.txt;8;pmemkv_add_test;/work/main/tests/kv/CMakeLists.txt;0;")
add_test(kv_engines_blackhole "/work/main/b/tests/kv/kv_engines" "blackhole")
set_tests_properties(kv_engines_blackhole PROPERTIES  LABELS "kv;blackhole" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/tests/kv/CMakeLists.txt;15;add_test;/work/main/tests/kv/CMakeLists.txt;0;")
add_test(kv_engines_cmap "/work/main/b/tests/kv/kv_engines" "cmap")
set_tests_properties(kv_engines_cmap PROPERTIES  LABELS "kv;cmap" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/tests/kv/CMakeLists.txt;15;add_test;/work/main/tests/kv/CMakeLists.txt;0;")
add_test(kv_exports "sh" "/work/main/tests/kv/check_exports.sh" "/usr/bin/nm" "/usr/bin/cc" "/work/main/include/libpmemkv.h" "/work/main/b/libpmemkv.so.1.5.0")
set_tests_properties(kv_exports PROPERTIES  LABELS "kv" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/tests/kv/CMakeLists.txt;20;add_test;/work/main/tests/kv/CMakeLists.txt;0;")
add_test(kv_compile_c "/work/main/b/tests/kv/kv_compile_c")
set_tests_properties(kv_compile_c PROPERTIES  LABELS "kv" TIMEOUT "30" _BACKTRACE_TRIPLES "/work/main/tests/kv/CMakeLists.txt;29;add_test;/work/main/tests/kv/CMakeLists.txt;0;")
add_test(kv_compile_cpp "/work/main/b/tests/kv/kv_compile_cpp")
set_tests_properties(kv_compile_cpp PROPERTIES  LABELS "kv" TIMEOUT "30" _BACKTRACE_TRIPLES "/work/main/tests/kv/CMakeLists.txt;33;add_test;/work/main/tests/kv/CMakeLists.txt;0;")
