file(REMOVE_RECURSE
  "CMakeFiles/pmemkv_c.dir/kv/kvinit.c.o"
  "CMakeFiles/pmemkv_c.dir/kv/kvinit.c.o.d"
  "CMakeFiles/pmemkv_c.dir/kv/pmemkv.c.o"
  "CMakeFiles/pmemkv_c.dir/kv/pmemkv.c.o.d"
  "kv/pmemkv_c"
  "kv/pmemkv_c.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemkv_c.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
