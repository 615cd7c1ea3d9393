# Empty compiler generated dependencies file for test_cpp_classic_example.
# This may be replaced when dependencies are built.
