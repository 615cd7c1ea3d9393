/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmemkv.hpp -- the public C++ API: a header-only C++17 wrapper over the
 * C API in libpmemkv.h, source compatible with libpmemkv 1.5's C++ API
 * (namespace pmem::kv: status, string_view, config, db, tx, result).
 *
 * Rules, in addition to those of libpmemkv.h:
 *  - Every call is a thin forward to one pmemkv_* function and returns its
 *    status as pmem::kv::status; pmem::kv::errormsg() (or db::errormsg())
 *    describes the last failure of this thread.
 *  - Nothing here throws on its own except result<T>::get_value() (on a
 *    result that holds no value) and allocation failures of std::string /
 *    std::function. A callback given to get*() MAY throw: the exception is
 *    caught before it reaches the C library (it never unwinds through C
 *    frames), the iteration is stopped, and the same exception is rethrown
 *    from the get*() call once the C call has returned. The C library is left
 *    in a consistent state (the callback only ever reads).
 *  - Built with -fno-exceptions, the header still compiles: what would throw
 *    calls std::abort() instead.
 *  - A comparator given to config::put_comparator() must not throw: its
 *    trampoline is noexcept, so an escaping exception calls std::terminate()
 *    (continuing with an inconsistent ordering would corrupt a sorted
 *    engine).
 *  - string_view arguments and the views passed to callbacks are not owned:
 *    a view given to a callback is valid only during the callback (for
 *    persistent engines it points straight into the mapped pool).
 *  - config and db are movable, not copyable; db closes itself on
 *    destruction. A db may be used from many threads at once (the C rules),
 *    except open(), close(), moves and destruction, which need the caller to
 *    make sure no other call is in flight; a config, a tx, an iterator and a
 *    result belong to one thread at a time.
 *
 * Departures from libpmemkv 1.5, all additive or safer:
 *  - callbacks may be any callable (lambda, functor, function pointer,
 *    std::function) and are called without the cost of a std::function;
 *  - calls on a db that is not open return INVALID_ARGUMENT (from the C
 *    layer) instead of crashing; db::is_open() says which; get(key,
 *    (std::string *)nullptr) is INVALID_ARGUMENT;
 *  - result<T>::get_value() && returns T by value (1.5: T&&), so a
 *    reference bound to it does not dangle;
 *  - string_view compares with const char *, std::string and
 *    std::string_view on either side, and prints with operator<<;
 *  - db::get_stats() forwards the pmemkv_get_stats() extension;
 *  - write_iterator::write_range() returns a plain range of char
 *    (pmem::kv::char_range) instead of libpmemobj++'s pmem::obj::slice:
 *    this library does not depend on libpmemobj++.
 */
#ifndef LIBPMEMKV_HPP
#define LIBPMEMKV_HPP

#include <cassert>
#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "libpmemkv.h"

/*
 * Built with -fno-exceptions: what would throw calls std::abort() instead,
 * and callbacks are called without a catch (they cannot throw anyway).
 */
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define PMEMKV_CPP_THROW(e) throw e
#define PMEMKV_CPP_EXCEPTIONS 1
#else
#define PMEMKV_CPP_THROW(e) std::abort()
#define PMEMKV_CPP_EXCEPTIONS 0
#endif

namespace pmem
{
namespace kv
{

/*
 * status -- the PMEMKV_STATUS_* codes of libpmemkv.h, one for one.
 */
enum class status {
	OK = PMEMKV_STATUS_OK,
	UNKNOWN_ERROR = PMEMKV_STATUS_UNKNOWN_ERROR,
	NOT_FOUND = PMEMKV_STATUS_NOT_FOUND,
	NOT_SUPPORTED = PMEMKV_STATUS_NOT_SUPPORTED,
	INVALID_ARGUMENT = PMEMKV_STATUS_INVALID_ARGUMENT,
	CONFIG_PARSING_ERROR = PMEMKV_STATUS_CONFIG_PARSING_ERROR,
	CONFIG_TYPE_ERROR = PMEMKV_STATUS_CONFIG_TYPE_ERROR,
	STOPPED_BY_CB = PMEMKV_STATUS_STOPPED_BY_CB,
	OUT_OF_MEMORY = PMEMKV_STATUS_OUT_OF_MEMORY,
	WRONG_ENGINE_NAME = PMEMKV_STATUS_WRONG_ENGINE_NAME,
	TRANSACTION_SCOPE_ERROR = PMEMKV_STATUS_TRANSACTION_SCOPE_ERROR,
	DEFRAG_ERROR = PMEMKV_STATUS_DEFRAG_ERROR,
	COMPARATOR_MISMATCH = PMEMKV_STATUS_COMPARATOR_MISMATCH,
};

namespace detail
{
/* status_name -- "OK", "NOT_FOUND", ...; "UNKNOWN_STATUS" outside the table */
inline const char *status_name(status s) noexcept
{
	static const char *const names[] = {
		"OK",
		"UNKNOWN_ERROR",
		"NOT_FOUND",
		"NOT_SUPPORTED",
		"INVALID_ARGUMENT",
		"CONFIG_PARSING_ERROR",
		"CONFIG_TYPE_ERROR",
		"STOPPED_BY_CB",
		"OUT_OF_MEMORY",
		"WRONG_ENGINE_NAME",
		"TRANSACTION_SCOPE_ERROR",
		"DEFRAG_ERROR",
		"COMPARATOR_MISMATCH",
	};
	int n = static_cast<int>(s);
	if (n < 0 || static_cast<std::size_t>(n) >= sizeof(names) / sizeof(names[0]))
		return "UNKNOWN_STATUS";
	return names[n];
}

inline status to_status(int s) noexcept
{
	return static_cast<status>(s);
}
} /* namespace detail */

/* Prints a status as libpmemkv 1.5 does: "NOT_FOUND (2)". */
inline std::ostream &operator<<(std::ostream &os, const status &s)
{
	os << detail::status_name(s) << " (" << static_cast<int>(s) << ")";
	return os;
}

/*
 * string_view -- a non-owning (pointer, size) view of bytes, which may hold
 * NUL bytes. Converts implicitly from const char * (up to the first NUL),
 * std::string and std::string_view, and implicitly to std::string_view, so
 * either can be passed where the other is expected. data() is never NULL
 * (the empty view points at ""), and is NOT NUL-terminated in general: print
 * a view with operator<< or std::string(v.data(), v.size()), not with
 * printf("%s", v.data()).
 */
class string_view {
public:
	using value_type = char;
	using size_type = std::size_t;
	using const_iterator = const char *;
	using iterator = const_iterator;
	static constexpr size_type npos = static_cast<size_type>(-1);

