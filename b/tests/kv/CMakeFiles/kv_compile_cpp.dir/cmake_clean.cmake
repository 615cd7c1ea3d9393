file(REMOVE_RECURSE
  "CMakeFiles/kv_compile_cpp.dir/compile_only.cpp.o"
  "CMakeFiles/kv_compile_cpp.dir/compile_only.cpp.o.d"
  "kv_compile_cpp"
  "kv_compile_cpp.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/kv_compile_cpp.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
