# CMake generated Testfile for 
# Source directory: /work/main/tests/pool
# Build directory: /work/main/b/tests/pool
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_pool_basic "/work/main/b/tests/pool/test_pool_basic")
set_tests_properties(test_pool_basic PROPERTIES  LABELS "pool" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/pool/CMakeLists.txt;2;pmemkv_add_test;/work/main/tests/pool/CMakeLists.txt;0;")
add_test(test_pool_badfile "/work/main/b/tests/pool/test_pool_badfile")
set_tests_properties(test_pool_badfile PROPERTIES  LABELS "pool" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/pool/CMakeLists.txt;3;pmemkv_add_test;/work/main/tests/pool/CMakeLists.txt;0;")
add_test(test_pool_powerfail "/work/main/b/tests/pool/test_pool_powerfail")
set_tests_properties(test_pool_powerfail PROPERTIES  LABELS "pool;powerfail" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/pool/CMakeLists.txt;4;pmemkv_add_test;/work/main/tests/pool/CMakeLists.txt;0;")