	constexpr string_view() noexcept : data_(""), size_(0)
	{
	}
	constexpr string_view(const char *data, std::size_t size) noexcept
	    : data_(data ? data : ""), size_(data ? size : 0)
	{
	}
	string_view(const char *data) noexcept
	    : data_(data ? data : ""), size_(data ? std::strlen(data) : 0)
	{
	}
	string_view(const std::string &s) noexcept : data_(s.data()), size_(s.size())
	{
	}
	constexpr string_view(std::string_view s) noexcept
	    : data_(s.data() ? s.data() : ""), size_(s.data() ? s.size() : 0)
	{
	}

	constexpr string_view(const string_view &) noexcept = default;
	constexpr string_view &operator=(const string_view &) noexcept = default;

	constexpr operator std::string_view() const noexcept
	{
		return std::string_view(data_, size_);
	}

	constexpr const char *data() const noexcept
	{
		return data_;
	}
	constexpr std::size_t size() const noexcept
	{
		return size_;
	}
	constexpr std::size_t length() const noexcept
	{
		return size_;
	}
	constexpr bool empty() const noexcept
	{
		return size_ == 0;
	}
	constexpr const char *begin() const noexcept
	{
		return data_;
	}
	constexpr const char *end() const noexcept
	{
		return data_ + size_;
	}
	constexpr const char *cbegin() const noexcept
	{
		return data_;
	}
	constexpr const char *cend() const noexcept
	{
		return data_ + size_;
	}
	constexpr const char &operator[](std::size_t i) const noexcept
	{
		return data_[i];
	}
	/* at -- operator[] with a bounds check: std::out_of_range */
	const char &at(std::size_t i) const
	{
		if (i >= size_)
			PMEMKV_CPP_THROW(std::out_of_range("pmem::kv::string_view::at"));
		return data_[i];
	}
	constexpr const char &front() const noexcept
	{
		return data_[0];
	}
	constexpr const char &back() const noexcept
	{
		return data_[size_ - 1];
	}
	/* remove_prefix / remove_suffix -- n must be <= size() */
	constexpr void remove_prefix(std::size_t n) noexcept
	{
		data_ += n;
		size_ -= n;
	}
	constexpr void remove_suffix(std::size_t n) noexcept
	{
		size_ -= n;
	}
	constexpr void swap(string_view &other) noexcept
	{
		string_view t = *this;
		*this = other;
		other = t;
	}
	/* substr -- [pos, pos + min(n, size() - pos)); std::out_of_range if pos > size() */
	string_view substr(std::size_t pos = 0, std::size_t n = npos) const
	{
		if (pos > size_)
			PMEMKV_CPP_THROW(std::out_of_range("pmem::kv::string_view::substr"));
		return string_view(data_ + pos, n < size_ - pos ? n : size_ - pos);
	}

	/*
	 * compare -- bytewise (unsigned) comparison, then by length: < 0, 0 or
	 * > 0, like std::string_view::compare.
	 */
	int compare(const string_view &other) const noexcept
	{
		std::size_t n = size_ < other.size_ ? size_ : other.size_;
		int r = n ? std::memcmp(data_, other.data_, n) : 0;
		if (r != 0)
			return r;
		if (size_ < other.size_)
			return -1;
		return size_ > other.size_ ? 1 : 0;
	}

private:
	const char *data_;
	std::size_t size_;
};

namespace detail
{
/*
 * Comparisons accept a string_view on either side and anything that
 * converts to one on the other (const char *, std::string,
 * std::string_view). Being templates that match exactly, they win over
 * std::string_view's own operators, so `v == "abc"` and `v == str` are
 * never ambiguous.
 */
template <typename A, typename B>
constexpr bool is_sv_cmp = (std::is_same_v<A, string_view> || std::is_same_v<B, string_view>) &&
	std::is_convertible_v<const A &, string_view> &&
	std::is_convertible_v<const B &, string_view>;
template <typename A, typename B>
using enable_sv_cmp = std::enable_if_t<is_sv_cmp<A, B>, bool>;
} /* namespace detail */

template <typename A, typename B>
inline detail::enable_sv_cmp<A, B> operator==(const A &a, const B &b) noexcept
{
	string_view x(a), y(b);
	return x.size() == y.size() && x.compare(y) == 0;
}
template <typename A, typename B>
inline detail::enable_sv_cmp<A, B> operator!=(const A &a, const B &b) noexcept
{
	return !(a == b);
}
template <typename A, typename B>
inline detail::enable_sv_cmp<A, B> operator<(const A &a, const B &b) noexcept
{
	return string_view(a).compare(string_view(b)) < 0;
}
template <typename A, typename B>
inline detail::enable_sv_cmp<A, B> operator>(const A &a, const B &b) noexcept
{
	return string_view(a).compare(string_view(b)) > 0;
}
template <typename A, typename B>
inline detail::enable_sv_cmp<A, B> operator<=(const A &a, const B &b) noexcept
{
	return string_view(a).compare(string_view(b)) <= 0;
}
template <typename A, typename B>
inline detail::enable_sv_cmp<A, B> operator>=(const A &a, const B &b) noexcept
{
	return string_view(a).compare(string_view(b)) >= 0;
}

/* Writes the bytes of the view (all of them, NULs included). */
inline std::ostream &operator<<(std::ostream &os, const string_view &v)
{
	return os.write(v.data(), static_cast<std::streamsize>(v.size()));
}

/* Callback types: the C shapes, and the C++ shapes (libpmemkv 1.5 names). */
using get_kv_callback = pmemkv_get_kv_callback;
using get_v_callback = pmemkv_get_v_callback;
/* returns 0 to go on, non-zero to stop the iteration (-> STOPPED_BY_CB) */
using get_kv_function = int(string_view key, string_view value);
using get_v_function = void(string_view value);

/* Last error message of this thread ("" if none), as a std::string. */
inline std::string errormsg()
{
	return std::string(pmemkv_errormsg());
}

/*
 * bad_result_access -- thrown by result<T>::get_value() on a result that
 * holds a status instead of a value.
 */
class bad_result_access : public std::runtime_error {
public:
	explicit bad_result_access(const char *what_arg) : std::runtime_error(what_arg)
	{
	}
};

/*
 * result<T> -- a status and, when the status is OK, a value.
 */
template <typename T>
class result {
public:
	result(const T &val) : value_(val), s_(status::OK)
	{
	}
	result(T &&val) : value_(std::move(val)), s_(status::OK)
	{
	}
	/* s must not be OK */
	result(const status &s) noexcept : s_(s)
	{
		assert(s != status::OK);
	}

