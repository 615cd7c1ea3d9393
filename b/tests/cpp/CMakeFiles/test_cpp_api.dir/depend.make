# Empty dependencies file for test_cpp_api.
# This may be replaced when dependencies are built.
