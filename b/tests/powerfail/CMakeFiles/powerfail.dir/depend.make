# Empty dependencies file for powerfail.
# This may be replaced when dependencies are built.
