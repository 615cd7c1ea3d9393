file(REMOVE_RECURSE
  "CMakeFiles/pmemkv_cpp.dir/kv/kvinit.cpp.o"
  "CMakeFiles/pmemkv_cpp.dir/kv/kvinit.cpp.o.d"
  "CMakeFiles/pmemkv_cpp.dir/kv/pmemkv.cpp.o"
  "CMakeFiles/pmemkv_cpp.dir/kv/pmemkv.cpp.o.d"
  "kv/pmemkv_cpp"
  "kv/pmemkv_cpp.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/pmemkv_cpp.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
