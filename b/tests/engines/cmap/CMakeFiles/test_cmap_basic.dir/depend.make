# Empty dependencies file for test_cmap_basic.
# This may be replaced when dependencies are built.
