/*
 * classic_example.cpp -- the classic libpmemkv C++ example, kept as a user
 * would write it (only the pool path is made unique for the test): it must
 * compile and run unchanged against libpmemkv.hpp.
 */
#include <cassert>
#include <cstdio>
#include <iostream>
#include <string>

#include <unistd.h>

#include "libpmemkv.hpp"

#define LOG(msg) std::cout << msg << "\n"

using namespace pmem::kv;

static std::string PATH;
const uint64_t SIZE = 32 * 1024 * 1024;

int kvprint(string_view k, string_view v)
{
	LOG("key: " << std::string(k.data(), k.size())
		    << ", value: " << std::string(v.data(), v.size()));
	return 0;
}

int main()
{
	PATH = "/dev/shm/pmemkv-classic-" + std::to_string(getpid()) + ".pool";

	LOG("Starting engine");
	db *kv = new db();
	assert(kv != nullptr);
	config cfg;
	status s = cfg.put_string("path", PATH);
	assert(s == status::OK);
	s = cfg.put_uint64("force_create", 1);
	assert(s == status::OK);
	s = cfg.put_uint64("size", SIZE);
	assert(s == status::OK);
	s = kv->open("cmap", std::move(cfg));
	if (s != status::OK)
		std::cerr << pmemkv_errormsg() << errormsg() << std::endl;
	assert(s == status::OK);

	LOG("Putting new key");
	s = kv->put("key1", "value1");
	assert(s == status::OK);

	size_t cnt;
	s = kv->count_all(cnt);
	assert(s == status::OK && cnt == 1);

	LOG("Reading key back");
	std::string value;
	s = kv->get("key1", &value);
	assert(s == status::OK && value == "value1");

	LOG("Iterating existing keys");
	s = kv->put("key2", "value2");
	assert(s == status::OK);
	s = kv->put("key3", "value3");
	assert(s == status::OK);
	kv->get_all(kvprint);

	LOG("Removing existing key");
	s = kv->remove("key1");
	assert(s == status::OK);
	s = kv->exists("key1");
	assert(s == status::NOT_FOUND);

	LOG("Stopping engine");
	std::cerr << pmemkv_errormsg() << errormsg();
	delete kv;
	std::remove(PATH.c_str());
	return 0;
}
