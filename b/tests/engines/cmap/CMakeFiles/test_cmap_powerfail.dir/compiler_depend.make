# Empty compiler generated dependencies file for test_cmap_powerfail.
# This may be replaced when dependencies are built.
