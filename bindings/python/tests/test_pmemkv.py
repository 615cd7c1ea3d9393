# SPDX-License-Identifier: BSD-3-Clause
"""Tests of the pmemkv CPython extension (bindings/python).

Run by CTest (test python_pmemkv) with PYTHONPATH set to the folder holding
the built module; by hand:

    PYTHONPATH=<build>/bindings/python python3 -m unittest discover \
        -s bindings/python/tests -v

PMEMKV_PY_ENGINE selects the persistent engine under test (default cmap).
Pools live in /dev/shm (or $TMPDIR when /dev/shm is missing) with names
unique to the process, and are removed by each test.
"""
import gc
import glob
import itertools
import os
import sys
import threading
import time
import unittest

import pmemkv

ENGINE = os.environ.get("PMEMKV_PY_ENGINE", "cmap")
POOL_SIZE = 32 << 20
_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else os.environ.get("TMPDIR", "/tmp")
_counter = itertools.count()

STATUS = {
    "UnknownError": 1,
    "NotSupported": 3,
    "InvalidArgument": 4,
    "ConfigParsingError": 5,
    "ConfigTypeError": 6,
    "StoppedByCallback": 7,
    "OutOfMemory": 8,
    "WrongEngineName": 9,
    "TransactionScopeError": 10,
    "DefragError": 11,
    "ComparatorMismatch": 12,
}


def new_pool_path():
    return os.path.join(_DIR, "pmemkv-pytest-%d-%d" % (os.getpid(), next(_counter)))


def remove_pool(path):
    for p in glob.glob(glob.escape(path) + "*"):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


def pool_config(path, create=True):
    cfg = {"path": path, "size": POOL_SIZE}
    if create:
        cfg["create_if_missing"] = 1
    return cfg


class Boom(Exception):
    """Raised by test callbacks; must reach the caller unchanged."""


class DbTestCase(unittest.TestCase):
    """Opens a fresh persistent database per test."""

    def setUp(self):
        self.path = new_pool_path()
        self.db = pmemkv.Database(ENGINE, pool_config(self.path))

    def tearDown(self):
        self.db.stop()
        del self.db
        gc.collect()
        remove_pool(self.path)

    def reopen(self):
        self.db.stop()
        self.db = pmemkv.Database(ENGINE, pool_config(self.path, create=False))


class TestModule(unittest.TestCase):
    def test_exception_classes(self):
        self.assertTrue(issubclass(pmemkv.Error, Exception))
        self.assertIsNone(pmemkv.Error.status)
        for name, status in STATUS.items():
            cls = getattr(pmemkv, name)
            self.assertTrue(issubclass(cls, pmemkv.Error), name)
            self.assertEqual(cls.status, status, name)
            self.assertEqual(cls.__module__, "pmemkv")
        # Python-side families, for callers that catch builtins.
        self.assertTrue(issubclass(pmemkv.InvalidArgument, ValueError))
        self.assertTrue(issubclass(pmemkv.OutOfMemory, MemoryError))

    def test_exception_instances_carry_status_and_message(self):
        with self.assertRaises(pmemkv.WrongEngineName) as cm:
            pmemkv.Database("no-such-engine", {})
        e = cm.exception
        self.assertEqual(e.status, 9)
        self.assertIsInstance(e.message, str)
        self.assertTrue(e.message)
        self.assertEqual(str(e), e.message)

    def test_version(self):
        self.assertIsInstance(pmemkv.__version__, str)


