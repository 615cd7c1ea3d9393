/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmemkv_module.c -- the CPython extension module `pmemkv`: class Database
 * over the public C API (include/libpmemkv.h), the exception classes, and a
 * private buffer exporter that hands pool memory to callbacks as memoryviews.
 *
 * Rules this file keeps (cited as "(Pn)" where enforced):
 *  (P1) Every call into the library that can take an engine lock or do I/O
 *       (open, close, put, get, remove, exists, count_*, get_*) is made with
 *       the GIL released. A thread that held the GIL while waiting for an
 *       engine lock could deadlock against a thread that holds that lock and
 *       waits for the GIL inside a callback. Config building is lock-free and
 *       keeps the GIL.
 *  (P2) No Python object is touched without the GIL. Keys and values passed
 *       to the library are either the UTF-8 form of a str kept alive by the
 *       call's arguments (immutable) or a buffer held with PyObject_GetBuffer
 *       across the GIL-free section (a held bytearray cannot be resized).
 *  (P3) A callback re-takes the GIL (PyGILState_Ensure) and receives read-only
 *       memoryviews pointing straight into the pool. When it returns, each
 *       view is released (memoryview.release()) and its exporter invalidated:
 *       using the view afterwards raises ValueError. A derived view that
 *       outlives the callback (a slice stored somewhere, an array exporting
 *       it) cannot be revoked by CPython: the call raises BufferError and the
 *       database is kept mapped until the last such view dies, so that a
 *       stray view never reads unmapped memory.
 *  (P4) The handle is closed only when no call is in flight (busy == 0) and
 *       no escaped view (P3) is alive. `busy` and `escaped` are only read or
 *       written with the GIL held.
 *  (P5) An exception raised by a Python callback is saved, the C iteration
 *       is stopped (the trampoline returns non-zero), and the exception is
 *       re-raised unchanged to the caller. The callback's return value is
 *       ignored.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemkv.h>

#define MODULE_NAME "pmemkv"

/* Exceptions. */

static PyObject *Error; /* pmemkv.Error, the base class */

static struct exc_entry {
	int status;
	const char *name;    /* class name in the module */
	const char *defmsg;  /* used when the library left no message */
	PyObject **builtin;  /* a builtin class it also derives from, or NULL */
	PyObject *cls;
} exc_table[] = {
	{PMEMKV_STATUS_UNKNOWN_ERROR, "UnknownError", "unknown error", NULL, NULL},
	{PMEMKV_STATUS_NOT_SUPPORTED, "NotSupported", "function is not supported", NULL, NULL},
	{PMEMKV_STATUS_INVALID_ARGUMENT, "InvalidArgument", "invalid argument",
	 &PyExc_ValueError, NULL},
	{PMEMKV_STATUS_CONFIG_PARSING_ERROR, "ConfigParsingError", "config parsing error",
	 NULL, NULL},
	{PMEMKV_STATUS_CONFIG_TYPE_ERROR, "ConfigTypeError",
	 "config item has a different type than expected", NULL, NULL},
	{PMEMKV_STATUS_STOPPED_BY_CB, "StoppedByCallback", "iteration stopped by callback",
	 NULL, NULL},
	{PMEMKV_STATUS_OUT_OF_MEMORY, "OutOfMemory", "out of memory or pool space",
	 &PyExc_MemoryError, NULL},
	{PMEMKV_STATUS_WRONG_ENGINE_NAME, "WrongEngineName", "unknown engine name", NULL, NULL},
	{PMEMKV_STATUS_TRANSACTION_SCOPE_ERROR, "TransactionScopeError",
	 "transaction scope error", NULL, NULL},
	{PMEMKV_STATUS_DEFRAG_ERROR, "DefragError", "defragmentation failed", NULL, NULL},
	{PMEMKV_STATUS_COMPARATOR_MISMATCH, "ComparatorMismatch", "comparator mismatch", NULL,
	 NULL},
};

#define EXC_COUNT (sizeof(exc_table) / sizeof(exc_table[0]))

/*
 * raise_status -- set the exception for a failed status: the class of the
 * status (pmemkv.Error for a value not in the table), with .status and
 * .message set on the instance. msg is the library's message (may be NULL or
 * ""). NOT_FOUND is the caller's business (KeyError). Returns NULL.
 */
static PyObject *
raise_status(int status, const char *msg)
{
	PyObject *cls = Error;
	const char *defmsg = "pmemkv error";
	for (size_t i = 0; i < EXC_COUNT; i++) {
		if (exc_table[i].status == status) {
			cls = exc_table[i].cls;
			defmsg = exc_table[i].defmsg;
			break;
		}
	}
	if (msg == NULL || msg[0] == '\0')
		msg = defmsg;

	PyObject *text = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
	if (text == NULL)
		return NULL;
	PyObject *exc = PyObject_CallFunctionObjArgs(cls, text, NULL);
	if (exc == NULL) {
		Py_DECREF(text);
		return NULL;
	}
	PyObject *st = PyLong_FromLong(status);
	if (st == NULL || PyObject_SetAttrString(exc, "status", st) < 0 ||
	    PyObject_SetAttrString(exc, "message", text) < 0) {
		Py_XDECREF(st);
		Py_DECREF(text);
		Py_DECREF(exc);
		return NULL;
	}
	Py_DECREF(st);
	Py_DECREF(text);
	PyErr_SetObject(cls, exc);
	Py_DECREF(exc);
	return NULL;
}

/* raise_key_error -- KeyError(key), as a dict does for a missing key. */
static PyObject *
raise_key_error(PyObject *key)
{
	PyObject *t = PyTuple_Pack(1, key);
	if (t != NULL) {
		PyErr_SetObject(PyExc_KeyError, t);
		Py_DECREF(t);
	}
	return NULL;
}

/* Saved exception (P5): PyErr_Fetch triple, portable across 3.8 .. 3.13. */
struct saved_exc {
	PyObject *type, *value, *tb;
};

