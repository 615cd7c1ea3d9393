# Empty dependencies file for test_pmem_mt.
# This may be replaced when dependencies are built.