class TestConfig(unittest.TestCase):
    def setUp(self):
        self.path = new_pool_path()

    def tearDown(self):
        gc.collect()
        remove_pool(self.path)

    def test_config_must_be_dict(self):
        for bad in (None, [("path", self.path)], "path=/x", 5):
            with self.assertRaises(TypeError):
                pmemkv.Database(ENGINE, bad)

    def test_engine_must_be_str(self):
        with self.assertRaises(TypeError):
            pmemkv.Database(b"cmap", pool_config(self.path))
        with self.assertRaises(TypeError):
            pmemkv.Database()

    def test_bad_value_types(self):
        for bad in (1.5, None, [1], {"a": 1}, object()):
            cfg = pool_config(self.path)
            cfg["extra"] = bad
            with self.assertRaises(TypeError):
                pmemkv.Database(ENGINE, cfg)
        with self.assertRaises(TypeError):
            pmemkv.Database(ENGINE, {1: "x"})
        cfg = pool_config(self.path)
        cfg["big"] = 1 << 64
        with self.assertRaises(OverflowError):
            pmemkv.Database(ENGINE, cfg)
        with self.assertRaises(ValueError):
            pmemkv.Database(ENGINE, {"path": "a\0b"})

    def test_wrong_engine_name(self):
        with self.assertRaises(pmemkv.WrongEngineName) as cm:
            pmemkv.Database("nope", pool_config(self.path))
        self.assertEqual(cm.exception.status, 9)

    def test_config_type_error(self):
        with self.assertRaises(pmemkv.ConfigTypeError) as cm:
            pmemkv.Database(ENGINE, {"path": 123, "size": POOL_SIZE, "create_if_missing": 1})
        self.assertEqual(cm.exception.status, 6)
        self.assertTrue(cm.exception.message)

    def test_invalid_argument_missing_path(self):
        with self.assertRaises(pmemkv.InvalidArgument) as cm:
            pmemkv.Database(ENGINE, {"size": POOL_SIZE, "create_if_missing": 1})
        self.assertEqual(cm.exception.status, 4)
        self.assertIsInstance(cm.exception, pmemkv.Error)

    def test_missing_file_without_create(self):
        with self.assertRaises(pmemkv.Error):
            pmemkv.Database(ENGINE, pool_config(self.path, create=False))

    def test_accepted_value_types(self):
        # bool is an int; bytes-like values go in as data; unknown keys are
        # the engine's business (ignored by cmap).
        cfg = pool_config(self.path)
        cfg["create_if_missing"] = True
        cfg["x_data"] = b"\0\1\2"
        cfg["x_bytearray"] = bytearray(b"ab")
        cfg["x_uint64"] = (1 << 64) - 1
        cfg["x_neg"] = -5
        db = pmemkv.Database(ENGINE, cfg)
        db.put("k", "v")
        self.assertEqual(db.get_string("k"), "v")
        db.stop()

    def test_keyword_arguments(self):
        db = pmemkv.Database(engine=ENGINE, config=pool_config(self.path))
        db.stop()