	bool is_ok() const noexcept
	{
		return s_ == status::OK;
	}
	status get_status() const noexcept
	{
		return s_;
	}

	const T &get_value() const &
	{
		check();
		return *value_;
	}
	T &get_value() &
	{
		check();
		return *value_;
	}
	/*
	 * moves the value out; the result is left holding UNKNOWN_ERROR.
	 * Returns by value (libpmemkv 1.5 returns T&&), so that
	 * `const auto &v = db.tx_begin().get_value();` does not dangle.
	 */
	T get_value() &&
	{
		check();
		s_ = status::UNKNOWN_ERROR;
		return std::move(*value_);
	}

private:
	void check() const
	{
		if (s_ != status::OK || !value_)
			PMEMKV_CPP_THROW(bad_result_access("bad_result_access: value doesn't exist"));
	}

	std::optional<T> value_;
	status s_;
};

template <typename T>
bool operator==(const result<T> &lhs, const status &rhs) noexcept
{
	return lhs.get_status() == rhs;
}
template <typename T>
bool operator==(const status &lhs, const result<T> &rhs) noexcept
{
	return lhs == rhs.get_status();
}
template <typename T>
bool operator!=(const result<T> &lhs, const status &rhs) noexcept
{
	return lhs.get_status() != rhs;
}
template <typename T>
bool operator!=(const status &lhs, const result<T> &rhs) noexcept
{
	return lhs != rhs.get_status();
}

class db;

namespace detail
{
struct config_deleter {
	void operator()(pmemkv_config *c) const noexcept
	{
		pmemkv_config_delete(c);
	}
};
struct db_deleter {
	void operator()(pmemkv_db *d) const noexcept
	{
		pmemkv_close(d);
	}
};
struct tx_deleter {
	void operator()(pmemkv_tx *t) const noexcept
	{
		pmemkv_tx_end(t);
	}
};

/* Owns a unique_ptr handed to config::put_object(key, unique_ptr). */
template <typename T, typename D>
struct object_holder {
	std::unique_ptr<T, D> obj;
	static void *get(void *arg) noexcept
	{
		return static_cast<object_holder *>(arg)->obj.get();
	}
	static void destroy(void *arg) noexcept
	{
		delete static_cast<object_holder *>(arg);
	}
};

/*
 * Owns a C++ comparator and the pmemkv_comparator that calls it. It is
 * shared: the C config item holds one reference (a heap shared_ptr, deleted
 * with the item), the C++ config another, which db::open() moves into the
 * db, because pmemkv_open deletes its config once the engine is open while
 * the engine keeps calling the comparator until close.
 */
template <typename Comparator>
struct comparator_holder {
	Comparator cmp;
	pmemkv_comparator *c_cmp = nullptr;

	template <typename C>
	explicit comparator_holder(C &&c) : cmp(std::forward<C>(c))
	{
	}
	~comparator_holder()
	{
		if (c_cmp)
			pmemkv_comparator_delete(c_cmp);
	}
	comparator_holder(const comparator_holder &) = delete;
	comparator_holder &operator=(const comparator_holder &) = delete;

	/* noexcept: a throwing comparator terminates (see the top of file) */
	static int compare(const char *k1, std::size_t kb1, const char *k2, std::size_t kb2,
			   void *arg) noexcept
	{
		auto *h = static_cast<comparator_holder *>(arg);
		return h->cmp.compare(string_view(k1, kb1), string_view(k2, kb2));
	}
	/* getter and deleter of the C config item (arg: shared_ptr<holder> *) */
	static void *get(void *arg) noexcept
	{
		return (*static_cast<std::shared_ptr<comparator_holder> *>(arg))->c_cmp;
	}
	static void destroy(void *arg) noexcept
	{
		delete static_cast<std::shared_ptr<comparator_holder> *>(arg);
	}
};

/*
 * Trampolines from the C callbacks to C++ callables. An exception thrown by
 * the callable is stored in the context, the iteration is stopped, and the
 * caller rethrows it after the C function has returned (rethrow()).
 */
template <typename F>
struct kv_context {
	F *f;
	std::exception_ptr ex;