static void
saved_exc_take(struct saved_exc *s)
{
#if PY_VERSION_HEX >= 0x030C0000
	s->type = NULL;
	s->tb = NULL;
	s->value = PyErr_GetRaisedException();
#else
	PyErr_Fetch(&s->type, &s->value, &s->tb);
#endif
}

static void
saved_exc_restore(struct saved_exc *s)
{
#if PY_VERSION_HEX >= 0x030C0000
	PyErr_SetRaisedException(s->value);
#else
	PyErr_Restore(s->type, s->value, s->tb);
#endif
	s->type = s->value = s->tb = NULL;
}

static int
saved_exc_is_set(const struct saved_exc *s)
{
	return s->type != NULL || s->value != NULL;
}

/* Keys and values from Python objects (P2). */

struct kv_arg {
	const char *ptr;
	Py_ssize_t len;
	Py_buffer view;
	int held; /* view must be released */
};

/*
 * kv_arg_get -- a str (stored as its UTF-8) or any contiguous bytes-like
 * object. TypeError for anything else. The bytes stay valid until
 * kv_arg_release, with or without the GIL.
 */
static int
kv_arg_get(PyObject *o, struct kv_arg *a, const char *what)
{
	a->held = 0;
	if (PyUnicode_Check(o)) {
		a->ptr = PyUnicode_AsUTF8AndSize(o, &a->len);
		return a->ptr == NULL ? -1 : 0;
	}
	if (PyObject_CheckBuffer(o)) {
		if (PyObject_GetBuffer(o, &a->view, PyBUF_SIMPLE) < 0)
			return -1;
		a->held = 1;
		a->ptr = a->view.buf != NULL ? (const char *)a->view.buf : "";
		a->len = a->view.len;
		return 0;
	}
	PyErr_Format(PyExc_TypeError, "%s must be str or a bytes-like object, not %.100s",
		     what, Py_TYPE(o)->tp_name);
	return -1;
}

static void
kv_arg_release(struct kv_arg *a)
{
	if (a->held) {
		PyBuffer_Release(&a->view);
		a->held = 0;
	}
}

/* The Database object. */

typedef struct {
	PyObject_HEAD
	pmemkv_db *db;	    /* NULL when not open */
	int stopping;	    /* stop() was called: new calls raise */
	Py_ssize_t busy;    /* calls in flight (P4) */
	Py_ssize_t escaped; /* views that outlived their callback (P3) */
	PyObject *engine;   /* engine name (str), for repr */
	PyObject *weakrefs;
} DatabaseObject;

static PyTypeObject DatabaseType;

/* Number of pmemkv callbacks the current thread is inside (any db). */
static _Thread_local int tls_in_callback;

static PyObject *
raise_closed(void)
{
	return raise_status(PMEMKV_STATUS_INVALID_ARGUMENT, "pmemkv: the database is stopped");
}

/* db_enter -- start a call: raise if the database is not open (P4). */
static int
db_enter(DatabaseObject *self)
{
	if (self->db == NULL || self->stopping) {
		raise_closed();
		return -1;
	}
	self->busy++;
	return 0;
}

static void
db_leave(DatabaseObject *self)
{
	self->busy--;
}

/*
 * db_close_now -- close the handle (P4); GIL held on entry and on return.
 * release_gil: drop the GIL during the close (P1); not done from a buffer
 * release, which can run in the middle of any deallocation.
 */
static void
db_close_now(DatabaseObject *self, int release_gil)
{
	pmemkv_db *db = self->db;
	self->db = NULL;
	if (db == NULL)
		return;
	if (!release_gil) {
		pmemkv_close(db);
		return;
	}
	Py_BEGIN_ALLOW_THREADS
	pmemkv_close(db);
	Py_END_ALLOW_THREADS
}

/* Buffer exporter for pool memory (P3). */

typedef struct {
	PyObject_HEAD
	const char *ptr;
	Py_ssize_t len;
	int valid;	       /* false once its callback returned */
	int escaped;	       /* counted in owner->escaped */
	Py_ssize_t exports;    /* Py_buffers handed out and not released */
	DatabaseObject *owner; /* strong reference while valid or escaped */
} PoolBufferObject;

static PyTypeObject PoolBufferType;

static int
poolbuf_getbuffer(PyObject *o, Py_buffer *view, int flags)
{
	PoolBufferObject *self = (PoolBufferObject *)o;
	if (!self->valid) {
		view->obj = NULL;
		PyErr_SetString(PyExc_ValueError,
				"pmemkv: this buffer was valid only during its callback "
				"(copy it with bytes() inside the callback)");
		return -1;
	}
	if (PyBuffer_FillInfo(view, o, (void *)self->ptr, self->len, 1, flags) < 0)
		return -1;
	self->exports++;
	return 0;
}

static void
poolbuf_releasebuffer(PyObject *o, Py_buffer *view)
{
	PoolBufferObject *self = (PoolBufferObject *)o;
	(void)view;
	self->exports--;
	if (self->exports == 0 && self->escaped) {
		/* The last view that outlived its callback is gone (P4). */
		DatabaseObject *db = self->owner;
		self->escaped = 0;
		db->escaped--;
		if (db->escaped == 0 && db->stopping && db->busy == 0 && db->db != NULL)
			db_close_now(db, 0);
	}
}

static void
poolbuf_dealloc(PyObject *o)
{
	PoolBufferObject *self = (PoolBufferObject *)o;
	Py_XDECREF(self->owner);
	PyObject_Free(o);
}

static PyBufferProcs poolbuf_as_buffer = {
	.bf_getbuffer = poolbuf_getbuffer,
	.bf_releasebuffer = poolbuf_releasebuffer,
};

static PyTypeObject PoolBufferType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = MODULE_NAME "._PoolBuffer",
	.tp_basicsize = sizeof(PoolBufferObject),
	.tp_dealloc = poolbuf_dealloc,
	.tp_as_buffer = &poolbuf_as_buffer,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Read-only bytes in the pool, valid only during a pmemkv callback.",
};

