# Empty dependencies file for test_pool_badfile.
# This may be replaced when dependencies are built.