class TestBasic(DbTestCase):
    def get_bytes(self, key):
        out = []
        self.db.get(key, lambda v: out.append(bytes(v)))
        self.assertEqual(len(out), 1)
        return out[0]

    def test_put_get(self):
        self.assertIsNone(self.db.put("key1", "value1"))
        self.assertEqual(self.db.get_string("key1"), "value1")
        self.assertEqual(self.get_bytes("key1"), b"value1")
        self.assertEqual(self.get_bytes(b"key1"), b"value1")

    def test_overwrite(self):
        self.db.put("k", "first")
        self.db.put("k", "second, longer value")
        self.assertEqual(self.db.get_string("k"), "second, longer value")
        self.assertEqual(self.db.count_all(), 1)

    def test_get_callback_gets_readonly_memoryview(self):
        self.db.put("k", "abc")
        seen = []

        def cb(v):
            self.assertIsInstance(v, memoryview)
            self.assertTrue(v.readonly)
            self.assertEqual(v.format, "B")
            self.assertEqual(len(v), 3)
            self.assertEqual(v.tobytes(), b"abc")
            self.assertEqual(str(v, "utf-8"), "abc")
            with self.assertRaises(TypeError):
                v[0] = 0x41
            seen.append(True)

        self.assertIsNone(self.db.get("k", cb))
        self.assertEqual(seen, [True])

    def test_missing_key(self):
        with self.assertRaises(KeyError) as cm:
            self.db.get("missing", lambda v: self.fail("called"))
        self.assertEqual(cm.exception.args, ("missing",))
        with self.assertRaises(KeyError):
            self.db.get_string("missing")
        self.assertFalse(self.db.exists("missing"))
        self.assertIs(self.db.remove("missing"), False)

    def test_exists_remove_count(self):
        self.assertEqual(self.db.count_all(), 0)
        for i in range(10):
            self.db.put("key%d" % i, "v%d" % i)
        self.assertEqual(self.db.count_all(), 10)
        self.assertIs(self.db.exists("key3"), True)
        self.assertIs(self.db.remove("key3"), True)
        self.assertIs(self.db.exists("key3"), False)
        self.assertIs(self.db.remove("key3"), False)
        self.assertEqual(self.db.count_all(), 9)

    def test_nul_bytes(self):
        k = b"\0a\0b\0"
        v = b"\0\0value\0with\0nuls\0"
        self.db.put(k, v)
        self.db.put(b"\0", b"")
        self.assertEqual(self.get_bytes(k), v)
        self.assertEqual(self.get_bytes(b"\0"), b"")
        self.assertFalse(self.db.exists(b"\0a"))
        self.assertEqual(self.db.get_string(k), v.decode())
        self.db.put("str\0key", "str\0value")
        self.assertEqual(self.db.get_string(b"str\0key"), "str\0value")

    def test_empty_key_and_value(self):
        self.db.put("", "")
        self.assertTrue(self.db.exists(""))
        self.assertEqual(self.db.get_string(b""), "")
        self.assertEqual(self.get_bytes(""), b"")
        self.assertTrue(self.db.remove(""))

    def test_unicode(self):
        key = "zażółć gęślą jaźń"
        value = "日本語 🎉 Ελληνικά"
        self.db.put(key, value)
        self.assertEqual(self.db.get_string(key), value)
        self.assertEqual(self.get_bytes(key.encode("utf-8")), value.encode("utf-8"))
        self.assertTrue(self.db.exists(key.encode("utf-8")))
        with self.assertRaises(UnicodeEncodeError):
            self.db.put("\ud800", "lone surrogate")

    def test_binary_value_get_string_raises_decode_error(self):
        self.db.put("bin", b"\xff\xfe\x00")
        with self.assertRaises(UnicodeDecodeError):
            self.db.get_string("bin")
        self.assertEqual(self.get_bytes("bin"), b"\xff\xfe\x00")

    def test_bytes_like_keys_and_values(self):
        self.db.put(bytearray(b"ba"), memoryview(b"from memoryview"))
        self.assertEqual(self.db.get_string(memoryview(b"ba")), "from memoryview")
        big = bytes(range(256)) * 4096  # 1 MiB
        self.db.put(b"big", big)
        self.assertEqual(self.get_bytes("big"), big)
        import array
        self.db.put(array.array("B", b"arr"), array.array("B", b"\1\2\3"))
        self.assertEqual(self.get_bytes("arr"), b"\1\2\3")

    def test_bad_key_and_value_types(self):
        for bad in (1, 1.0, None, ["k"], object()):
            with self.assertRaises(TypeError):
                self.db.put(bad, "v")
            with self.assertRaises(TypeError):
                self.db.put("k", bad)
            with self.assertRaises(TypeError):
                self.db.get_string(bad)
            with self.assertRaises(TypeError):
                self.db.exists(bad)
            with self.assertRaises(TypeError):
                self.db.remove(bad)
        with self.assertRaises(TypeError):
            self.db.get("k", "not callable")
        with self.assertRaises(TypeError):
            self.db.get_all(None)
        with self.assertRaises(TypeError):
            self.db.put("only one argument")
        self.assertEqual(self.db.count_all(), 0)

    def test_reopen_persists(self):
        data = {("key%d" % i).encode(): os.urandom(i % 300) for i in range(300)}
        for k, v in data.items():
            self.db.put(k, v)
        self.db.remove(b"key7")
        del data[b"key7"]
        self.reopen()
        self.assertEqual(self.db.count_all(), len(data))
        got = {}
        self.db.get_all(lambda k, v: got.__setitem__(bytes(k), bytes(v)))
        self.assertEqual(got, data)
        self.assertFalse(self.db.exists(b"key7"))

    def test_stats(self):
        for i in range(5):
            self.db.put("s%d" % i, "v" * 100)
        st = self.db.stats()
        self.assertEqual(set(st), {"durability", "pool_size", "used_bytes", "records"})
        self.assertIn(st["durability"], ("pmem", "msync", "process"))
        self.assertEqual(st["records"], 5)
        self.assertEqual(st["pool_size"], POOL_SIZE)
        self.assertGreater(st["used_bytes"], 5 * 100)
        with pmemkv.Database("blackhole", {}) as bh:
            self.assertEqual(bh.stats()["durability"], "volatile")

    def test_defrag(self):
        for i in range(100):
            self.db.put("d%d" % i, "v" * (i + 1))
        for i in range(0, 100, 2):
            self.db.remove("d%d" % i)
        try:
            self.assertIsNone(self.db.defrag())
            self.assertIsNone(self.db.defrag(10.0, amount_percent=20))
        except pmemkv.NotSupported:
            pass
        with self.assertRaises(pmemkv.InvalidArgument):
            self.db.defrag(50, 60)
        with self.assertRaises(TypeError):
            self.db.defrag("a")
        self.assertEqual(self.db.count_all(), 50)
        self.assertEqual(self.db.get_string("d99"), "v" * 100)

    def test_repr_and_weakref(self):
        import weakref
        self.assertIn("open", repr(self.db))
        self.assertIn(ENGINE, repr(self.db))
        r = weakref.ref(self.db)
        self.assertIs(r(), self.db)

    def test_subclass(self):
        class MyDb(pmemkv.Database):
            def put_twice(self, k, v):
                self.put(k, v)
                self.put(k, v + v)

        self.db.stop()
        db = MyDb(ENGINE, pool_config(self.path))
        db.put_twice("a", "b")
        self.assertEqual(db["a"], "bb")
        db.stop()