/*
 * view_open -- a memoryview of [p, p + n) exported by a new PoolBuffer.
 * *bufp gets our own reference to the exporter. NULL on error.
 */
static PyObject *
view_open(DatabaseObject *db, const char *p, size_t n, PoolBufferObject **bufp)
{
	PoolBufferObject *b = PyObject_New(PoolBufferObject, &PoolBufferType);
	if (b == NULL)
		return NULL;
	b->ptr = p != NULL ? p : "";
	b->len = (Py_ssize_t)n;
	b->valid = 1;
	b->escaped = 0;
	b->exports = 0;
	Py_INCREF(db);
	b->owner = db;
	PyObject *mv = PyMemoryView_FromObject((PyObject *)b);
	if (mv == NULL) {
		b->valid = 0;
		Py_DECREF(b);
		return NULL;
	}
	*bufp = b;
	return mv;
}

/*
 * view_close -- invalidate the exporter and release the memoryview (P3).
 * No exception may be pending. Returns 1 if a view derived from it is still
 * alive (escaped), else 0. Drops both references.
 */
static int
view_close(PoolBufferObject *b, PyObject *mv)
{
	int escaped = 0;
	b->valid = 0;
	PyObject *r = PyObject_CallMethod(mv, "release", NULL);
	if (r != NULL)
		Py_DECREF(r);
	else
		PyErr_Clear(); /* BufferError: mv itself is exported; counted below */
	Py_DECREF(mv);
	if (b->exports > 0)
		(void)PyGC_Collect(); /* a derived view may only be cyclic garbage */
	if (b->exports > 0) {
		b->escaped = 1;
		b->owner->escaped++;
		escaped = 1;
	} else {
		/* Only an escaped exporter needs its owner; someone keeping the
		 * exporter itself (v.obj) must not pin the database. */
		Py_CLEAR(b->owner);
	}
	Py_DECREF(b);
	return escaped;
}

/* Callback trampolines (P3, P5). */

enum cb_shape { CB_VALUE, CB_KEY, CB_KEY_VALUE };

struct cb_ctx {
	DatabaseObject *db;
	PyObject *func;
	enum cb_shape shape;
	struct saved_exc exc;
};

/* cb_call -- call the Python callback with views of a and b; GIL held. */
static int
cb_call(struct cb_ctx *c, const char *a, size_t an, const char *b, size_t bn)
{
	PoolBufferObject *ba = NULL, *bb = NULL;
	PyObject *ma = NULL, *mb = NULL, *res = NULL;
	int escaped = 0;

	if (saved_exc_is_set(&c->exc))
		return 1; /* an earlier call failed; the engine should have stopped */

	tls_in_callback++;
	ma = view_open(c->db, a, an, &ba);
	if (ma != NULL && c->shape == CB_KEY_VALUE)
		mb = view_open(c->db, b, bn, &bb);
	if (ma != NULL && (c->shape != CB_KEY_VALUE || mb != NULL))
		res = PyObject_CallFunctionObjArgs(c->func, ma, mb, NULL);
	if (res == NULL)
		saved_exc_take(&c->exc);
	else
		Py_DECREF(res);
	if (ma != NULL)
		escaped |= view_close(ba, ma);
	if (mb != NULL)
		escaped |= view_close(bb, mb);
	if (escaped && !saved_exc_is_set(&c->exc)) {
		PyErr_SetString(PyExc_BufferError,
				"pmemkv: a view of a key or value outlived its callback "
				"(copy it with bytes() inside the callback)");
		saved_exc_take(&c->exc);
	}
	tls_in_callback--;
	return saved_exc_is_set(&c->exc) ? 1 : 0;
}

static void
tramp_value(const char *v, size_t vb, void *arg)
{
	PyGILState_STATE g = PyGILState_Ensure();
	(void)cb_call(arg, v, vb, NULL, 0);
	PyGILState_Release(g);
}

static int
tramp_kv(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	struct cb_ctx *c = arg;
	PyGILState_STATE g = PyGILState_Ensure();
	int ret = c->shape == CB_KEY ? cb_call(c, k, kb, NULL, 0) : cb_call(c, k, kb, v, vb);
	PyGILState_Release(g);
	return ret;
}

/* Database: open, close. */

/* config_fill -- put every item of a dict into a config; -1 with an exception. */
static int
config_fill(pmemkv_config *cfg, PyObject *dict)
{
	PyObject *k, *v;
	Py_ssize_t pos = 0;

	while (PyDict_Next(dict, &pos, &k, &v)) {
		Py_ssize_t klen;
		const char *key;
		int st;

		if (!PyUnicode_Check(k)) {
			PyErr_Format(PyExc_TypeError, "config keys must be str, not %.100s",
				     Py_TYPE(k)->tp_name);
			return -1;
		}
		key = PyUnicode_AsUTF8AndSize(k, &klen);
		if (key == NULL)
			return -1;
		if ((size_t)klen != strlen(key)) {
			PyErr_SetString(PyExc_ValueError, "config key contains a NUL character");
			return -1;
		}

		if (PyLong_Check(v)) { /* int, and bool (True is 1) */
			int overflow;
			long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
			if (overflow == 0) {
				if (x == -1 && PyErr_Occurred())
					return -1;
				st = pmemkv_config_put_int64(cfg, key, (int64_t)x);
			} else {
				unsigned long long u = overflow > 0 ? PyLong_AsUnsignedLongLong(v)
								   : (unsigned long long)-1;
				if (overflow < 0 || (u == (unsigned long long)-1 && PyErr_Occurred())) {
					PyErr_Clear();
					PyErr_Format(PyExc_OverflowError,
						     "config item '%s' does not fit in 64 bits", key);
					return -1;
				}
				st = pmemkv_config_put_uint64(cfg, key, (uint64_t)u);
			}
		} else if (PyUnicode_Check(v)) {
			Py_ssize_t vlen;
			const char *s = PyUnicode_AsUTF8AndSize(v, &vlen);
			if (s == NULL)
				return -1;
			if ((size_t)vlen != strlen(s)) {
				PyErr_Format(PyExc_ValueError,
					     "config item '%s' contains a NUL character", key);
				return -1;
			}
			st = pmemkv_config_put_string(cfg, key, s);
		} else if (PyObject_CheckBuffer(v)) {
			Py_buffer b;
			if (PyObject_GetBuffer(v, &b, PyBUF_SIMPLE) < 0)
				return -1;
			st = pmemkv_config_put_data(cfg, key, b.buf != NULL ? b.buf : "",
						    (size_t)b.len);
			PyBuffer_Release(&b);
		} else {
			PyErr_Format(PyExc_TypeError,
				     "config item '%s' must be int, str or bytes-like, not %.100s",
				     key, Py_TYPE(v)->tp_name);
			return -1;
		}
		if (st != PMEMKV_STATUS_OK) {
			raise_status(st, pmemkv_errormsg());
			return -1;
		}
	}
	return 0;
}

