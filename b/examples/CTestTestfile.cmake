# CMake generated Testfile for 
# Source directory: /work/main/examples
# Build directory: /work/main/b/examples
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(example_c "sh" "/work/main/examples/kv/run_c.sh")
set_tests_properties(example_c PROPERTIES  ENVIRONMENT "PMEMKV_EXAMPLE_BIN_DIR=/work/main/b/examples/kv;BUILD=/work/main/b;PMEMKV_PYTHONPATH=/work/main/b/bindings/python;PYTHON=/usr/bin/python3" LABELS "example" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/examples/CMakeLists.txt;48;add_test;/work/main/examples/CMakeLists.txt;0;")
add_test(example_cpp "sh" "/work/main/examples/kv/run_cpp.sh")
set_tests_properties(example_cpp PROPERTIES  ENVIRONMENT "PMEMKV_EXAMPLE_BIN_DIR=/work/main/b/examples/kv;BUILD=/work/main/b;PMEMKV_PYTHONPATH=/work/main/b/bindings/python;PYTHON=/usr/bin/python3" LABELS "example" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/examples/CMakeLists.txt;48;add_test;/work/main/examples/CMakeLists.txt;0;")
add_test(example_py "sh" "/work/main/examples/kv/run_py.sh")
set_tests_properties(example_py PROPERTIES  ENVIRONMENT "PMEMKV_EXAMPLE_BIN_DIR=/work/main/b/examples/kv;BUILD=/work/main/b;PMEMKV_PYTHONPATH=/work/main/b/bindings/python;PYTHON=/usr/bin/python3" LABELS "example" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/examples/CMakeLists.txt;48;add_test;/work/main/examples/CMakeLists.txt;0;")
add_test(example_cross_lang "sh" "/work/main/examples/kv/run_cross_lang.sh")
set_tests_properties(example_cross_lang PROPERTIES  ENVIRONMENT "PMEMKV_EXAMPLE_BIN_DIR=/work/main/b/examples/kv;BUILD=/work/main/b;PMEMKV_PYTHONPATH=/work/main/b/bindings/python;PYTHON=/usr/bin/python3" LABELS "example" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/examples/CMakeLists.txt;48;add_test;/work/main/examples/CMakeLists.txt;0;")