	static int call(const char *k, std::size_t kb, const char *v, std::size_t vb,
			void *arg) noexcept
	{
		auto *c = static_cast<kv_context *>(arg);
#if PMEMKV_CPP_EXCEPTIONS
		if (c->ex)
			return 1;
		try {
			return static_cast<int>((*c->f)(string_view(k, kb), string_view(v, vb)));
		} catch (...) {
			c->ex = std::current_exception();
			return 1;
		}
#else
		return static_cast<int>((*c->f)(string_view(k, kb), string_view(v, vb)));
#endif
	}
	status rethrow(int s) const
	{
#if PMEMKV_CPP_EXCEPTIONS
		if (ex)
			std::rethrow_exception(ex);
#endif
		return to_status(s);
	}
};

template <typename F>
struct v_context {
	F *f;
	std::exception_ptr ex;

	static void call(const char *v, std::size_t vb, void *arg) noexcept
	{
		auto *c = static_cast<v_context *>(arg);
#if PMEMKV_CPP_EXCEPTIONS
		if (c->ex)
			return;
		try {
			(*c->f)(string_view(v, vb));
		} catch (...) {
			c->ex = std::current_exception();
		}
#else
		(*c->f)(string_view(v, vb));
#endif
	}
	status rethrow(int s) const
	{
#if PMEMKV_CPP_EXCEPTIONS
		if (ex)
			std::rethrow_exception(ex);
#endif
		return to_status(s);
	}
};

/* F can be called as int f(string_view key, string_view value) */
template <typename F>
using enable_kv_fn =
	std::enable_if_t<std::is_invocable_r_v<int, std::remove_reference_t<F> &, string_view,
					       string_view>,
			 status>;
/* F can be called as f(string_view value) */
template <typename F>
using enable_v_fn =
	std::enable_if_t<std::is_invocable_v<std::remove_reference_t<F> &, string_view>, status>;
} /* namespace detail */

/*
 * config -- engine configuration: a map from names to values (uint64,
 * int64, string, binary data, object with deleter). The pmemkv_config is
 * created on the first put; a config that was never written hands NULL to
 * release(). db::open() consumes the config (it is moved in).
 *
 * Every put_* returns OK, or UNKNOWN_ERROR if the underlying config could
 * not be created, or what the C call returns. Every get_* returns OK,
 * NOT_FOUND (also on a config that holds nothing), CONFIG_TYPE_ERROR, or what
 * the C call returns.
 */
class config {
public:
	config() noexcept = default;
	/* takes ownership of cfg */
	explicit config(pmemkv_config *cfg) noexcept : config_(cfg)
	{
	}

	config(const config &) = delete;
	config &operator=(const config &) = delete;
	config(config &&) noexcept = default;
	config &operator=(config &&) noexcept = default;
	~config() = default;

	/* put_data -- stores a copy of `number` objects of type T at value */
	template <typename T>
	status put_data(const std::string &key, const T *value,
			const std::size_t number = 1) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(pmemkv_config_put_data(
			config_.get(), key.c_str(), static_cast<const void *>(value),
			number * sizeof(T)));
	}

	/*
	 * put_object -- stores a pointer; `deleter` (may be NULL) is called
	 * on it when the config (or the db that consumed it) goes away.
	 */
	template <typename T>
	status put_object(const std::string &key, T *value, void (*deleter)(void *)) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(pmemkv_config_put_object(
			config_.get(), key.c_str(), static_cast<void *>(value), deleter));
	}

