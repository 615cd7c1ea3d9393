/*
 * kvinit.hpp -- open a cmap store in a pool file, creating the file if it is
 * missing: the C++ counterpart of kvinit.h.
 */
#ifndef KVINIT_HPP
#define KVINIT_HPP

#include <cstdint>
#include <string>

#include <libpmemkv.hpp>

/* Pool size used when the pool is created (at least 8 MiB). */
constexpr std::uint64_t KVINIT_POOL_SIZE = 64ull << 20;

/*
 * kvinit_path -- `arg` if not empty, else $PMEMKV_PATH if set and non-empty,
 * else ${TMPDIR:-/tmp}/pmemkv-example.pool.
 */
std::string kvinit_path(const std::string &arg);

/*
 * kvinit -- open engine "cmap" on `path` into `kv`, creating a pool of
 * `size` bytes if the file does not exist. Returns the status; on failure it
 * has printed the status and the error message to std::cerr.
 */
pmem::kv::status kvinit(pmem::kv::db &kv, const std::string &path, std::uint64_t size);

#endif
