# CMake generated Testfile for 
# Source directory: /work/main/bindings/python
# Build directory: /work/main/b/bindings/python
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(python_pmemkv "/usr/bin/python3" "-X" "faulthandler" "-m" "unittest" "discover" "-s" "/work/main/bindings/python/tests" "-p" "test_*.py" "-v")
set_tests_properties(python_pmemkv PROPERTIES  ENVIRONMENT "PYTHONPATH=/work/main/b/bindings/python;PYTHONDONTWRITEBYTECODE=1;PYTHONNOUSERSITE=1" LABELS "python;mt" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/bindings/python/CMakeLists.txt;67;add_test;/work/main/bindings/python/CMakeLists.txt;0;")