	/* put_object -- stores an object owned by a unique_ptr (moved in) */
	template <typename T, typename D>
	status put_object(const std::string &key, std::unique_ptr<T, D> object) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		using holder = detail::object_holder<T, D>;
		holder *h = new (std::nothrow) holder{std::move(object)};
		if (!h)
			return status::OUT_OF_MEMORY;
		int s = pmemkv_config_put_object_cb(config_.get(), key.c_str(), h,
						    &holder::get, &holder::destroy);
		if (s != PMEMKV_STATUS_OK)
			delete h;
		return detail::to_status(s);
	}

	status put_uint64(const std::string &key, std::uint64_t value) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(
			pmemkv_config_put_uint64(config_.get(), key.c_str(), value));
	}

	status put_int64(const std::string &key, std::int64_t value) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(
			pmemkv_config_put_int64(config_.get(), key.c_str(), value));
	}

	status put_string(const std::string &key, const std::string &value) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(
			pmemkv_config_put_string(config_.get(), key.c_str(), value.c_str()));
	}

	/* "size": pool size in bytes, used when the pool is created */
	status put_size(std::uint64_t size) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(pmemkv_config_put_size(config_.get(), size));
	}

	/* "path": the pool file */
	status put_path(const std::string &path) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(pmemkv_config_put_path(config_.get(), path.c_str()));
	}

	/* "create_or_error_if_exists" (the deprecated name of which is force_create) */
	[[deprecated("use put_create_or_error_if_exists instead")]] status
	put_force_create(bool value) noexcept
	{
		return put_create_or_error_if_exists(value);
	}

	status put_create_or_error_if_exists(bool value) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(
			pmemkv_config_put_create_or_error_if_exists(config_.get(), value));
	}

	status put_create_if_missing(bool value) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(
			pmemkv_config_put_create_if_missing(config_.get(), value));
	}

	/* "oid": NOT_SUPPORTED by this implementation (no libpmemobj pools) */
	status put_oid(PMEMoid *oid) noexcept
	{
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		return detail::to_status(pmemkv_config_put_oid(config_.get(), oid));
	}

	/*
	 * put_comparator -- key order for sorted engines. Comparator is any
	 * type with `int compare(string_view, string_view)` (const or not)
	 * and `std::string name()`; it is copied or moved into the config.
	 * compare must not throw (see the top of the file). A db reopened
	 * with a comparator of another name fails with COMPARATOR_MISMATCH.
	 */
	template <typename Comparator>
	status put_comparator(Comparator &&comparator)
	{
		using holder = detail::comparator_holder<std::decay_t<Comparator>>;
		static_assert(std::is_convertible_v<decltype(std::declval<std::decay_t<Comparator> &>()
								     .compare(string_view(),
									      string_view())),
						    int>,
			      "Comparator must have int compare(string_view, string_view)");
		if (init() != 0)
			return status::UNKNOWN_ERROR;
		auto h = std::make_shared<holder>(std::forward<Comparator>(comparator));
		std::string name = h->cmp.name();
		h->c_cmp = pmemkv_comparator_new(&holder::compare, name.c_str(), h.get());
		if (!h->c_cmp)
			return status::UNKNOWN_ERROR;
		auto ref = std::make_unique<std::shared_ptr<holder>>(h);
		int s = pmemkv_config_put_object_cb(config_.get(), "comparator", ref.get(),
						    &holder::get, &holder::destroy);
		if (s != PMEMKV_STATUS_OK)
			return detail::to_status(s); /* the item took nothing */
		ref.release(); /* now owned by the C config item */
		keepalive_ = std::move(h);
		return status::OK;
	}

	/* get_data -- value points into the config; number = bytes / sizeof(T) */
	template <typename T>
	status get_data(const std::string &key, T *&value, std::size_t &number) const noexcept
	{
		if (!config_)
			return status::NOT_FOUND;
		const void *v = nullptr;
		std::size_t bytes = 0;
		int s = pmemkv_config_get_data(config_.get(), key.c_str(), &v, &bytes);
		if (s == PMEMKV_STATUS_OK) {
			value = static_cast<T *>(const_cast<void *>(v));
			number = bytes / sizeof(T);
		}
		return detail::to_status(s);
	}

	template <typename T>
	status get_object(const std::string &key, T *&value) const noexcept
	{
		if (!config_)
			return status::NOT_FOUND;
		void *v = nullptr;
		int s = pmemkv_config_get_object(config_.get(), key.c_str(), &v);
		if (s == PMEMKV_STATUS_OK)
			value = static_cast<T *>(v);
		return detail::to_status(s);
	}

	status get_uint64(const std::string &key, std::uint64_t &value) const noexcept
	{
		if (!config_)
			return status::NOT_FOUND;
		return detail::to_status(
			pmemkv_config_get_uint64(config_.get(), key.c_str(), &value));
	}

	status get_int64(const std::string &key, std::int64_t &value) const noexcept
	{
		if (!config_)
			return status::NOT_FOUND;
		return detail::to_status(
			pmemkv_config_get_int64(config_.get(), key.c_str(), &value));
	}

	/* may throw std::bad_alloc when copying the string */
	status get_string(const std::string &key, std::string &value) const
	{
		if (!config_)
			return status::NOT_FOUND;
		const char *v = nullptr;
		int s = pmemkv_config_get_string(config_.get(), key.c_str(), &v);
		if (s == PMEMKV_STATUS_OK)
			value = v ? v : "";
		return detail::to_status(s);
	}

	/*
	 * release -- hands the pmemkv_config (NULL if never written) to the
	 * caller. A comparator put with put_comparator() lives only as long
	 * as this config object (or the db it is opened with): a released
	 * config holding one must not be opened with pmemkv_open() directly.
	 */
	pmemkv_config *release() noexcept
	{
		return config_.release();
	}

private:
	friend class db;

	int init() noexcept
	{
		if (!config_)
			config_.reset(pmemkv_config_new());
		return config_ ? 0 : -1;
	}

	std::unique_ptr<pmemkv_config, detail::config_deleter> config_;
	std::shared_ptr<void> keepalive_; /* the C++ comparator, if any */
};

/*
 * tx -- a transaction (EXPERIMENTAL, as in libpmemkv 1.5): puts and removes
 * applied atomically by commit(). Ended (pmemkv_tx_end) on destruction;
 * what was not committed is dropped.
 */
class tx {
public:
	/* takes ownership of t */
	explicit tx(pmemkv_tx *t) noexcept : tx_(t)
	{
	}

	status put(string_view key, string_view value) noexcept
	{
		return detail::to_status(
			pmemkv_tx_put(tx_.get(), key.data(), key.size(), value.data(), value.size()));
	}
	status remove(string_view key) noexcept
	{
		return detail::to_status(pmemkv_tx_remove(tx_.get(), key.data(), key.size()));
	}
	status commit() noexcept
	{
		return detail::to_status(pmemkv_tx_commit(tx_.get()));
	}
	void abort() noexcept
	{
		pmemkv_tx_abort(tx_.get());
	}

private:
	std::unique_ptr<pmemkv_tx, detail::tx_deleter> tx_;
};

/*
 * db -- an open store. Every method forwards to the pmemkv_* function of
 * the same name and returns its status. The get*() methods take either the
 * C callback and its argument, or any C++ callable:
 *   int (string_view key, string_view value)   for get_all/above/... (0 goes
 *                                               on, non-zero stops: STOPPED_BY_CB)
 *   void (string_view value)                   for get
 * See the top of the file for exceptions thrown by a callable.
 */
