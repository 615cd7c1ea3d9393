# Empty compiler generated dependencies file for test_cpp_header_only_cxx17.
# This may be replaced when dependencies are built.