static int
db_init(PyObject *o, PyObject *args, PyObject *kwds)
{
	DatabaseObject *self = (DatabaseObject *)o;
	static char *kwlist[] = {"engine", "config", NULL};
	PyObject *engine, *config;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "UO:Database", kwlist, &engine, &config))
		return -1;
	if (self->db != NULL || self->busy > 0 || self->escaped > 0) {
		raise_status(PMEMKV_STATUS_INVALID_ARGUMENT, "pmemkv: the database is already open");
		return -1;
	}
	if (!PyDict_Check(config)) {
		PyErr_Format(PyExc_TypeError, "config must be a dict, not %.100s",
			     Py_TYPE(config)->tp_name);
		return -1;
	}
	Py_ssize_t elen;
	const char *ename = PyUnicode_AsUTF8AndSize(engine, &elen);
	if (ename == NULL)
		return -1;
	if ((size_t)elen != strlen(ename)) {
		PyErr_SetString(PyExc_ValueError, "engine name contains a NUL character");
		return -1;
	}

	pmemkv_config *cfg = pmemkv_config_new();
	if (cfg == NULL) {
		raise_status(PMEMKV_STATUS_OUT_OF_MEMORY, pmemkv_errormsg());
		return -1;
	}
	if (config_fill(cfg, config) < 0) {
		pmemkv_config_delete(cfg);
		return -1;
	}

	pmemkv_db *db = NULL;
	int st;
	/* pmemkv_open owns cfg from here on, success or failure. busy keeps a
	 * concurrent __init__ of this object out while the GIL is released. */
	self->busy++;
	Py_BEGIN_ALLOW_THREADS
	st = pmemkv_open(ename, cfg, &db);
	Py_END_ALLOW_THREADS
	self->busy--;
	if (st != PMEMKV_STATUS_OK) {
		raise_status(st, pmemkv_errormsg());
		return -1;
	}
	self->db = db;
	self->stopping = 0;
	Py_INCREF(engine);
	Py_XSETREF(self->engine, engine);
	return 0;
}

/*
 * db_stop -- close the database; idempotent. Waits for calls in flight in
 * other threads; refuses (Error) if called from a callback while a call on
 * this database is in flight, since that call can never finish first.
 */
static PyObject *
db_stop(PyObject *o, PyObject *unused)
{
	DatabaseObject *self = (DatabaseObject *)o;
	(void)unused;

	if (self->db == NULL || self->stopping)
		Py_RETURN_NONE;
	if (self->busy > 0 && tls_in_callback > 0)
		return raise_status(PMEMKV_STATUS_INVALID_ARGUMENT,
				    "pmemkv: stop() called from a callback while a call on "
				    "this database is in progress");
	self->stopping = 1;
	while (self->busy > 0) {
		/* Other threads are inside the library or a callback (P4). */
		Py_BEGIN_ALLOW_THREADS
		usleep(200);
		Py_END_ALLOW_THREADS
	}
	if (self->escaped == 0)
		db_close_now(self, 1);
	/* else: closed when the last escaped view is released (P3). */
	Py_RETURN_NONE;
}

static void
db_dealloc(PyObject *o)
{
	DatabaseObject *self = (DatabaseObject *)o;
	if (self->weakrefs != NULL)
		PyObject_ClearWeakRefs(o);
	/* No call is in flight and no view is alive: each holds a reference. */
	if (self->db != NULL) {
		pmemkv_close(self->db);
		self->db = NULL;
	}
	Py_CLEAR(self->engine);
	Py_TYPE(o)->tp_free(o);
}

static PyObject *
db_repr(PyObject *o)
{
	DatabaseObject *self = (DatabaseObject *)o;
	const char *state = self->db == NULL ? "stopped" : self->stopping ? "stopping" : "open";
	if (self->engine == NULL)
		return PyUnicode_FromFormat("<pmemkv.Database %s>", state);
	return PyUnicode_FromFormat("<pmemkv.Database engine=%R %s>", self->engine, state);
}

static PyObject *
db_enter_ctx(PyObject *o, PyObject *unused)
{
	(void)unused;
	Py_INCREF(o);
	return o;
}

static PyObject *
db_exit_ctx(PyObject *o, PyObject *args)
{
	(void)args;
	PyObject *r = db_stop(o, NULL);
	if (r == NULL)
		return NULL;
	Py_DECREF(r);
	Py_RETURN_FALSE; /* do not swallow the exception, if any */
}

/* Database: point operations. */

