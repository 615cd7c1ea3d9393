# Empty compiler generated dependencies file for test_cmap_mt.
# This may be replaced when dependencies are built.