class TestCallbacks(DbTestCase):
    def setUp(self):
        super().setUp()
        self.data = {}
        for i in range(50):
            k, v = ("key%02d" % i).encode(), ("value%d" % i).encode() * (i + 1)
            self.db.put(k, v)
            self.data[k] = v

    def test_get_all(self):
        got = {}

        def cb(k, v):
            self.assertIsInstance(k, memoryview)
            self.assertIsInstance(v, memoryview)
            got[bytes(k)] = bytes(v)

        self.assertIsNone(self.db.get_all(cb))
        self.assertEqual(got, self.data)

    def test_get_keys(self):
        keys = []

        def cb(k):
            self.assertIsInstance(k, memoryview)
            keys.append(k.tobytes())

        self.assertIsNone(self.db.get_keys(cb))
        self.assertEqual(sorted(keys), sorted(self.data))

    def test_callback_return_value_is_ignored(self):
        n = []
        self.db.get_all(lambda k, v: n.append(1) or True)
        self.assertEqual(len(n), len(self.data))

    def test_view_unusable_after_get(self):
        kept = []
        self.db.get("key01", kept.append)
        v = kept[0]
        with self.assertRaises(ValueError):
            bytes(v)
        with self.assertRaises(ValueError):
            v[0]
        with self.assertRaises(ValueError):
            len(v)
        with self.assertRaises(ValueError):
            v.tobytes()
        with self.assertRaises(ValueError):
            v.obj  # a released memoryview no longer exposes its exporter
        del kept, v
        gc.collect()

    def test_exporter_refuses_after_callback(self):
        exporters = []
        self.db.get("key01", lambda v: exporters.append(v.obj))
        with self.assertRaises(ValueError):
            memoryview(exporters[0])
        with self.assertRaises(ValueError):
            bytes(exporters[0])

    def test_views_unusable_after_get_all(self):
        kept = []
        self.db.get_all(lambda k, v: kept.append((k, v)))
        self.assertEqual(len(kept), len(self.data))
        for k, v in kept:
            with self.assertRaises(ValueError):
                bytes(k)
            with self.assertRaises(ValueError):
                bytes(v)
        kept.clear()
        self.db.get_keys(kept.append)
        with self.assertRaises(ValueError):
            kept[0].tobytes()

    def test_escaped_slice_raises_buffer_error(self):
        kept = []
        with self.assertRaises(BufferError):
            self.db.get("key01", lambda v: kept.append(v[1:]))
        # The slice pins the pool: stop() defers the close until it dies.
        self.db.stop()
        self.assertIn("stopping", repr(self.db))
        # still mapped: reading the stray slice is stale-but-safe, never a crash
        self.assertEqual(bytes(kept[0]), self.data[b"key01"][1:])
        with self.assertRaises(pmemkv.InvalidArgument):
            self.db.put("x", "y")
        del kept
        gc.collect()
        self.assertIn("stopped", repr(self.db))
        # The pool was really closed: it reopens.
        self.db = pmemkv.Database(ENGINE, pool_config(self.path, create=False))
        self.assertEqual(self.db.count_all(), len(self.data))

    def test_view_in_cyclic_garbage_is_not_an_escape(self):
        def cb(v):
            box = [v[1:]]
            box.append(box)  # unreachable cycle holding a derived view

        self.db.get("key01", cb)  # no BufferError
        self.db.get_all(lambda k, v: cb(v))

    def test_escaped_export_of_the_view_raises_buffer_error(self):
        import struct
        kept = []
        # iter_unpack holds a buffer of the memoryview itself, so the view
        # cannot even be released: still detected, still no crash.
        with self.assertRaises(BufferError):
            self.db.get("key01", lambda v: kept.append(struct.iter_unpack("B", v)))
        self.assertEqual(self.db.count_all(), len(self.data))
        del kept
        gc.collect()
        self.db.stop()
        self.assertIn("stopped", repr(self.db))

    def test_escaped_view_in_get_all_stops_iteration(self):
        kept = []
        calls = []

        def cb(k, v):
            calls.append(1)
            kept.append(memoryview(v)[0:2])

        with self.assertRaises(BufferError):
            self.db.get_all(cb)
        self.assertEqual(len(calls), 1)
        del kept
        gc.collect()
        self.assertEqual(self.db.count_all(), len(self.data))

    def test_exception_propagates_from_get(self):
        err = Boom("from get")
        with self.assertRaises(Boom) as cm:
            self.db.get("key01", lambda v: (_ for _ in ()).throw(err))
        self.assertIs(cm.exception, err)
        # still usable
        self.assertEqual(self.db.get_string("key01"), self.data[b"key01"].decode())

    def test_exception_propagates_and_stops_iteration(self):
        for method in (self.db.get_all, self.db.get_keys):
            calls = []

            def cb(*args):
                calls.append(args)
                if len(calls) == 3:
                    raise Boom(method.__name__)

            with self.assertRaises(Boom) as cm:
                method(cb)
            self.assertEqual(str(cm.exception), method.__name__)
            self.assertEqual(len(calls), 3, method.__name__)
        self.assertEqual(self.db.count_all(), len(self.data))

    def test_keyboard_interrupt_like_exceptions_propagate(self):
        def cb(k, v):
            raise SystemExit(3)

        with self.assertRaises(SystemExit):
            self.db.get_all(cb)

    def test_stop_inside_callback_raises(self):
        errors = []

        def cb(k, v):
            try:
                self.db.stop()
            except pmemkv.Error as e:
                errors.append(e)
            raise Boom()

        with self.assertRaises(Boom):
            self.db.get_all(cb)
        self.assertEqual(len(errors), 1)
        self.assertEqual(self.db.count_all(), len(self.data))

    def test_nested_reads_inside_callback(self):
        # Reads of the same database from a callback work (engine locks
        # permitting: cmap's get_all takes no lock that get needs).
        got = []
        self.db.get("key02", lambda v: got.append(self.db.exists("key03")))
        self.assertEqual(got, [True])

    def test_range_methods(self):
        """Sorted engines answer; unsorted ones (cmap) raise NotSupported."""
        keys = sorted(self.data)
        lo, hi = keys[10], keys[20]
        model = {
            "above": [k for k in keys if k > lo],
            "equal_above": [k for k in keys if k >= lo],
            "equal_below": [k for k in keys if k <= lo],
            "below": [k for k in keys if k < lo],
            "between": [k for k in keys if lo < k < hi],
        }
        for kind, expect in model.items():
            bounds = (lo, hi) if kind == "between" else (lo,)
            try:
                n = getattr(self.db, "count_" + kind)(*bounds)
            except pmemkv.NotSupported as e:
                self.assertEqual(e.status, 3)
                self.assertTrue(e.message)
            else:
                self.assertEqual(n, len(expect), kind)
            got = []
            try:
                getattr(self.db, "get_" + kind)(*bounds, lambda k, v: got.append(bytes(k)))
            except pmemkv.NotSupported:
                pass
            else:
                self.assertEqual(got, expect, kind)
            got = []
            try:
                getattr(self.db, "get_keys_" + kind)(*bounds, lambda k: got.append(bytes(k)))
            except pmemkv.NotSupported:
                pass
            else:
                self.assertEqual(got, expect, kind)
            # Argument checking comes before the engine.
            with self.assertRaises(TypeError):
                getattr(self.db, "count_" + kind)(*([1] * len(bounds)))
            with self.assertRaises(TypeError):
                getattr(self.db, "get_keys_" + kind)(*bounds, 42)