static PyObject *
db_put_impl(DatabaseObject *self, PyObject *key, PyObject *value)
{
	struct kv_arg k, v;
	PyObject *ret = NULL;
	int st;

	if (kv_arg_get(key, &k, "key") < 0)
		return NULL;
	if (kv_arg_get(value, &v, "value") < 0) {
		kv_arg_release(&k);
		return NULL;
	}
	if (db_enter(self) == 0) {
		pmemkv_db *db = self->db;
		Py_BEGIN_ALLOW_THREADS /* (P1, P2) */
		st = pmemkv_put(db, k.ptr, (size_t)k.len, v.ptr, (size_t)v.len);
		Py_END_ALLOW_THREADS
		db_leave(self);
		if (st == PMEMKV_STATUS_OK) {
			Py_INCREF(Py_None);
			ret = Py_None;
		} else {
			raise_status(st, pmemkv_errormsg());
		}
	}
	kv_arg_release(&v);
	kv_arg_release(&k);
	return ret;
}

static PyObject *
db_put(PyObject *o, PyObject *args)
{
	PyObject *key, *value;
	if (!PyArg_UnpackTuple(args, "put", 2, 2, &key, &value))
		return NULL;
	return db_put_impl((DatabaseObject *)o, key, value);
}

/*
 * db_key_op -- run a key-only library call (pmemkv_remove or pmemkv_exists)
 * with the GIL released: 1 OK, 0 NOT_FOUND, -1 error (exception set).
 */
static int
db_key_op(DatabaseObject *self, PyObject *key, int (*fn)(pmemkv_db *, const char *, size_t))
{
	struct kv_arg k;
	int st, ret = -1;

	if (kv_arg_get(key, &k, "key") < 0)
		return -1;
	if (db_enter(self) == 0) {
		pmemkv_db *db = self->db;
		Py_BEGIN_ALLOW_THREADS
		st = fn(db, k.ptr, (size_t)k.len);
		Py_END_ALLOW_THREADS
		db_leave(self);
		if (st == PMEMKV_STATUS_OK)
			ret = 1;
		else if (st == PMEMKV_STATUS_NOT_FOUND)
			ret = 0;
		else
			raise_status(st, pmemkv_errormsg());
	}
	kv_arg_release(&k);
	return ret;
}

/* db_remove_impl -- 1 removed, 0 missing, -1 error (exception set). */
static int
db_remove_impl(DatabaseObject *self, PyObject *key)
{
	return db_key_op(self, key, pmemkv_remove);
}

static PyObject *
db_remove(PyObject *o, PyObject *key)
{
	int r = db_remove_impl((DatabaseObject *)o, key);
	if (r < 0)
		return NULL;
	return PyBool_FromLong(r);
}

/* db_exists_impl -- 1 present, 0 missing, -1 error. */
static int
db_exists_impl(DatabaseObject *self, PyObject *key)
{
	return db_key_op(self, key, pmemkv_exists);
}

static PyObject *
db_exists(PyObject *o, PyObject *key)
{
	int r = db_exists_impl((DatabaseObject *)o, key);
	if (r < 0)
		return NULL;
	return PyBool_FromLong(r);
}

static int
db_contains(PyObject *o, PyObject *key)
{
	return db_exists_impl((DatabaseObject *)o, key);
}

static PyObject *
db_get(PyObject *o, PyObject *args)
{
	DatabaseObject *self = (DatabaseObject *)o;
	PyObject *key, *func;
	struct kv_arg k;
	int st;

	if (!PyArg_UnpackTuple(args, "get", 2, 2, &key, &func))
		return NULL;
	if (!PyCallable_Check(func)) {
		PyErr_SetString(PyExc_TypeError, "get: the callback must be callable");
		return NULL;
	}
	if (kv_arg_get(key, &k, "key") < 0)
		return NULL;
	if (db_enter(self) < 0) {
		kv_arg_release(&k);
		return NULL;
	}
	struct cb_ctx c = {self, func, CB_VALUE, {NULL, NULL, NULL}};
	pmemkv_db *db = self->db;
	Py_BEGIN_ALLOW_THREADS
	st = pmemkv_get(db, k.ptr, (size_t)k.len, tramp_value, &c);
	Py_END_ALLOW_THREADS
	db_leave(self);
	kv_arg_release(&k);

	if (saved_exc_is_set(&c.exc)) {
		saved_exc_restore(&c.exc); /* (P5) */
		return NULL;
	}
	if (st == PMEMKV_STATUS_NOT_FOUND)
		return raise_key_error(key);
	if (st != PMEMKV_STATUS_OK)
		return raise_status(st, pmemkv_errormsg());
	Py_RETURN_NONE;
}

/* A copy of a value made without the GIL (get_string). */
struct value_copy {
	char *buf;
	size_t len;
	int oom;
};

static void
copy_value_cb(const char *v, size_t vb, void *arg)
{
	struct value_copy *c = arg;
	free(c->buf);
	c->buf = malloc(vb != 0 ? vb : 1);
	if (c->buf == NULL) {
		c->oom = 1;
		return;
	}
	memcpy(c->buf, v, vb);
	c->len = vb;
}

/* db_get_string_impl -- the value as str (UTF-8, strict); KeyError if missing. */
static PyObject *
db_get_string_impl(DatabaseObject *self, PyObject *key)
{
	struct kv_arg k;
	struct value_copy c = {NULL, 0, 0};
	PyObject *ret = NULL;
	int st;

	if (kv_arg_get(key, &k, "key") < 0)
		return NULL;
	if (db_enter(self) < 0) {
		kv_arg_release(&k);
		return NULL;
	}
	pmemkv_db *db = self->db;
	Py_BEGIN_ALLOW_THREADS
	st = pmemkv_get(db, k.ptr, (size_t)k.len, copy_value_cb, &c);
	Py_END_ALLOW_THREADS
	db_leave(self);
	kv_arg_release(&k);

	if (st == PMEMKV_STATUS_NOT_FOUND)
		raise_key_error(key);
	else if (st != PMEMKV_STATUS_OK)
		raise_status(st, pmemkv_errormsg());
	else if (c.oom || c.buf == NULL)
		PyErr_NoMemory();
	else
		ret = PyUnicode_DecodeUTF8(c.buf, (Py_ssize_t)c.len, NULL);
	free(c.buf);
	return ret;
}

static PyObject *
db_get_string(PyObject *o, PyObject *key)
{
	return db_get_string_impl((DatabaseObject *)o, key);
}

