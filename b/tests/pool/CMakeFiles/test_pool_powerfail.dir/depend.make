# Empty dependencies file for test_pool_powerfail.
# This may be replaced when dependencies are built.
