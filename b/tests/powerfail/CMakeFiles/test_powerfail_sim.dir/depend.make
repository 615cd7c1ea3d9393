# Empty dependencies file for test_powerfail_sim.
# This may be replaced when dependencies are built.
