file(REMOVE_RECURSE
  "CMakeFiles/kv_errormsg_mt.dir/test_errormsg_mt.c.o"
  "CMakeFiles/kv_errormsg_mt.dir/test_errormsg_mt.c.o.d"
  "kv_errormsg_mt"
  "kv_errormsg_mt.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kv_errormsg_mt.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
