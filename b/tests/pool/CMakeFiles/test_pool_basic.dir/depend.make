# Empty dependencies file for test_pool_basic.
# This may be replaced when dependencies are built.
