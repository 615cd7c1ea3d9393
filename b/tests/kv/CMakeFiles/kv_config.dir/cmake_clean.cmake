file(REMOVE_RECURSE
  "CMakeFiles/kv_config.dir/test_config.c.o"
  "CMakeFiles/kv_config.dir/test_config.c.o.d"
  "kv_config"
  "kv_config.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kv_config.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