class db {
	template <bool IsConst>
	class iterator;

public:
	/* EXPERIMENTAL (as in libpmemkv 1.5); engines without iterators
	 * answer NOT_SUPPORTED to new_read_iterator/new_write_iterator */
	using read_iterator = iterator<true>;
	using write_iterator = iterator<false>;

	db() noexcept = default;
	db(const db &) = delete;
	db &operator=(const db &) = delete;
	db(db &&) noexcept = default;
	db &operator=(db &&other) noexcept
	{
		if (this != &other) {
			close();
			db_ = std::move(other.db_);
			keepalive_ = std::move(other.keepalive_);
		}
		return *this;
	}
	~db()
	{
		close();
	}

	/*
	 * open -- opens (or creates, per the config) a store of the named
	 * engine. The config is consumed, whatever the outcome. An empty
	 * config is passed as an empty pmemkv_config (not NULL), so engines
	 * that need no config ("blackhole") open with open(name). If this db
	 * was already open, the old store is closed once the new one opened.
	 */
	status open(const std::string &engine_name, config &&cfg = config{}) noexcept
	{
		std::shared_ptr<void> keep = std::move(cfg.keepalive_);
		pmemkv_config *c = cfg.release();
		if (!c) {
			c = pmemkv_config_new();
			if (!c)
				return status::OUT_OF_MEMORY;
		}
		pmemkv_db *d = nullptr;
		int s = pmemkv_open(engine_name.c_str(), c, &d);
		if (s == PMEMKV_STATUS_OK) {
			db_.reset(d); /* closes the old store first ... */
			keepalive_ = std::move(keep); /* ... then drops its comparator */
		}
		return detail::to_status(s);
	}

	/* close -- closes the store (no-op if not open) */
	void close() noexcept
	{
		db_.reset();
		keepalive_.reset(); /* after the engine stopped calling it */
	}

	/* is_open -- whether open() succeeded and close() was not called since */
	bool is_open() const noexcept
	{
		return db_ != nullptr;
	}

	status count_all(std::size_t &cnt) noexcept
	{
		return detail::to_status(pmemkv_count_all(db_.get(), &cnt));
	}
	status count_above(string_view key, std::size_t &cnt) noexcept
	{
		return detail::to_status(pmemkv_count_above(db_.get(), key.data(), key.size(), &cnt));
	}
	status count_equal_above(string_view key, std::size_t &cnt) noexcept
	{
		return detail::to_status(
			pmemkv_count_equal_above(db_.get(), key.data(), key.size(), &cnt));
	}
	status count_equal_below(string_view key, std::size_t &cnt) noexcept
	{
		return detail::to_status(
			pmemkv_count_equal_below(db_.get(), key.data(), key.size(), &cnt));
	}
	status count_below(string_view key, std::size_t &cnt) noexcept
	{
		return detail::to_status(pmemkv_count_below(db_.get(), key.data(), key.size(), &cnt));
	}
	status count_between(string_view key1, string_view key2, std::size_t &cnt) noexcept
	{
		return detail::to_status(pmemkv_count_between(db_.get(), key1.data(), key1.size(),
							      key2.data(), key2.size(), &cnt));
	}

	/* get_all and the range gets, C callback form */
	status get_all(get_kv_callback *callback, void *arg) noexcept
	{
		return detail::to_status(pmemkv_get_all(db_.get(), callback, arg));
	}
	status get_above(string_view key, get_kv_callback *callback, void *arg) noexcept
	{
		return detail::to_status(
			pmemkv_get_above(db_.get(), key.data(), key.size(), callback, arg));
	}
	status get_equal_above(string_view key, get_kv_callback *callback, void *arg) noexcept
	{
		return detail::to_status(
			pmemkv_get_equal_above(db_.get(), key.data(), key.size(), callback, arg));
	}
	status get_equal_below(string_view key, get_kv_callback *callback, void *arg) noexcept
	{
		return detail::to_status(
			pmemkv_get_equal_below(db_.get(), key.data(), key.size(), callback, arg));
	}
	status get_below(string_view key, get_kv_callback *callback, void *arg) noexcept
	{
		return detail::to_status(
			pmemkv_get_below(db_.get(), key.data(), key.size(), callback, arg));
	}
	status get_between(string_view key1, string_view key2, get_kv_callback *callback,
			   void *arg) noexcept
	{
		return detail::to_status(pmemkv_get_between(db_.get(), key1.data(), key1.size(),
							    key2.data(), key2.size(), callback,
							    arg));
	}

	/* get_all and the range gets, C++ callable form (see the class comment) */
	template <typename F>
	detail::enable_kv_fn<F> get_all(F &&f)
	{
		detail::kv_context<std::remove_reference_t<F>> c{&f, nullptr};
		return c.rethrow(pmemkv_get_all(db_.get(), &decltype(c)::call, &c));
	}
	template <typename F>
	detail::enable_kv_fn<F> get_above(string_view key, F &&f)
	{
		detail::kv_context<std::remove_reference_t<F>> c{&f, nullptr};
		return c.rethrow(pmemkv_get_above(db_.get(), key.data(), key.size(),
						  &decltype(c)::call, &c));
	}
	template <typename F>
	detail::enable_kv_fn<F> get_equal_above(string_view key, F &&f)
	{
		detail::kv_context<std::remove_reference_t<F>> c{&f, nullptr};
		return c.rethrow(pmemkv_get_equal_above(db_.get(), key.data(), key.size(),
							&decltype(c)::call, &c));
	}
	template <typename F>
	detail::enable_kv_fn<F> get_equal_below(string_view key, F &&f)
	{
		detail::kv_context<std::remove_reference_t<F>> c{&f, nullptr};
		return c.rethrow(pmemkv_get_equal_below(db_.get(), key.data(), key.size(),
							&decltype(c)::call, &c));
	}
	template <typename F>
	detail::enable_kv_fn<F> get_below(string_view key, F &&f)
	{
		detail::kv_context<std::remove_reference_t<F>> c{&f, nullptr};
		return c.rethrow(pmemkv_get_below(db_.get(), key.data(), key.size(),
						  &decltype(c)::call, &c));
	}
	template <typename F>
	detail::enable_kv_fn<F> get_between(string_view key1, string_view key2, F &&f)
	{
		detail::kv_context<std::remove_reference_t<F>> c{&f, nullptr};
		return c.rethrow(pmemkv_get_between(db_.get(), key1.data(), key1.size(),
						    key2.data(), key2.size(), &decltype(c)::call,
						    &c));
	}

