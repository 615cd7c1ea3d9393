# Empty compiler generated dependencies file for test_cmap_torture.
# This may be replaced when dependencies are built.
