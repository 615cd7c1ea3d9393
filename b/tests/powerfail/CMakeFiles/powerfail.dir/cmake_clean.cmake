file(REMOVE_RECURSE
  "CMakeFiles/powerfail.dir/powerfail.c.o"
  "CMakeFiles/powerfail.dir/powerfail.c.o.d"
  "libpowerfail.a"
  "libpowerfail.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/powerfail.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