/* Database: maintenance and introspection. */

static PyObject *
db_defrag(PyObject *o, PyObject *args, PyObject *kwds)
{
	DatabaseObject *self = (DatabaseObject *)o;
	static char *kwlist[] = {"start_percent", "amount_percent", NULL};
	double start = 0.0, amount = 100.0;
	int st;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|dd:defrag", kwlist, &start, &amount))
		return NULL;
	if (db_enter(self) < 0)
		return NULL;
	pmemkv_db *db = self->db;
	Py_BEGIN_ALLOW_THREADS
	st = pmemkv_defrag(db, start, amount);
	Py_END_ALLOW_THREADS
	db_leave(self);
	if (st != PMEMKV_STATUS_OK)
		return raise_status(st, pmemkv_errormsg());
	Py_RETURN_NONE;
}

static PyObject *
db_stats(PyObject *o, PyObject *unused)
{
	DatabaseObject *self = (DatabaseObject *)o;
	pmemkv_stats stats;
	int st;
	(void)unused;

	if (db_enter(self) < 0)
		return NULL;
	pmemkv_db *db = self->db;
	Py_BEGIN_ALLOW_THREADS
	st = pmemkv_get_stats(db, &stats);
	Py_END_ALLOW_THREADS
	db_leave(self);
	if (st != PMEMKV_STATUS_OK)
		return raise_status(st, pmemkv_errormsg());
	return Py_BuildValue("{s:s,s:K,s:K,s:K}", "durability",
			     stats.durability != NULL ? stats.durability : "unknown", "pool_size",
			     (unsigned long long)stats.pool_size, "used_bytes",
			     (unsigned long long)stats.used_bytes, "records",
			     (unsigned long long)stats.records);
}

/* Database: counts and iteration, with 0, 1 or 2 bound keys. */

enum range_op { R_ALL, R_ABOVE, R_EQUAL_ABOVE, R_EQUAL_BELOW, R_BELOW, R_BETWEEN };

static int
range_nkeys(enum range_op op)
{
	return op == R_ALL ? 0 : op == R_BETWEEN ? 2 : 1;
}

static int
range_count(pmemkv_db *db, enum range_op op, const struct kv_arg *a, const struct kv_arg *b,
	    size_t *cnt)
{
	switch (op) {
	case R_ALL:
		return pmemkv_count_all(db, cnt);
	case R_ABOVE:
		return pmemkv_count_above(db, a->ptr, (size_t)a->len, cnt);
	case R_EQUAL_ABOVE:
		return pmemkv_count_equal_above(db, a->ptr, (size_t)a->len, cnt);
	case R_EQUAL_BELOW:
		return pmemkv_count_equal_below(db, a->ptr, (size_t)a->len, cnt);
	case R_BELOW:
		return pmemkv_count_below(db, a->ptr, (size_t)a->len, cnt);
	case R_BETWEEN:
		return pmemkv_count_between(db, a->ptr, (size_t)a->len, b->ptr, (size_t)b->len,
					    cnt);
	}
	return PMEMKV_STATUS_INVALID_ARGUMENT;
}

static int
range_get(pmemkv_db *db, enum range_op op, const struct kv_arg *a, const struct kv_arg *b,
	  struct cb_ctx *c)
{
	switch (op) {
	case R_ALL:
		return pmemkv_get_all(db, tramp_kv, c);
	case R_ABOVE:
		return pmemkv_get_above(db, a->ptr, (size_t)a->len, tramp_kv, c);
	case R_EQUAL_ABOVE:
		return pmemkv_get_equal_above(db, a->ptr, (size_t)a->len, tramp_kv, c);
	case R_EQUAL_BELOW:
		return pmemkv_get_equal_below(db, a->ptr, (size_t)a->len, tramp_kv, c);
	case R_BELOW:
		return pmemkv_get_below(db, a->ptr, (size_t)a->len, tramp_kv, c);
	case R_BETWEEN:
		return pmemkv_get_between(db, a->ptr, (size_t)a->len, b->ptr, (size_t)b->len,
					  tramp_kv, c);
	}
	return PMEMKV_STATUS_INVALID_ARGUMENT;
}

/*
 * range_call -- count_* (shape < 0) or get_* / get_keys_* (shape = what the
 * callback receives). args: the bound keys, then the callback if any.
 */
static PyObject *
range_call(DatabaseObject *self, PyObject *args, const char *name, enum range_op op, int shape)
{
	int nkeys = range_nkeys(op);
	int nargs = nkeys + (shape >= 0 ? 1 : 0);
	PyObject *in[3] = {NULL, NULL, NULL};
	struct kv_arg a = {.held = 0}, b = {.held = 0};
	PyObject *func = NULL, *ret = NULL;
	size_t cnt = 0;
	int st;

	if (!PyArg_UnpackTuple(args, name, nargs, nargs, &in[0], &in[1], &in[2]))
		return NULL;
	if (shape >= 0) {
		func = in[nkeys];
		if (!PyCallable_Check(func)) {
			PyErr_Format(PyExc_TypeError, "%s: the callback must be callable", name);
			return NULL;
		}
	}
	if (nkeys >= 1 && kv_arg_get(in[0], &a, "key") < 0)
		return NULL;
	if (nkeys >= 2 && kv_arg_get(in[1], &b, "key") < 0) {
		kv_arg_release(&a);
		return NULL;
	}
	if (db_enter(self) < 0)
		goto out;

	pmemkv_db *db = self->db;
	if (shape < 0) {
		Py_BEGIN_ALLOW_THREADS
		st = range_count(db, op, &a, &b, &cnt);
		Py_END_ALLOW_THREADS
		db_leave(self);
		if (st == PMEMKV_STATUS_OK)
			ret = PyLong_FromSize_t(cnt);
		else
			raise_status(st, pmemkv_errormsg());
	} else {
		struct cb_ctx c = {self, func, (enum cb_shape)shape, {NULL, NULL, NULL}};
		Py_BEGIN_ALLOW_THREADS
		st = range_get(db, op, &a, &b, &c);
		Py_END_ALLOW_THREADS
		db_leave(self);
		if (saved_exc_is_set(&c.exc)) {
			saved_exc_restore(&c.exc); /* (P5) */
		} else if (st == PMEMKV_STATUS_OK || st == PMEMKV_STATUS_NOT_FOUND) {
			Py_INCREF(Py_None);
			ret = Py_None;
		} else {
			raise_status(st, pmemkv_errormsg());
		}
	}
out:
	kv_arg_release(&b);
	kv_arg_release(&a);
	return ret;
}

