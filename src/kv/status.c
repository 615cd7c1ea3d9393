/*
 * status.c -- status names and messages generated from KV_STATUS_MAP, the
 * errno -> status mapping, and the per-thread error message (pmemkv_errormsg).
 */
#include "kv/status.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "common/common.h"
#include "kv/kv.h"

/* The table's order is the numbering of libpmemkv.h: pin each value. */
enum kv_status_index {
#define KV_X_INDEX(name, msg) KV_STATUS_INDEX_##name,
	KV_STATUS_MAP(KV_X_INDEX)
#undef KV_X_INDEX
	KV_STATUS_COUNT
};
#define KV_X_ASSERT(name, msg)                                                         \
	static_assert(KV_STATUS_INDEX_##name == PMEMKV_STATUS_##name,                  \
		      "status table out of order: " #name);
KV_STATUS_MAP(KV_X_ASSERT)
#undef KV_X_ASSERT

static const char *const status_names[] = {
#define KV_X_NAME(name, msg) "PMEMKV_STATUS_" #name,
	KV_STATUS_MAP(KV_X_NAME)
#undef KV_X_NAME
};

static const char *const status_messages[] = {
#define KV_X_MSG(name, msg) msg,
	KV_STATUS_MAP(KV_X_MSG)
#undef KV_X_MSG
};

const char *
kv_status_name(int status)
{
	if (status < 0 || status >= KV_STATUS_COUNT)
		return "PMEMKV_STATUS_?";
	return status_names[status];
}

const char *
kv_status_message(int status)
{
	if (status < 0 || status >= KV_STATUS_COUNT)
		return "";
	return status_messages[status];
}

int
kv_status_from_errno(int err)
{
	switch (err) {
	case 0:
		return PMEMKV_STATUS_OK;
	case -ENOENT:
		return PMEMKV_STATUS_NOT_FOUND;
	case -ENOTSUP:
		return PMEMKV_STATUS_NOT_SUPPORTED;
	case -EINVAL:
		return PMEMKV_STATUS_INVALID_ARGUMENT;
	case -ENOMEM:
	case -ENOSPC:
	case -ENOBUFS:
		return PMEMKV_STATUS_OUT_OF_MEMORY;
	case -ECANCELED:
		return PMEMKV_STATUS_STOPPED_BY_CB;
	case -EPROTOTYPE:
		return PMEMKV_STATUS_CONFIG_TYPE_ERROR;
	case -EBADMSG:
		return PMEMKV_STATUS_CONFIG_PARSING_ERROR;
	case -EILSEQ:
		return PMEMKV_STATUS_COMPARATOR_MISMATCH;
	default:
		return PMEMKV_STATUS_UNKNOWN_ERROR;
	}
}

int
kv_fail(int status, const char *func)
{
	if (status == PMEMKV_STATUS_OK)
		return status;
	if (status == PMEMKV_STATUS_NOT_FOUND || status == PMEMKV_STATUS_STOPPED_BY_CB) {
		err_clear(); /* invariant (K2) */
		return status;
	}
	if (err_get()[0] == '\0') /* invariant (K2) */
		err_set("%s: %s", func, kv_status_message(status));
	return status;
}

int
kv_err(int status, const char *fmt, ...)
{
	char buf[ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err_set("%s", buf);
	return status;
}

/*
 * pmemkv_errormsg -- the calling thread's message about its last failing
 * call; "" after a call that returned NOT_FOUND or STOPPED_BY_CB, and after
 * a successful db operation. Never NULL; valid until the thread's next call.
 */
const char *
pmemkv_errormsg(void)
{
	return err_get();
}
