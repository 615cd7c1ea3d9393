# Empty dependencies file for test_cpp_mt.
# This may be replaced when dependencies are built.