class TestDictProtocol(DbTestCase):
    def test_dict_protocol(self):
        db = self.db
        db["a"] = "alpha"
        db[b"b"] = b"beta"
        self.assertEqual(db["a"], "alpha")
        self.assertIsInstance(db["b"], str)
        self.assertEqual(db["b"], "beta")
        self.assertIn("a", db)
        self.assertIn(b"a", db)
        self.assertNotIn("c", db)
        self.assertEqual(len(db), 2)
        with self.assertRaises(KeyError) as cm:
            db["c"]
        self.assertEqual(cm.exception.args, ("c",))
        del db["a"]
        self.assertNotIn("a", db)
        with self.assertRaises(KeyError):
            del db["a"]
        self.assertEqual(len(db), 1)
        with self.assertRaises(TypeError):
            db[1] = "x"
        with self.assertRaises(TypeError):
            1 in db
        with self.assertRaises(TypeError):
            iter(db)


class TestLifecycle(unittest.TestCase):
    def setUp(self):
        self.path = new_pool_path()

    def tearDown(self):
        gc.collect()
        remove_pool(self.path)

    def assert_stopped(self, db):
        calls = [
            lambda: db.put("k", "v"),
            lambda: db.get("k", lambda v: None),
            lambda: db.get_string("k"),
            lambda: db.exists("k"),
            lambda: db.remove("k"),
            lambda: db.count_all(),
            lambda: db.stats(),
            lambda: db.defrag(),
            lambda: db.count_above("k"),
            lambda: db.get_all(lambda k, v: None),
            lambda: db.get_keys(lambda k: None),
            lambda: db["k"],
            lambda: len(db),
            lambda: "k" in db,
        ]
        for c in calls:
            with self.assertRaises(pmemkv.InvalidArgument):
                c()

    def test_stop_idempotent(self):
        db = pmemkv.Database(ENGINE, pool_config(self.path))
        db.put("k", "v")
        db.stop()
        db.stop()
        self.assert_stopped(db)
        self.assertIn("stopped", repr(db))

    def test_context_manager(self):
        with pmemkv.Database(ENGINE, pool_config(self.path)) as db:
            db["k"] = "v"
            self.assertEqual(db["k"], "v")
        self.assert_stopped(db)
        with self.assertRaises(Boom):
            with pmemkv.Database(ENGINE, pool_config(self.path, create=False)) as db2:
                self.assertEqual(db2["k"], "v")
                raise Boom()
        self.assert_stopped(db2)
        db2.stop()

    def test_gc_closes(self):
        db = pmemkv.Database(ENGINE, pool_config(self.path))
        db.put("k", "v")
        del db
        gc.collect()
        db = pmemkv.Database(ENGINE, pool_config(self.path, create=False))
        self.assertEqual(db.get_string("k"), "v")
        db.stop()

    def test_kept_exporter_does_not_pin_database(self):
        import weakref
        db = pmemkv.Database(ENGINE, pool_config(self.path))
        db.put("k", "v")
        kept = []
        db.get("k", lambda v: kept.append(v.obj))
        r = weakref.ref(db)
        del db
        gc.collect()
        self.assertIsNone(r())
        with self.assertRaises(ValueError):
            memoryview(kept[0])

    def test_reinit_open_database_raises(self):
        db = pmemkv.Database(ENGINE, pool_config(self.path))
        with self.assertRaises(pmemkv.InvalidArgument):
            db.__init__(ENGINE, pool_config(self.path))
        db.put("k", "v")
        db.stop()

    def test_out_of_memory_then_usable(self):
        cfg = pool_config(self.path)
        cfg["size"] = 8 << 20  # cmap's minimum
        with pmemkv.Database(ENGINE, cfg) as db:
            n = 0
            with self.assertRaises(pmemkv.OutOfMemory) as cm:
                while n < 10000:
                    db.put(b"k%d" % n, b"x" * 65536)
                    n += 1
            self.assertEqual(cm.exception.status, 8)
            self.assertIsInstance(cm.exception, MemoryError)
            self.assertTrue(cm.exception.message)
            self.assertEqual(len(db), n)
            self.assertTrue(db.remove(b"k0"))
            db.put(b"again", b"y" * 1000)
            self.assertEqual(db.get_string(b"again"), "y" * 1000)

    def test_blackhole(self):
        with pmemkv.Database("blackhole", {}) as db:
            db.put("k", "v")
            self.assertEqual(db.count_all(), 0)
            self.assertFalse(db.exists("k"))
            with self.assertRaises(KeyError):
                db.get_string("k")
            with self.assertRaises(KeyError):
                db["k"]


