# Empty dependencies file for test_cpp_header_only_cxx20.
# This may be replaced when dependencies are built.
