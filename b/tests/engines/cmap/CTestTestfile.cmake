# CMake generated Testfile for 
# Source directory: /work/main/tests/engines/cmap
# Build directory: /work/main/b/tests/engines/cmap
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_cmap_basic "/work/main/b/tests/engines/cmap/test_cmap_basic")
set_tests_properties(test_cmap_basic PROPERTIES  LABELS "cmap" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/engines/cmap/CMakeLists.txt;2;pmemkv_add_test;/work/main/tests/engines/cmap/CMakeLists.txt;0;")
add_test(test_cmap_powerfail "/work/main/b/tests/engines/cmap/test_cmap_powerfail")
set_tests_properties(test_cmap_powerfail PROPERTIES  LABELS "cmap;powerfail" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/engines/cmap/CMakeLists.txt;3;pmemkv_add_test;/work/main/tests/engines/cmap/CMakeLists.txt;0;")
add_test(test_cmap_mt "/work/main/b/tests/engines/cmap/test_cmap_mt")
set_tests_properties(test_cmap_mt PROPERTIES  LABELS "cmap;mt" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/engines/cmap/CMakeLists.txt;4;pmemkv_add_test;/work/main/tests/engines/cmap/CMakeLists.txt;0;")
add_test(test_cmap_torture "/work/main/b/tests/engines/cmap/test_cmap_torture")
set_tests_properties(test_cmap_torture PROPERTIES  LABELS "cmap" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/engines/cmap/CMakeLists.txt;5;pmemkv_add_test;/work/main/tests/engines/cmap/CMakeLists.txt;0;")