	/* the libpmemkv 1.5 std::function signatures (forward to the above) */
	status get_all(std::function<get_kv_function> f)
	{
		return get_all<std::function<get_kv_function> &>(f);
	}
	status get_above(string_view key, std::function<get_kv_function> f)
	{
		return get_above<std::function<get_kv_function> &>(key, f);
	}
	status get_equal_above(string_view key, std::function<get_kv_function> f)
	{
		return get_equal_above<std::function<get_kv_function> &>(key, f);
	}
	status get_equal_below(string_view key, std::function<get_kv_function> f)
	{
		return get_equal_below<std::function<get_kv_function> &>(key, f);
	}
	status get_below(string_view key, std::function<get_kv_function> f)
	{
		return get_below<std::function<get_kv_function> &>(key, f);
	}
	status get_between(string_view key1, string_view key2, std::function<get_kv_function> f)
	{
		return get_between<std::function<get_kv_function> &>(key1, key2, f);
	}

	/* exists -- OK if the key is there, NOT_FOUND if not */
	status exists(string_view key) noexcept
	{
		return detail::to_status(pmemkv_exists(db_.get(), key.data(), key.size()));
	}

	/* get -- calls back with the value (zero copy), C form */
	status get(string_view key, get_v_callback *callback, void *arg) noexcept
	{
		return detail::to_status(
			pmemkv_get(db_.get(), key.data(), key.size(), callback, arg));
	}
	/* get -- calls f(string_view value) once if the key is there */
	template <typename F>
	detail::enable_v_fn<F> get(string_view key, F &&f)
	{
		detail::v_context<std::remove_reference_t<F>> c{&f, nullptr};
		return c.rethrow(
			pmemkv_get(db_.get(), key.data(), key.size(), &decltype(c)::call, &c));
	}
	status get(string_view key, std::function<get_v_function> f)
	{
		return get<std::function<get_v_function> &>(key, f);
	}
	/*
	 * get -- copies the value into *value (replacing its content); *value
	 * is untouched unless OK. INVALID_ARGUMENT if value is NULL. May throw
	 * std::bad_alloc (after the C call returned).
	 */
	status get(string_view key, std::string *value)
	{
		if (!value)
			return status::INVALID_ARGUMENT;
		auto assign = [value](string_view v) { value->assign(v.data(), v.size()); };
		return get(key, assign);
	}

	/* put -- inserts or overwrites; persistent and atomic when it returns OK */
	status put(string_view key, string_view value) noexcept
	{
		return detail::to_status(
			pmemkv_put(db_.get(), key.data(), key.size(), value.data(), value.size()));
	}

	/* remove -- OK if removed, NOT_FOUND if the key was not there */
	status remove(string_view key) noexcept
	{
		return detail::to_status(pmemkv_remove(db_.get(), key.data(), key.size()));
	}

	status defrag(double start_percent = 0, double amount_percent = 100) noexcept
	{
		return detail::to_status(pmemkv_defrag(db_.get(), start_percent, amount_percent));
	}

	/* tx_begin -- EXPERIMENTAL; NOT_SUPPORTED by engines without transactions */
	result<tx> tx_begin() noexcept
	{
		pmemkv_tx *t = nullptr;
		int s = pmemkv_tx_begin(db_.get(), &t);
		if (s != PMEMKV_STATUS_OK)
			return result<tx>(detail::to_status(s));
		return result<tx>(tx(t));
	}

	/* new_read_iterator / new_write_iterator -- EXPERIMENTAL, see db::iterator */
	result<read_iterator> new_read_iterator();
	result<write_iterator> new_write_iterator();

	/* get_stats -- extension: durability mode, pool size, bytes used, records */
	status get_stats(pmemkv_stats &stats) noexcept
	{
		return detail::to_status(pmemkv_get_stats(db_.get(), &stats));
	}

	/* errormsg -- last error message of this thread (same as pmem::kv::errormsg()) */
	std::string errormsg()
	{
		return std::string(pmemkv_errormsg());
	}

private:
	std::unique_ptr<pmemkv_db, detail::db_deleter> db_;
	std::shared_ptr<void> keepalive_; /* the C++ comparator of the open store */
};

/*
 * char_range -- writable bytes of a record's value, returned by
 * write_iterator::write_range(): a [begin, end) range of char. Writes go to
 * a buffer that commit() applies atomically (abort() or destruction drops
 * them).
 */
class char_range {
public:
	char_range(char *b, std::size_t n) noexcept : b_(b), n_(n)
	{
	}
	char *begin() const noexcept
	{
		return b_;
	}
	char *end() const noexcept
	{
		return b_ + n_;
	}
	std::size_t size() const noexcept
	{
		return n_;
	}
	char &operator[](std::size_t i) const noexcept
	{
		return b_[i];
	}

private:
	char *b_;
	std::size_t n_;
};