#define RANGE_METHOD(fname, op, shape)                                                     \
	static PyObject *db_##fname(PyObject *o, PyObject *args)                           \
	{                                                                                  \
		return range_call((DatabaseObject *)o, args, #fname, op, shape);           \
	}

RANGE_METHOD(count_all, R_ALL, -1)
RANGE_METHOD(count_above, R_ABOVE, -1)
RANGE_METHOD(count_equal_above, R_EQUAL_ABOVE, -1)
RANGE_METHOD(count_equal_below, R_EQUAL_BELOW, -1)
RANGE_METHOD(count_below, R_BELOW, -1)
RANGE_METHOD(count_between, R_BETWEEN, -1)
RANGE_METHOD(get_all, R_ALL, CB_KEY_VALUE)
RANGE_METHOD(get_above, R_ABOVE, CB_KEY_VALUE)
RANGE_METHOD(get_equal_above, R_EQUAL_ABOVE, CB_KEY_VALUE)
RANGE_METHOD(get_equal_below, R_EQUAL_BELOW, CB_KEY_VALUE)
RANGE_METHOD(get_below, R_BELOW, CB_KEY_VALUE)
RANGE_METHOD(get_between, R_BETWEEN, CB_KEY_VALUE)
RANGE_METHOD(get_keys, R_ALL, CB_KEY)
RANGE_METHOD(get_keys_above, R_ABOVE, CB_KEY)
RANGE_METHOD(get_keys_equal_above, R_EQUAL_ABOVE, CB_KEY)
RANGE_METHOD(get_keys_equal_below, R_EQUAL_BELOW, CB_KEY)
RANGE_METHOD(get_keys_below, R_BELOW, CB_KEY)
RANGE_METHOD(get_keys_between, R_BETWEEN, CB_KEY)

/* Database: mapping protocol. */

static Py_ssize_t
db_len(PyObject *o)
{
	PyObject *empty = PyTuple_New(0);
	if (empty == NULL)
		return -1;
	PyObject *n = db_count_all(o, empty);
	Py_DECREF(empty);
	if (n == NULL)
		return -1;
	Py_ssize_t r = PyLong_AsSsize_t(n);
	Py_DECREF(n);
	return r;
}

static PyObject *
db_subscript(PyObject *o, PyObject *key)
{
	return db_get_string_impl((DatabaseObject *)o, key);
}

static int
db_ass_subscript(PyObject *o, PyObject *key, PyObject *value)
{
	if (value != NULL) {
		PyObject *r = db_put_impl((DatabaseObject *)o, key, value);
		if (r == NULL)
			return -1;
		Py_DECREF(r);
		return 0;
	}
	int r = db_remove_impl((DatabaseObject *)o, key);
	if (r == 0)
		raise_key_error(key);
	return r == 1 ? 0 : -1;
}

static PyMappingMethods db_as_mapping = {
	.mp_length = db_len,
	.mp_subscript = db_subscript,
	.mp_ass_subscript = db_ass_subscript,
};

static PySequenceMethods db_as_sequence = {
	.sq_contains = db_contains,
};

/* Method table. Docstrings are the reference; README.md summarizes them. */

#define M_NOARGS(name, doc) {#name, (PyCFunction)(void (*)(void))db_##name, METH_NOARGS, doc}
#define M_O(name, doc) {#name, (PyCFunction)(void (*)(void))db_##name, METH_O, doc}
#define M_VAR(name, doc) {#name, (PyCFunction)(void (*)(void))db_##name, METH_VARARGS, doc}

static PyMethodDef db_methods[] = {
	M_VAR(put, "put($self, key, value, /)\n--\n\nStore value under key (str is stored as UTF-8, "
		   "any bytes-like object as its bytes)."),
	M_VAR(get, "get($self, key, callback, /)\n--\n\nCall callback(value) with a read-only "
		   "memoryview of the value, valid only during the call. KeyError if "
		   "missing."),
	M_O(get_string, "get_string($self, key, /)\n--\n\nA copy of the value decoded as UTF-8 "
			"(str). KeyError if missing."),
	M_O(exists, "exists($self, key, /)\n--\n\nTrue if key is stored."),
	M_O(remove, "remove($self, key, /)\n--\n\nRemove key: True if it was there, False if not."),
	M_VAR(count_all, "count_all($self)\n--\n\nNumber of records."),
	M_VAR(count_above, "count_above($self, key, /)\n--\n\nNumber of records with keys > key."),
	M_VAR(count_equal_above, "count_equal_above($self, key, /)\n--\n\nNumber of records with keys "
				 ">= key."),
	M_VAR(count_equal_below, "count_equal_below($self, key, /)\n--\n\nNumber of records with keys "
				 "<= key."),
	M_VAR(count_below, "count_below($self, key, /)\n--\n\nNumber of records with keys < key."),
	M_VAR(count_between, "count_between($self, key1, key2, /)\n--\n\nNumber of records with key1 "
			     "< keys < key2."),
	M_VAR(get_all, "get_all($self, callback, /)\n--\n\ncallback(key, value) for every record "
		       "(memoryviews valid only during the call)."),
	M_VAR(get_above, "get_above($self, key, callback, /)\n--\n\ncallback(k, v) for keys > key."),
	M_VAR(get_equal_above, "get_equal_above($self, key, callback, /)\n--\n\ncallback(k, v) for "
			       "keys >= key."),
	M_VAR(get_equal_below, "get_equal_below($self, key, callback, /)\n--\n\ncallback(k, v) for "
			       "keys <= key."),
	M_VAR(get_below, "get_below($self, key, callback, /)\n--\n\ncallback(k, v) for keys < key."),
	M_VAR(get_between, "get_between($self, key1, key2, callback, /)\n--\n\ncallback(k, v) for "
			   "key1 < keys < key2."),
	M_VAR(get_keys, "get_keys($self, callback, /)\n--\n\ncallback(key) for every record."),
	M_VAR(get_keys_above, "get_keys_above($self, key, callback, /)\n--\n\ncallback(k) for keys > "
			      "key."),
	M_VAR(get_keys_equal_above, "get_keys_equal_above($self, key, callback, /)\n--\n\n"
				    "callback(k) for keys >= key."),
	M_VAR(get_keys_equal_below, "get_keys_equal_below($self, key, callback, /)\n--\n\n"
				    "callback(k) for keys <= key."),
	M_VAR(get_keys_below, "get_keys_below($self, key, callback, /)\n--\n\ncallback(k) for keys < "
			      "key."),
	M_VAR(get_keys_between, "get_keys_between($self, key1, key2, callback, /)\n--\n\ncallback(k) "
				"for key1 < keys < key2."),
	{"defrag", (PyCFunction)(void (*)(void))db_defrag, METH_VARARGS | METH_KEYWORDS,
	 "defrag($self, start_percent=0.0, amount_percent=100.0)\n--\n\n"
	 "Defragment that part of the store (engines without defrag raise "
	 "NotSupported)."},
	M_NOARGS(stats, "stats($self, /)\n--\n\nExtension: a dict with durability "
			"('pmem', 'msync', 'process' or 'volatile'), pool_size, used_bytes "
			"and records."),
	M_NOARGS(stop, "stop($self)\n--\n\nClose the database (idempotent); later calls raise "
		       "InvalidArgument."),
	{"__enter__", (PyCFunction)(void (*)(void))db_enter_ctx, METH_NOARGS, NULL},
	{"__exit__", (PyCFunction)(void (*)(void))db_exit_ctx, METH_VARARGS, NULL},
	{NULL, NULL, 0, NULL},
};

static PyTypeObject DatabaseType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = MODULE_NAME ".Database",
	.tp_basicsize = sizeof(DatabaseObject),
	.tp_dealloc = db_dealloc,
	.tp_repr = db_repr,
	.tp_as_sequence = &db_as_sequence,
	.tp_as_mapping = &db_as_mapping,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "Database(engine, config)\n--\n\n"
		  "Open the pmemkv engine `engine` (e.g. 'cmap') with config, a dict of\n"
		  "str -> int | str | bytes-like (e.g. {'path': ..., 'size': ...,\n"
		  "'create_if_missing': 1}). Usable as a dict (db[k], db[k] = v, del db[k],\n"
		  "k in db, len(db)) and as a context manager (stop() on exit).",
	.tp_weaklistoffset = offsetof(DatabaseObject, weakrefs),
	.tp_methods = db_methods,
	.tp_init = db_init,
	.tp_new = PyType_GenericNew,
};

