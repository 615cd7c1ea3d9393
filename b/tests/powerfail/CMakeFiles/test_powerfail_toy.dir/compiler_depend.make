# Empty compiler generated dependencies file for test_powerfail_toy.
# This may be replaced when dependencies are built.