class TestThreads(DbTestCase):
    N_THREADS = 4
    N_OPS = 500

    def test_parallel_put_get(self):
        errors = []

        def worker(t):
            try:
                for i in range(self.N_OPS):
                    k = "t%d-k%d" % (t, i)
                    self.db.put(k, "v%d" % i * 3)
                    if self.db.get_string(k) != "v%d" % i * 3:
                        errors.append("mismatch %s" % k)
                    if i % 7 == 0:
                        self.db.remove(k)
                    j = i // 2
                    got = []
                    try:
                        self.db.get("t%d-k%d" % (t, j), lambda v: got.append(bytes(v)))
                    except KeyError:
                        if j % 7 != 0:
                            errors.append("missing t%d-k%d" % (t, j))
                    else:
                        if got != [("v%d" % j * 3).encode()]:
                            errors.append("bad value t%d-k%d: %r" % (t, j, got))
            except Exception as e:
                errors.append(repr(e))

        threads = [threading.Thread(target=worker, args=(t,)) for t in range(self.N_THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        removed = len(range(0, self.N_OPS, 7))
        self.assertEqual(self.db.count_all(), self.N_THREADS * (self.N_OPS - removed))

    def test_callback_and_writer_do_not_deadlock(self):
        # Thread A iterates with a callback that yields the GIL; thread B
        # writes meanwhile. Were a library call made with the GIL held, B
        # could wait for an engine lock A holds while A waits for the GIL.
        for i in range(50):
            self.db.put("pre%d" % i, "x")
        done = []

        def reader():
            self.db.get_all(lambda k, v: time.sleep(0.0005))
            done.append("reader")

        def writer():
            # new keys, overwrites and removes (which free records: an
            # engine may wait for readers' grace periods there)
            for i in range(300):
                self.db.put("w%d" % i, "y")
                self.db.put("pre%d" % (i % 50), "overwritten %d" % i)
                if i % 2:
                    self.db.remove("w%d" % (i - 1))
                self.db.exists("pre1")
            done.append("writer")

        threads = [threading.Thread(target=f, daemon=True) for f in (reader, writer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(sorted(done), ["reader", "writer"])
        self.assertEqual(self.db.count_all(), 50 + 150)

    def test_stop_waits_for_other_threads(self):
        started = threading.Event()
        finished = []

        def slow_reader():
            def cb(k, v):
                started.set()
                time.sleep(0.002)

            try:
                self.db.get_all(cb)
                finished.append("ok")
            except Exception as e:
                finished.append(repr(e))

        for i in range(20):
            self.db.put("k%d" % i, "v")
        t = threading.Thread(target=slow_reader, daemon=True)
        t.start()
        started.wait(10)
        self.db.stop()  # must wait for the iteration, not pull the pool from under it
        t.join(30)
        self.assertEqual(finished, ["ok"])
        with self.assertRaises(pmemkv.InvalidArgument):
            self.db.count_all()

    def test_gil_released_during_library_calls(self):
        # With a huge switch interval the interpreter never forces a GIL
        # handoff: the ticker thread can only run while this thread is
        # inside a call that drops the GIL itself. Each operation is repeated
        # until the ticker has moved (a few calls when the GIL is released;
        # never, and a failure after 5 s, when it is not).
        self.db.put("g", "v" * 100)
        ticks = [0]
        stop = threading.Event()

        def ticker():
            while not stop.is_set():
                ticks[0] += 1
                time.sleep(0)  # drops the GIL: lets the main thread go on

        ops = {
            "put": lambda i: self.db.put("g%d" % (i % 1000), "v" * 100),
            "get_string": lambda i: self.db.get_string("g"),
            "get": lambda i: self.db.get("g", len),
            "exists": lambda i: self.db.exists("g"),
            "remove": lambda i: self.db.remove("nope"),
            "count_all": lambda i: self.db.count_all(),
        }
        old = sys.getswitchinterval()
        t = threading.Thread(target=ticker, daemon=True)
        sys.setswitchinterval(1000.0)
        try:
            t.start()
            for name, op in ops.items():
                before = ticks[0]
                deadline = time.monotonic() + 5.0
                i = 0
                while ticks[0] == before and time.monotonic() < deadline:
                    op(i)
                    i += 1
                self.assertGreater(ticks[0], before, "%s never released the GIL" % name)
        finally:
            stop.set()
            sys.setswitchinterval(old)
        t.join(10)

if __name__ == "__main__":
    unittest.main()
