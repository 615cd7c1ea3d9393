# Empty dependencies file for test_pmem.
# This may be replaced when dependencies are built.
