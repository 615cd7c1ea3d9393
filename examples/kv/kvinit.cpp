/*
 * kvinit.cpp -- create-or-open helper of the C++ example (see kvinit.hpp).
 */
#include <cstdlib>
#include <iostream>

#include "kvinit.hpp"

using pmem::kv::config;
using pmem::kv::status;

std::string kvinit_path(const std::string &arg)
{
	if (!arg.empty())
		return arg;
	const char *env = std::getenv("PMEMKV_PATH");
	if (env && env[0])
		return env;
	const char *tmp = std::getenv("TMPDIR");
	return std::string(tmp && tmp[0] ? tmp : "/tmp") + "/pmemkv-example.pool";
}

status kvinit(pmem::kv::db &kv, const std::string &path, std::uint64_t size)
{
	config cfg;
	status s = cfg.put_path(path);
	if (s == status::OK)
		s = cfg.put_size(size);
	if (s == status::OK)
		s = cfg.put_create_if_missing(true);
	if (s != status::OK) {
		std::cerr << "config: " << s << ": " << pmem::kv::errormsg() << std::endl;
		return s;
	}
	s = kv.open("cmap", std::move(cfg)); /* consumes cfg, whatever the outcome */
	if (s != status::OK)
		std::cerr << "open(cmap, " << path << "): " << s << ": " << kv.errormsg()
			  << std::endl;
	return s;
}
