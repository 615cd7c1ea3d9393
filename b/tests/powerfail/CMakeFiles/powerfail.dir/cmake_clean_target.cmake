file(REMOVE_RECURSE
  "libpowerfail.a"
)