namespace detail
{
struct read_iterator_deleter {
	void operator()(pmemkv_iterator *it) const noexcept
	{
		pmemkv_iterator_delete(it);
	}
};
struct write_iterator_deleter {
	void operator()(pmemkv_write_iterator *it) const noexcept
	{
		pmemkv_write_iterator_delete(it);
	}
};
} /* namespace detail */

/*
 * db::iterator -- EXPERIMENTAL (as in libpmemkv 1.5): positioned on one
 * record at a time, made by db::new_read_iterator() (read_iterator) or
 * db::new_write_iterator() (write_iterator, which can also change the
 * value of the current record with write_range() + commit()). One iterator
 * per thread at a time. Each method forwards to pmemkv_iterator_* /
 * pmemkv_write_iterator_* and returns its status; key() and read_range()
 * return views valid until the iterator moves or is destroyed.
 */
template <bool IsConst>
class db::iterator {
	using iterator_type =
		std::conditional_t<IsConst, pmemkv_iterator, pmemkv_write_iterator>;
	using deleter_type = std::conditional_t<IsConst, detail::read_iterator_deleter,
						detail::write_iterator_deleter>;

public:
	/* takes ownership of it */
	explicit iterator(iterator_type *it) noexcept : it_(it)
	{
	}

	status seek(string_view key) noexcept
	{
		return detail::to_status(pmemkv_iterator_seek(raw(), key.data(), key.size()));
	}
	status seek_lower(string_view key) noexcept
	{
		return detail::to_status(
			pmemkv_iterator_seek_lower(raw(), key.data(), key.size()));
	}
	status seek_lower_eq(string_view key) noexcept
	{
		return detail::to_status(
			pmemkv_iterator_seek_lower_eq(raw(), key.data(), key.size()));
	}
	status seek_higher(string_view key) noexcept
	{
		return detail::to_status(
			pmemkv_iterator_seek_higher(raw(), key.data(), key.size()));
	}
	status seek_higher_eq(string_view key) noexcept
	{
		return detail::to_status(
			pmemkv_iterator_seek_higher_eq(raw(), key.data(), key.size()));
	}
	status seek_to_first() noexcept
	{
		return detail::to_status(pmemkv_iterator_seek_to_first(raw()));
	}
	status seek_to_last() noexcept
	{
		return detail::to_status(pmemkv_iterator_seek_to_last(raw()));
	}
	status is_next() noexcept
	{
		return detail::to_status(pmemkv_iterator_is_next(raw()));
	}
	status next() noexcept
	{
		return detail::to_status(pmemkv_iterator_next(raw()));
	}
	status prev() noexcept
	{
		return detail::to_status(pmemkv_iterator_prev(raw()));
	}

	result<string_view> key() noexcept
	{
		const char *k = nullptr;
		std::size_t kb = 0;
		int s = pmemkv_iterator_key(raw(), &k, &kb);
		if (s != PMEMKV_STATUS_OK)
			return result<string_view>(detail::to_status(s));
		return result<string_view>(string_view(k, kb));
	}

	/* bytes [pos, pos + n) of the current value (n is clipped to its end) */
	result<string_view> read_range(std::size_t pos = 0,
				       std::size_t n = static_cast<std::size_t>(-1)) noexcept
	{
		const char *d = nullptr;
		std::size_t rb = 0;
		int s = pmemkv_iterator_read_range(raw(), pos, n, &d, &rb);
		if (s != PMEMKV_STATUS_OK)
			return result<string_view>(detail::to_status(s));
		return result<string_view>(string_view(d, rb));
	}

	/* write_iterator only: writable bytes [pos, pos + n) of the value */
	template <bool IC = IsConst>
	std::enable_if_t<!IC, result<char_range>>
	write_range(std::size_t pos = 0, std::size_t n = static_cast<std::size_t>(-1)) noexcept
	{
		char *d = nullptr;
		std::size_t wb = 0;
		int s = pmemkv_write_iterator_write_range(it_.get(), pos, n, &d, &wb);
		if (s != PMEMKV_STATUS_OK)
			return result<char_range>(detail::to_status(s));
		return result<char_range>(char_range(d, wb));
	}

	/* write_iterator only: apply the writes to the current record, atomically */
	template <bool IC = IsConst>
	std::enable_if_t<!IC, status> commit() noexcept
	{
		return detail::to_status(pmemkv_write_iterator_commit(it_.get()));
	}

	/* write_iterator only: drop the writes not committed */
	template <bool IC = IsConst>
	std::enable_if_t<!IC> abort() noexcept
	{
		pmemkv_write_iterator_abort(it_.get());
	}

private:
	pmemkv_iterator *raw() const noexcept
	{
		if constexpr (IsConst)
			return it_.get();
		else
			return it_ ? it_->iter : nullptr;
	}

	std::unique_ptr<iterator_type, deleter_type> it_;
};

inline result<db::read_iterator> db::new_read_iterator()
{
	pmemkv_iterator *it = nullptr;
	int s = pmemkv_iterator_new(db_.get(), &it);
	if (s != PMEMKV_STATUS_OK)
		return result<read_iterator>(detail::to_status(s));
	return result<read_iterator>(read_iterator(it));
}

inline result<db::write_iterator> db::new_write_iterator()
{
	pmemkv_write_iterator *it = nullptr;
	int s = pmemkv_write_iterator_new(db_.get(), &it);
	if (s != PMEMKV_STATUS_OK)
		return result<write_iterator>(detail::to_status(s));
	return result<write_iterator>(write_iterator(it));
}

} /* namespace kv */
} /* namespace pmem */

#undef PMEMKV_CPP_THROW
#undef PMEMKV_CPP_EXCEPTIONS

#endif /* LIBPMEMKV_HPP */
