// compile_only.cpp -- the public header alone, from C++ (extern "C" linkage,
// no C-only constructs), linked against the shared library.
#include <libpmemkv.h>

#include <string>

int
main()
{
	pmemkv_config *cfg = pmemkv_config_new();
	if (!cfg)
		return 1;
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
	if (pmemkv_config_put_force_create(cfg, false) != PMEMKV_STATUS_OK)
		return 2;
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
	pmemkv_db *db = nullptr;
	if (pmemkv_open("blackhole", cfg, &db) != PMEMKV_STATUS_OK)
		return 3;
	std::string k = "key";
	if (pmemkv_put(db, k.data(), k.size(), "v", 1) != PMEMKV_STATUS_OK)
		return 4;
	size_t cnt = 1;
	if (pmemkv_count_all(db, &cnt) != PMEMKV_STATUS_OK || cnt != 0)
		return 5;
	pmemkv_get_v_callback *vcb = [](const char *, size_t, void *) {};
	if (pmemkv_get(db, "key", 3, vcb, nullptr) != PMEMKV_STATUS_NOT_FOUND)
		return 6;
	pmemkv_close(db);
	return std::string(pmemkv_errormsg()).size() == 0 ? 0 : 7;
}
