file(REMOVE_RECURSE
  "libpmemkv.a"
)
