# Empty dependencies file for kv_errormsg_mt.
# This may be replaced when dependencies are built.
