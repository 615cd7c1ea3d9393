/*
 * pmemkv.cpp -- the seed example, in C++ (libpmemkv.hpp).
 *
 *   pmemkv_cpp [PATH [KEY=VALUE ...]]
 *
 * Same behaviour and output as pmemkv.c, with the tag "[cpp]": open
 * (creating if missing) a cmap store in PATH, put the pairs (default
 * key1..key3 = value1..value3; a single "-" puts nothing), print every pair
 * with get_all, the count, and the first key put (or key1) read with get,
 * then close (the db's destructor closes it).
 */
#include <iostream>
#include <string>
#include <vector>

#include <libpmemkv.hpp>

#include "kvinit.hpp"

using namespace pmem::kv;

#define TAG "[cpp] "

/*
 * print_pair -- get_all callback: k and v are views into the pool (zero
 * copy), valid during the call only; operator<< prints exactly their bytes.
 */
static int print_pair(string_view k, string_view v)
{
	std::cout << TAG "  " << k << " = " << v << "\n";
	return 0;
}

int main(int argc, char *argv[])
{
	std::string path = kvinit_path(argc > 1 ? argv[1] : "");
	std::vector<std::string> pairs = {"key1=value1", "key2=value2", "key3=value3"};
	if (argc > 2) {
		pairs.assign(argv + 2, argv + argc);
		if (pairs.size() == 1 && pairs[0] == "-")
			pairs.clear();
	}

	db kv;
	if (kvinit(kv, path, KVINIT_POOL_SIZE) != status::OK)
		return 1;
	pmemkv_stats st;
	std::cout << TAG "pool: " << path << " (durability: "
		  << (kv.get_stats(st) == status::OK ? st.durability : "?") << ")\n";

	std::string first_key = "key1";
	for (std::size_t i = 0; i < pairs.size(); i++) {
		std::size_t eq = pairs[i].find('=');
		if (eq == std::string::npos) {
			std::cerr << "argument \"" << pairs[i] << "\" is not KEY=VALUE\n";
			return 1;
		}
		std::string key = pairs[i].substr(0, eq), value = pairs[i].substr(eq + 1);
		status s = kv.put(key, value);
		if (s != status::OK) {
			std::cerr << "put(" << key << "): " << s << ": " << kv.errormsg() << "\n";
			return 1;
		}
		std::cout << TAG "put " << key << " = " << value << "\n";
		if (i == 0)
			first_key = key;
	}

	std::cout << TAG "get_all:\n";
	status s = kv.get_all(print_pair);
	if (s != status::OK) {
		std::cerr << "get_all: " << s << ": " << kv.errormsg() << "\n";
		return 1;
	}

	std::size_t cnt = 0;
	s = kv.count_all(cnt);
	if (s != status::OK) {
		std::cerr << "count_all: " << s << ": " << kv.errormsg() << "\n";
		return 1;
	}
	std::cout << TAG "count_all: " << cnt << "\n";

	std::string value;
	s = kv.get(first_key, &value); /* copies the value out */
	if (s != status::OK) {
		std::cerr << "get(" << first_key << "): " << s << ": " << kv.errormsg() << "\n";
		return 1;
	}
	std::cout << TAG "get " << first_key << " = " << value << "\n";
	return 0; /* ~db closes the store */
}