/* Module. */

static struct PyModuleDef pmemkv_moduledef = {
	PyModuleDef_HEAD_INIT,
	.m_name = MODULE_NAME,
	.m_doc = "pmemkv: persistent key-value store (CPython bindings over libpmemkv).",
	.m_size = -1,
};

/* add_exception -- create pmemkv.<name> deriving from bases, with class attr status. */
static PyObject *
add_exception(PyObject *m, const char *name, PyObject *bases, PyObject *status)
{
	char qual[128];
	PyObject *dict = PyDict_New();
	if (dict == NULL)
		return NULL;
	if (PyDict_SetItemString(dict, "status", status) < 0) {
		Py_DECREF(dict);
		return NULL;
	}
	snprintf(qual, sizeof(qual), MODULE_NAME ".%s", name);
	PyObject *cls = PyErr_NewException(qual, bases, dict);
	Py_DECREF(dict);
	if (cls == NULL)
		return NULL;
	if (PyModule_AddObject(m, name, cls) < 0) {
		Py_DECREF(cls);
		return NULL;
	}
	Py_INCREF(cls); /* one for the module (stolen above), one for us */
	return cls;
}

/* Python < 3.9 does not mark PyMODINIT_FUNC visible; we build with hidden. */
__attribute__((visibility("default"))) PyMODINIT_FUNC
PyInit_pmemkv(void)
{
	if (PyType_Ready(&DatabaseType) < 0 || PyType_Ready(&PoolBufferType) < 0)
		return NULL;
	PyObject *m = PyModule_Create(&pmemkv_moduledef);
	if (m == NULL)
		return NULL;

	Py_INCREF(&DatabaseType);
	if (PyModule_AddObject(m, "Database", (PyObject *)&DatabaseType) < 0) {
		Py_DECREF(&DatabaseType);
		goto fail;
	}
	Error = add_exception(m, "Error", PyExc_Exception, Py_None);
	if (Error == NULL)
		goto fail;
	for (size_t i = 0; i < EXC_COUNT; i++) {
		struct exc_entry *e = &exc_table[i];
		PyObject *bases = e->builtin != NULL ? PyTuple_Pack(2, Error, *e->builtin)
						     : PyTuple_Pack(1, Error);
		PyObject *st = PyLong_FromLong(e->status);
		if (bases == NULL || st == NULL) {
			Py_XDECREF(bases);
			Py_XDECREF(st);
			goto fail;
		}
		e->cls = add_exception(m, e->name, bases, st);
		Py_DECREF(bases);
		Py_DECREF(st);
		if (e->cls == NULL)
			goto fail;
	}
	if (PyModule_AddStringConstant(m, "__version__", "1.5.0") < 0)
		goto fail;
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
