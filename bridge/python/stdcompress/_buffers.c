/* stdcompress._buffers: python-zstandard's buffer types (BufferSegment, BufferSegments,
 * BufferWithSegments, BufferWithSegmentsCollection) and the packing helpers of the batch calls.
 *
 * A small CPython extension because the types export read-only buffers, which a pure-Python
 * class cannot do before Python 3.12 (PEP 688).  Segments are hostile input: every (offset,
 * length) pair is validated on the object's own copy, with no uint64 wrap-around, before
 * anything points into the data.
 *
 * Ownership: a BufferWithSegments holds a Py_buffer on its data for its whole life (the data is
 * referenced, never copied, and a bytearray cannot be resized under it) and its own copy of
 * the segments; BufferSegment and BufferSegments hold a reference to that parent; a collection
 * holds references to its BufferWithSegments.  None of these types can form a cycle among
 * themselves, so they are not GC-tracked (like the peer's).
 *
 * Also call_into, the compiled half of the runtime layer's string_op(into=True), and Entry,
 * the compiled half of its bytes_op (every one-shot call of the bridge).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint64_t offset;
    uint64_t length;
} seg_t; /* 16 bytes, native endian: the wire format of the segments buffers */

#define SEG_SIZE ((Py_ssize_t)sizeof(seg_t))

typedef struct {
    PyObject_HEAD
    Py_buffer view; /* the data; view.obj is NULL only for a half-built object */
    seg_t *segs;    /* own copy, validated: offset <= view.len, length <= view.len - offset */
    Py_ssize_t count;
    unsigned long long size; /* view.len, for the `size` member */
} BWS;

typedef struct {
    PyObject_HEAD
    PyObject *parent; /* the BufferWithSegments */
    const char *data;
    Py_ssize_t len;
    unsigned long long offset;
} Segment;

typedef struct {
    PyObject_HEAD
    PyObject *parent; /* the BufferWithSegments */
} Segments;

typedef struct {
    PyObject_HEAD
    BWS **bufs;
    Py_ssize_t nbufs;
    Py_ssize_t *ends; /* ends[i] = number of segments in bufs[0..i] */
} Collection;

static PyTypeObject BWS_Type, Segment_Type, Segments_Type, Collection_Type;

/* ---- validation (shared by the constructor and the batch helpers) ---- */

/* -1 with ValueError when a pair reaches outside [0, size); never computes offset + length. */
static int check_segments(const seg_t *segs, Py_ssize_t count, Py_ssize_t size)
{
    uint64_t limit = (uint64_t)size;
    Py_ssize_t i;

    for (i = 0; i < count; i++) {
        if (segs[i].offset > limit || segs[i].length > limit - segs[i].offset) {
            PyErr_Format(PyExc_ValueError,
                         "offset within segments array references memory outside buffer "
                         "(segment %zd: offset %llu, length %llu, buffer of %zd bytes)", i,
                         (unsigned long long)segs[i].offset,
                         (unsigned long long)segs[i].length, size);
            return -1;
        }
    }
    return 0;
}

/* ---- BufferWithSegments ---- */

static PyObject *BWS_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"data", "segments", NULL};
    Py_buffer data, segments;
    BWS *self;

    memset(&data, 0, sizeof(data));
    memset(&segments, 0, sizeof(segments));
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*y*:BufferWithSegments", kwlist, &data,
                                     &segments))
        return NULL;
    if (segments.len % SEG_SIZE) {
        PyErr_Format(PyExc_ValueError, "segments array size is not a multiple of %zd (got %zd "
                     "bytes)", SEG_SIZE, segments.len);
        goto fail;
    }
    self = (BWS *)type->tp_alloc(type, 0);
    if (self == NULL)
        goto fail;
    self->count = segments.len / SEG_SIZE;
    /* Copy first, validate the copy: the caller cannot change a pair after it was checked. */
    self->segs = PyMem_Malloc(segments.len ? (size_t)segments.len : 1);
    if (self->segs == NULL) {
        Py_DECREF(self);
        PyErr_NoMemory();
        goto fail;
    }
    if (segments.len)
        memcpy(self->segs, segments.buf, (size_t)segments.len);
    PyBuffer_Release(&segments);
    if (check_segments(self->segs, self->count, data.len) < 0) {
        Py_DECREF(self);
        PyBuffer_Release(&data);
        return NULL;
    }
    self->view = data; /* the object now owns the data's buffer */
    self->size = (unsigned long long)data.len;
    return (PyObject *)self;

fail:
    PyBuffer_Release(&data);
    PyBuffer_Release(&segments);
    return NULL;
}

static void BWS_dealloc(BWS *self)
{
    if (self->view.obj != NULL)
        PyBuffer_Release(&self->view);
    PyMem_Free(self->segs);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t BWS_length(BWS *self)
{
    return self->count;
}

/* The segment i of b, 0 <= i < b->count (checked by callers). */
static PyObject *segment_of(BWS *b, Py_ssize_t i)
{
    Segment *s = PyObject_New(Segment, &Segment_Type);

    if (s == NULL)
        return NULL;
    Py_INCREF(b);
    s->parent = (PyObject *)b;
    /* Validated at construction: offset + length <= view.len, so both fit Py_ssize_t. */
    s->data = (const char *)b->view.buf + (Py_ssize_t)b->segs[i].offset;
    s->len = (Py_ssize_t)b->segs[i].length;
    s->offset = (unsigned long long)b->segs[i].offset;
    return (PyObject *)s;
}

static PyObject *BWS_item(BWS *self, Py_ssize_t i)
{
    if (i < 0) {
        PyErr_SetString(PyExc_IndexError, "offset must be non-negative");
        return NULL;
    }
    if (i >= self->count) {
        PyErr_Format(PyExc_IndexError, "offset must be less than %zd", self->count);
        return NULL;
    }
    return segment_of(self, i);
}

static int BWS_getbuffer(BWS *self, Py_buffer *view, int flags)
{
    return PyBuffer_FillInfo(view, (PyObject *)self, self->view.buf, self->view.len, 1, flags);
}

static PyObject *BWS_tobytes(BWS *self, PyObject *Py_UNUSED(ignored))
{
    return PyBytes_FromStringAndSize(self->view.buf, self->view.len);
}

static PyObject *BWS_segments(BWS *self, PyObject *Py_UNUSED(ignored))
{
    Segments *s = PyObject_New(Segments, &Segments_Type);

    if (s == NULL)
        return NULL;
    Py_INCREF(self);
    s->parent = (PyObject *)self;
    return (PyObject *)s;
}

static PySequenceMethods BWS_as_sequence = {
    .sq_length = (lenfunc)BWS_length,
    .sq_item = (ssizeargfunc)BWS_item,
};

static PyBufferProcs BWS_as_buffer = {
    .bf_getbuffer = (getbufferproc)BWS_getbuffer,
};

static PyMethodDef BWS_methods[] = {
    {"segments", (PyCFunction)BWS_segments, METH_NOARGS,
     "The (offset, length) pairs as a BufferSegments (buffer protocol, native uint64)."},
    {"tobytes", (PyCFunction)BWS_tobytes, METH_NOARGS, "A bytes copy of the whole buffer."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef BWS_members[] = {
    {"size", T_ULONGLONG, offsetof(BWS, size), READONLY, "size of the data in bytes"},
    {NULL, 0, 0, 0, NULL},
};

PyDoc_STRVAR(BWS_doc,
"BufferWithSegments(data, segments)\n\n"
"N items inside one buffer.  ``data`` is any contiguous buffer (referenced, not copied);\n"
"``segments`` a buffer of native-endian uint64 (offset, length) pairs, 16 bytes each\n"
"(copied and validated).  len() is the number of segments, b[i] a BufferSegment; the object\n"
"exports ``data`` read-only through the buffer protocol.");

static PyTypeObject BWS_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "stdcompress.zstd.BufferWithSegments",
    .tp_basicsize = sizeof(BWS),
    .tp_dealloc = (destructor)BWS_dealloc,
    .tp_as_sequence = &BWS_as_sequence,
    .tp_as_buffer = &BWS_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = BWS_doc,
    .tp_methods = BWS_methods,
    .tp_members = BWS_members,
    .tp_new = BWS_new,
};

/* ---- BufferSegment ---- */

static void Segment_dealloc(Segment *self)
{
    Py_CLEAR(self->parent);
    PyObject_Free(self);
}

static Py_ssize_t Segment_length(Segment *self)
{
    return self->len;
}

static int Segment_getbuffer(Segment *self, Py_buffer *view, int flags)
{
    return PyBuffer_FillInfo(view, (PyObject *)self, (void *)self->data, self->len, 1, flags);
}

static PyObject *Segment_tobytes(Segment *self, PyObject *Py_UNUSED(ignored))
{
    return PyBytes_FromStringAndSize(self->data, self->len);
}

static PySequenceMethods Segment_as_sequence = {
    .sq_length = (lenfunc)Segment_length,
};

static PyBufferProcs Segment_as_buffer = {
    .bf_getbuffer = (getbufferproc)Segment_getbuffer,
};

static PyMethodDef Segment_methods[] = {
    {"tobytes", (PyCFunction)Segment_tobytes, METH_NOARGS, "A bytes copy of the segment."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef Segment_members[] = {
    {"offset", T_ULONGLONG, offsetof(Segment, offset), READONLY,
     "offset of the segment within its parent's data"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject Segment_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "stdcompress.zstd.BufferSegment",
    .tp_basicsize = sizeof(Segment),
    .tp_dealloc = (destructor)Segment_dealloc,
    .tp_as_sequence = &Segment_as_sequence,
    .tp_as_buffer = &Segment_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One segment of a BufferWithSegments (read-only buffer protocol); keeps its "
              "parent alive.",
    .tp_methods = Segment_methods,
    .tp_members = Segment_members,
};

/* ---- BufferSegments ---- */

static void Segments_dealloc(Segments *self)
{
    Py_CLEAR(self->parent);
    PyObject_Free(self);
}

static int Segments_getbuffer(Segments *self, Py_buffer *view, int flags)
{
    BWS *b = (BWS *)self->parent;

    return PyBuffer_FillInfo(view, (PyObject *)self, b->segs, b->count * SEG_SIZE, 1, flags);
}

static PyBufferProcs Segments_as_buffer = {
    .bf_getbuffer = (getbufferproc)Segments_getbuffer,
};

static PyTypeObject Segments_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "stdcompress.zstd.BufferSegments",
    .tp_basicsize = sizeof(Segments),
    .tp_dealloc = (destructor)Segments_dealloc,
    .tp_as_buffer = &Segments_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The (offset, length) pairs of a BufferWithSegments: native uint64, 16 bytes a "
              "pair, through the read-only buffer protocol.",
};

/* ---- BufferWithSegmentsCollection ---- */

/* A collection over the BufferWithSegments in `items` (a tuple).  Public construction
 * (allow_empty_data = 0) refuses a buffer without segments or without data, as the peer does;
 * batch results (allow_empty_data = 1) may hold segments that are all empty (items that
 * decompressed to nothing) in a buffer of 0 bytes, never a buffer without segments. */
static PyObject *collection_make(PyTypeObject *type, PyObject *items, int allow_empty_data)
{
    Py_ssize_t n = PyTuple_GET_SIZE(items), i, total = 0;
    Collection *self;

    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "must pass at least 1 argument");
        return NULL;
    }
    for (i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(items, i);
        BWS *b;

        if (!PyObject_TypeCheck(item, &BWS_Type)) {
            PyErr_SetString(PyExc_TypeError, "arguments must be BufferWithSegments instances");
            return NULL;
        }
        b = (BWS *)item;
        if (b->count == 0 || (b->view.len == 0 && !allow_empty_data)) {
            /* the peer's words, which its callers' tests match */
            PyErr_Format(PyExc_ValueError, "ZstdBufferWithSegments cannot be empty (argument "
                         "%zd)", i);
            return NULL;
        }
    }
    self = (Collection *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->bufs = PyMem_Calloc((size_t)n, sizeof(BWS *));
    self->ends = PyMem_Calloc((size_t)n, sizeof(Py_ssize_t));
    if (self->bufs == NULL || self->ends == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    for (i = 0; i < n; i++) {
        BWS *b = (BWS *)PyTuple_GET_ITEM(items, i);

        if (total > PY_SSIZE_T_MAX - b->count) {
            Py_DECREF(self);
            PyErr_SetString(PyExc_OverflowError, "too many segments");
            return NULL;
        }
        total += b->count;
        Py_INCREF(b);
        self->bufs[i] = b;
        self->ends[i] = total;
        self->nbufs = i + 1;
    }
    return (PyObject *)self;
}

static PyObject *Collection_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0) {
        PyErr_SetString(PyExc_TypeError,
                        "BufferWithSegmentsCollection() takes no keyword arguments");
        return NULL;
    }
    return collection_make(type, args, 0);
}

static void Collection_dealloc(Collection *self)
{
    Py_ssize_t i;

    if (self->bufs != NULL)
        for (i = 0; i < self->nbufs; i++)
            Py_CLEAR(self->bufs[i]);
    PyMem_Free(self->bufs);
    PyMem_Free(self->ends);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t Collection_length(Collection *self)
{
    return self->nbufs ? self->ends[self->nbufs - 1] : 0;
}

static PyObject *Collection_item(Collection *self, Py_ssize_t i)
{
    Py_ssize_t n = Collection_length(self), lo = 0, hi = self->nbufs - 1;

    if (i < 0) {
        PyErr_SetString(PyExc_IndexError, "offset must be non-negative");
        return NULL;
    }
    if (i >= n) {
        PyErr_Format(PyExc_IndexError, "offset must be less than %zd", n);
        return NULL;
    }
    while (lo < hi) { /* the first buffer whose end is past i */
        Py_ssize_t mid = lo + (hi - lo) / 2;

        if (self->ends[mid] > i)
            hi = mid;
        else
            lo = mid + 1;
    }
    return segment_of(self->bufs[lo], i - (lo ? self->ends[lo - 1] : 0));
}

static PyObject *Collection_size(Collection *self, PyObject *Py_UNUSED(ignored))
{
    unsigned long long size = 0;
    Py_ssize_t i, j;

    /* Segments may overlap, so the sum is not bounded by the data sizes. */
    for (i = 0; i < self->nbufs; i++)
        for (j = 0; j < self->bufs[i]->count; j++)
            if (__builtin_add_overflow(size, self->bufs[i]->segs[j].length, &size)) {
                PyErr_SetString(PyExc_OverflowError, "total size of the segments exceeds 2**64-1");
                return NULL;
            }
    return PyLong_FromUnsignedLongLong(size);
}

static PySequenceMethods Collection_as_sequence = {
    .sq_length = (lenfunc)Collection_length,
    .sq_item = (ssizeargfunc)Collection_item,
};

static PyMethodDef Collection_methods[] = {
    {"size", (PyCFunction)Collection_size, METH_NOARGS, "Total size in bytes of all segments."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject Collection_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "stdcompress.zstd.BufferWithSegmentsCollection",
    .tp_basicsize = sizeof(Collection),
    .tp_dealloc = (destructor)Collection_dealloc,
    .tp_as_sequence = &Collection_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "BufferWithSegmentsCollection(*buffers): the segments of one or more "
              "BufferWithSegments as one sequence, in order.",
    .tp_methods = Collection_methods,
    .tp_new = Collection_new,
};

/* ---- helpers of the batch calls ---- */

/* _result_collection(buffers): a collection of batch results (a list or tuple of
 * BufferWithSegments, each with at least one segment; a buffer of 0 bytes is allowed). */
static PyObject *result_collection(PyObject *module, PyObject *arg)
{
    PyObject *tuple = PySequence_Tuple(arg), *result;

    (void)module;
    if (tuple == NULL)
        return NULL;
    result = collection_make(&Collection_Type, tuple, 1);
    Py_DECREF(tuple);
    return result;
}

/* New bytes objects for `total` bytes of data and `n` pairs; 0, or -1 with an exception (and
 * *data, *segs NULL or to be released by the caller). */
static int new_packed(Py_ssize_t total, Py_ssize_t n, PyObject **data, PyObject **segs)
{
    if (n > PY_SSIZE_T_MAX / SEG_SIZE) {
        PyErr_NoMemory();
        return -1;
    }
    *data = PyBytes_FromStringAndSize(NULL, total);
    *segs = *data == NULL ? NULL : PyBytes_FromStringAndSize(NULL, n * SEG_SIZE);
    return *segs == NULL ? -1 : 0;
}

/* Packs the items of `list` (contiguous buffers) into one bytes object and its segments. */
static PyObject *pack_list(PyObject *list)
{
    Py_ssize_t n = PyList_GET_SIZE(list), i, got = 0, total = 0;
    Py_buffer *views = NULL;
    PyObject *data = NULL, *segs = NULL, *result = NULL;
    seg_t *sp;
    char *dp;

    views = PyMem_Calloc(n ? (size_t)n : 1, sizeof(Py_buffer));
    if (views == NULL)
        return PyErr_NoMemory();
    /* The list may change while buffers are requested (a buffer export can run code):
     * every view is held until the copy is done, and the list is only read up to `n`. */
    for (i = 0; i < n; i++) {
        PyObject *item = i < PyList_GET_SIZE(list) ? PyList_GET_ITEM(list, i) : NULL;

        if (item == NULL) {
            PyErr_SetString(PyExc_RuntimeError, "list changed size during the call");
            goto done;
        }
        Py_INCREF(item);
        if (PyObject_GetBuffer(item, &views[i], PyBUF_SIMPLE) < 0) {
            Py_DECREF(item);
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "item %zd not a bytes like object", i);
            goto done;
        }
        Py_DECREF(item);
        got = i + 1;
        if (total > PY_SSIZE_T_MAX - views[i].len) {
            PyErr_SetString(PyExc_OverflowError, "items too large in total");
            goto done;
        }
        total += views[i].len;
    }
    if (new_packed(total, n, &data, &segs) < 0)
        goto done;
    dp = PyBytes_AS_STRING(data);
    sp = (seg_t *)(void *)PyBytes_AS_STRING(segs);
    total = 0;
    for (i = 0; i < n; i++) {
        seg_t s = {(uint64_t)total, (uint64_t)views[i].len};

        if (views[i].len)
            memcpy(dp + total, views[i].buf, (size_t)views[i].len);
        memcpy(sp + i, &s, sizeof(s));
        total += views[i].len;
    }
    result = Py_BuildValue("(OOn)", data, segs, n);
done:
    for (i = 0; i < got; i++)
        PyBuffer_Release(&views[i]);
    PyMem_Free(views);
    Py_XDECREF(data);
    Py_XDECREF(segs);
    return result;
}

/* Packs a collection of several buffers: their data concatenated, segments rebased. */
static PyObject *pack_collection(Collection *c)
{
    Py_ssize_t i, j, total = 0, n = Collection_length(c), k = 0;
    PyObject *data = NULL, *segs = NULL, *result = NULL;
    seg_t *sp;
    char *dp;

    for (i = 0; i < c->nbufs; i++) {
        if (total > PY_SSIZE_T_MAX - c->bufs[i]->view.len) {
            PyErr_SetString(PyExc_OverflowError, "buffers too large in total");
            return NULL;
        }
        total += c->bufs[i]->view.len;
    }
    if (new_packed(total, n, &data, &segs) < 0)
        goto done;
    dp = PyBytes_AS_STRING(data);
    sp = (seg_t *)(void *)PyBytes_AS_STRING(segs);
    total = 0;
    for (i = 0; i < c->nbufs; i++) {
        BWS *b = c->bufs[i];

        if (b->view.len)
            memcpy(dp + total, b->view.buf, (size_t)b->view.len);
        for (j = 0; j < b->count; j++, k++) {
            /* offset <= view.len and total + view.len <= PY_SSIZE_T_MAX: no wrap-around. */
            seg_t s = {b->segs[j].offset + (uint64_t)total, b->segs[j].length};

            memcpy(sp + k, &s, sizeof(s));
        }
        total += b->view.len;
    }
    result = Py_BuildValue("(OOn)", data, segs, n);
done:
    Py_XDECREF(data);
    Py_XDECREF(segs);
    return result;
}

/* gather(items) -> (data, segments, count): the input of a batch call as one buffer and its
 * segments.  A BufferWithSegments (or a collection of one) is passed as it is, without a copy;
 * a list of buffers or a collection of several is packed into new bytes. */
static PyObject *gather(PyObject *module, PyObject *arg)
{
    (void)module;
    if (PyObject_TypeCheck(arg, &Collection_Type) && ((Collection *)arg)->nbufs == 1)
        arg = (PyObject *)((Collection *)arg)->bufs[0];
    if (PyObject_TypeCheck(arg, &BWS_Type)) {
        PyObject *segs = BWS_segments((BWS *)arg, NULL), *result;

        if (segs == NULL)
            return NULL;
        result = Py_BuildValue("(OOn)", arg, segs, ((BWS *)arg)->count);
        Py_DECREF(segs);
        return result;
    }
    if (PyObject_TypeCheck(arg, &Collection_Type))
        return pack_collection((Collection *)arg);
    if (PyList_Check(arg))
        return pack_list(arg);
    PyErr_Format(PyExc_TypeError, "argument must be a list of buffers, a BufferWithSegments or "
                 "a BufferWithSegmentsCollection, not %.100s", Py_TYPE(arg)->tp_name);
    return NULL;
}

/* first_longer(segments, limit) -> the index of the first pair whose length is over limit,
 * or -1.  segments: any buffer of 16-byte pairs (alignment not assumed). */
static PyObject *first_longer(PyObject *module, PyObject *args)
{
    Py_buffer view;
    PyObject *limit_obj;
    unsigned long long limit;
    Py_ssize_t i, n, found = -1;

    (void)module;
    if (!PyArg_ParseTuple(args, "y*O!:first_longer", &view, &PyLong_Type, &limit_obj))
        return NULL;
    limit = PyLong_AsUnsignedLongLong(limit_obj); /* OverflowError when negative or too big */
    if (limit == (unsigned long long)-1 && PyErr_Occurred()) {
        PyBuffer_Release(&view);
        return NULL;
    }
    n = view.len / SEG_SIZE;
    for (i = 0; i < n; i++) {
        seg_t s;

        memcpy(&s, (const char *)view.buf + i * SEG_SIZE, sizeof(s));
        if (s.length > limit) {
            found = i;
            break;
        }
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(found);
}

/* ---- call_into: one call of a codec entry with its output over the caller's buffer ----
 *
 * What the M runtime does around a call, as _runtime.Runtime.string_op(into=True) describes it:
 * the input as a gtm_string_t over the caller's bytes, the output prepared over the caller's
 * writable buffer (its first min(len, N) bytes, address[0] = 0), the call with argc, and the
 * runtime's checks afterwards.  Buffers are taken with PyObject_GetBuffer (cffi's from_buffer
 * costs about a microsecond more a call, as much as decoding a 1 KiB LZ4 block).  The GIL is
 * released when the call may be long (input and output over 32 KiB together).
 *
 * call_into(address, nints, argc, data, buffer, n, a, b) -> (return value, output length);
 * the length is negative when a check failed: CALL_INPUT_TOO_LARGE (data over the string
 * limit; nothing was called), CALL_EXCEEDSPREALLOC, CALL_MAXSTRLEN, CALL_MOVED_TOO_LONG (the
 * C side answered with memory of its own, longer than the buffer).  An empty buffer is a
 * ValueError, a read-only one a TypeError. */

typedef struct { long length; char *address; } call_string_t; /* gtm_string_t */
typedef long (*call_op2)(int, call_string_t *, call_string_t *);
typedef long (*call_op3)(int, call_string_t *, call_string_t *, long);
typedef long (*call_op4)(int, call_string_t *, call_string_t *, long, long);

#define CALL_MAX_STRING 1048576L
#define CALL_RELEASE_GIL_AT (32L << 10)
enum { CALL_INPUT_TOO_LARGE = -1, CALL_EXCEEDSPREALLOC = -2, CALL_MAXSTRLEN = -3,
       CALL_MOVED_TOO_LONG = -4 };

static long call_entry(void *fn, long nints, long argc, call_string_t *in, call_string_t *out,
                       long a, long b)
{
    return nints == 0 ? ((call_op2)fn)((int)argc, in, out)
         : nints == 1 ? ((call_op3)fn)((int)argc, in, out, a)
                      : ((call_op4)fn)((int)argc, in, out, a, b);
}

static PyObject *call_into(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Py_buffer src, dst;
    call_string_t in, out;
    void *fn;
    long nints, argc, n, a, b, cap, ret = 0, length;

    (void)module;
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "call_into takes 8 arguments");
        return NULL;
    }
    fn = PyLong_AsVoidPtr(args[0]);
    nints = PyLong_AsLong(args[1]);
    argc = PyLong_AsLong(args[2]);
    n = PyLong_AsLong(args[5]);
    a = PyLong_AsLong(args[6]);
    b = PyLong_AsLong(args[7]);
    if (PyErr_Occurred())
        return NULL;
    if (fn == NULL || nints < 0 || nints > 2 || n < 1) {
        PyErr_SetString(PyExc_ValueError, "call_into: bad address, nints or N");
        return NULL;
    }
    if (PyObject_GetBuffer(args[3], &src, PyBUF_SIMPLE) < 0)
        return NULL;
    if (PyObject_GetBuffer(args[4], &dst, PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&src);
        if (PyErr_ExceptionMatches(PyExc_BufferError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "the output buffer must be writable, not %s",
                         Py_TYPE(args[4])->tp_name);
        }
        return NULL;
    }
    if (dst.len < 1) {
        PyBuffer_Release(&src);
        PyBuffer_Release(&dst);
        PyErr_SetString(PyExc_ValueError, "the output buffer is empty");
        return NULL;
    }
    if (src.len > CALL_MAX_STRING) {
        length = CALL_INPUT_TOO_LARGE;
        goto done;
    }
    cap = dst.len < n ? (long)dst.len : n;
    in.length = (long)src.len;
    in.address = src.buf;
    out.length = cap;
    out.address = dst.buf;
    out.address[0] = 0;
    if (in.length + cap > CALL_RELEASE_GIL_AT) {
        Py_BEGIN_ALLOW_THREADS
        ret = call_entry(fn, nints, argc, &in, &out, a, b);
        Py_END_ALLOW_THREADS
    } else {
        ret = call_entry(fn, nints, argc, &in, &out, a, b);
    }
    length = out.length;
    if (out.address == (char *)dst.buf) {
        if (length > cap)
            length = CALL_EXCEEDSPREALLOC;
        else if (length < 0)
            length = CALL_MAXSTRLEN;
    } else if (length > CALL_MAX_STRING || length < 0) {
        length = CALL_MAXSTRLEN;
    } else if (length > dst.len) {
        length = CALL_MOVED_TOO_LONG;
    } else if (length > 0) {
        memmove(dst.buf, out.address, (size_t)length); /* the runtime's copy of the answer */
    }
done:
    PyBuffer_Release(&src);
    PyBuffer_Release(&dst);
    return Py_BuildValue("ll", ret, length);
}


/* ---- Entry: one codec entry as a callable returning bytes ----
 *
 * Entry(address, nints, n, take, check_error, name[, small_cap[, direct_at[, statuses]]]): the hot path of every one-shot call of
 * the bridge, entry(data, *ints) -> bytes, or the entry's nonzero return value (an int) when it
 * failed.  The same protocol as call_into and as the M runtime: the input as a gtm_string_t
 * over the caller's bytes, argc = 2 + the integers given (the others passed as 0, ignored), the
 * output prepared as the table declares it (address[0] = 0), the runtime's checks afterwards
 * (check_error(message, code) raised for MAXSTRLEN and EXCEEDSPREALLOC).
 *
 * Where the result goes: an input of direct_at bytes or more (default ENTRY_DIRECT_AT; 0:
 * never, what compressing entries use) gets a bytes object of the entry's full N as its
 * output, shrunk to the result afterwards (no copy of a large decoded result, at the price of
 * N bytes allocated for a moment); any other gets an output of small_cap bytes (default ENTRY_SMALL_CAP, a small M output
 * tier; a stream's binding gives its chunk size), and a result larger than that is taken (`take`) into a bytes object of its size, as M takes
 * a held result.
 *
 * statuses (default 0): for entries whose success is 0..statuses rather than 0 alone (the
 * stream entries: DONE, MORE, END), the result is (code, bytes) for those and the int for any
 * other return; nothing is taken. */

#define ENTRY_DIRECT_AT (64L << 10)
#define ENTRY_SMALL_CAP (16L << 10)

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    void *fn, *take;
    long nints, n, small_cap, direct_at, statuses;
    PyObject *check_error, *name;
} Entry;

typedef long (*take_op)(int, call_string_t *);

/* Raises check_error(message, code), the runtime's error as the bridge reports it. */
static PyObject *entry_raise(Entry *e, PyObject *message, const char *code)
{
    PyObject *err = PyObject_CallFunction(e->check_error, "Os", message, code);

    if (err != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(err), err);
        Py_DECREF(err);
    }
    return NULL;
}

static PyObject *entry_check_error(Entry *e, const char *what, const char *code)
{
    PyObject *msg = PyUnicode_FromFormat("%U: %s", e->name, what);

    if (msg != NULL) {
        entry_raise(e, msg, code);
        Py_DECREF(msg);
    }
    return NULL;
}

/* A held result of `held` bytes into a new bytes object, or the nonzero return of take. */
static PyObject *entry_take(Entry *e, long held)
{
    PyObject *result = PyBytes_FromStringAndSize(NULL, held);
    call_string_t out;
    long ret;

    if (result == NULL)
        return NULL;
    out.length = held;
    out.address = PyBytes_AS_STRING(result);
    out.address[0] = 0;
    ret = ((take_op)e->take)(1, &out);
    if (ret != 0 || out.length != held || out.address != PyBytes_AS_STRING(result)) {
        Py_DECREF(result);
        return ret != 0 ? PyLong_FromLong(ret)
                        : entry_check_error(e, "take: the held result changed", "MAXSTRLEN");
    }
    return result;
}

static PyObject *Entry_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                                  PyObject *kwnames)
{
    Entry *e = (Entry *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf), given = nargs - 1;
    long ints[2] = {0, 0}, ret, cap, length;
    PyObject *result = NULL;
    Py_buffer src;
    call_string_t in, out;
    char *buf;

    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0) {
        PyErr_Format(PyExc_TypeError, "%U takes no keyword arguments", e->name);
        return NULL;
    }
    if (nargs < 1) {
        PyErr_Format(PyExc_TypeError, "%U takes data and at most %ld integer(s)", e->name,
                     e->nints);
        return NULL;
    }
    if (given > e->nints) { /* what the runtime says of more actuals than the table's */
        PyObject *msg = PyUnicode_FromFormat("%U: %zd arguments, the table declares %ld",
                                             e->name, 1 + nargs, 2 + e->nints);

        if (msg != NULL) {
            entry_raise(e, msg, "FMLLSTMISSING");
            Py_DECREF(msg);
        }
        return NULL;
    }
    for (Py_ssize_t i = 0; i < given; i++) {
        ints[i] = PyLong_AsLong(args[1 + i]);
        if (ints[i] == -1 && PyErr_Occurred())
            return NULL;
    }
    if (PyBytes_CheckExact(args[0])) { /* the common case, with no buffer protocol */
        src.buf = PyBytes_AS_STRING(args[0]);
        src.len = PyBytes_GET_SIZE(args[0]);
        src.obj = NULL;
    } else if (PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "data must be a bytes-like object, not str");
        return NULL;
    } else if (PyObject_GetBuffer(args[0], &src, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (src.len > CALL_MAX_STRING) {
        PyObject *msg = PyUnicode_FromFormat("%U: input of %zd bytes exceeds the %ld-byte "
                                             "string limit", e->name, src.len,
                                             CALL_MAX_STRING);
        if (src.obj != NULL)
            PyBuffer_Release(&src);
        if (msg != NULL) {
            entry_raise(e, msg, "MAXSTRLEN");
            Py_DECREF(msg);
        }
        return NULL;
    }
    cap = (e->direct_at > 0 && src.len >= e->direct_at) || e->n < e->small_cap ? e->n
                                                                              : e->small_cap;
    result = PyBytes_FromStringAndSize(NULL, cap);
    if (result == NULL)
        goto done;
    buf = PyBytes_AS_STRING(result);
    in.length = (long)src.len;
    in.address = src.buf;
    out.length = cap;
    out.address = buf;
    buf[0] = 0;
    if (in.length + cap > CALL_RELEASE_GIL_AT) {
        Py_BEGIN_ALLOW_THREADS
        ret = call_entry(e->fn, e->nints, 2 + (long)given, &in, &out, ints[0], ints[1]);
        Py_END_ALLOW_THREADS
    } else {
        ret = call_entry(e->fn, e->nints, 2 + (long)given, &in, &out, ints[0], ints[1]);
    }
    length = out.length;
    if ((out.address == buf && length > cap) || length < 0 || length > CALL_MAX_STRING) {
        Py_CLEAR(result);
        entry_check_error(e, "output breaks the runtime's check",
                          out.address == buf && length > cap ? "EXCEEDSPREALLOC" : "MAXSTRLEN");
        goto done;
    }
    if (ret != 0 && (ret < 0 || ret > e->statuses)) {
        Py_CLEAR(result);
        result = ret > 0 && e->take != NULL ? entry_take(e, ret) : PyLong_FromLong(ret);
        goto done;
    }
    if (out.address != buf) { /* memory of the C side's own: the runtime copies it */
        PyObject *copy = PyBytes_FromStringAndSize(out.address, length);

        Py_DECREF(result);
        result = copy;
    } else if (_PyBytes_Resize(&result, length) < 0) {
        result = NULL;
    }
    if (e->statuses > 0 && result != NULL) {
        PyObject *pair = Py_BuildValue("lN", ret, result);

        result = pair;
    }
done:
    if (src.obj != NULL)
        PyBuffer_Release(&src);
    return result;
}

static PyObject *Entry_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *fn, *take, *check_error, *name;
    long nints, n, small_cap = ENTRY_SMALL_CAP, direct_at = ENTRY_DIRECT_AT, statuses = 0;
    Entry *e;

    if (kwargs != NULL && PyDict_Size(kwargs) > 0) {
        PyErr_SetString(PyExc_TypeError, "Entry takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "OllOOU|lll", &fn, &nints, &n, &take, &check_error, &name,
                          &small_cap, &direct_at, &statuses))
        return NULL;
    if (nints < 0 || nints > 2 || n < 1 || n > CALL_MAX_STRING + 1 || small_cap < 1 ||
        direct_at < 0 || statuses < 0 || (statuses > 0 && take != Py_None) ||
        !PyCallable_Check(check_error)) {
        PyErr_SetString(PyExc_ValueError, "Entry: bad nints, N, small_cap, statuses or check_error");
        return NULL;
    }
    e = (Entry *)type->tp_alloc(type, 0);
    if (e == NULL)
        return NULL;
    e->vectorcall = Entry_vectorcall;
    e->fn = PyLong_AsVoidPtr(fn);
    e->take = take == Py_None ? NULL : PyLong_AsVoidPtr(take);
    if (PyErr_Occurred() || e->fn == NULL) {
        Py_DECREF(e);
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "Entry: a NULL address");
        return NULL;
    }
    e->nints = nints;
    e->n = n;
    e->small_cap = small_cap;
    e->direct_at = direct_at;
    e->statuses = statuses;
    Py_INCREF(check_error);
    e->check_error = check_error;
    Py_INCREF(name);
    e->name = name;
    return (PyObject *)e;
}

static void Entry_dealloc(Entry *self)
{
    Py_XDECREF(self->check_error);
    Py_XDECREF(self->name);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Entry_repr(Entry *self)
{
    return PyUnicode_FromFormat("<stdcompress entry %U>", self->name);
}

static PyTypeObject Entry_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "stdcompress._buffers.Entry",
    .tp_basicsize = sizeof(Entry),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "Entry(address, nints, n, take, check_error, name): a codec entry, called "
              "entry(data, *ints) -> bytes or the entry's nonzero return value; see _buffers.c.",
    .tp_new = Entry_new,
    .tp_dealloc = (destructor)Entry_dealloc,
    .tp_repr = (reprfunc)Entry_repr,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Entry, vectorcall),
};

/* ---- Builder: a bytes object written in place before anyone else sees it ----
 *
 * Builder(n): a new bytes object of n (unset) bytes, writable through the buffer protocol while
 * it is being built; finish() -> that bytes object, refused (BufferError) while any view of the
 * builder is alive, after which the builder exports nothing.  So a decoder writes a result
 * straight into the bytes its consumer gets (no bytearray, no copy), and nothing can write into
 * the bytes once they are out.  n = 0 gives the shared empty bytes, which a 0-byte view cannot
 * write. */

typedef struct {
    PyObject_HEAD
    PyObject *bytes; /* NULL once finished */
    Py_ssize_t exports;
} Builder;

static PyObject *Builder_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t n;
    Builder *b;

    if (kwargs != NULL && PyDict_Size(kwargs) > 0) {
        PyErr_SetString(PyExc_TypeError, "Builder takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "n", &n))
        return NULL;
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "Builder: negative size");
        return NULL;
    }
    b = (Builder *)type->tp_alloc(type, 0);
    if (b == NULL)
        return NULL;
    b->bytes = PyBytes_FromStringAndSize(NULL, n);
    if (b->bytes == NULL) {
        Py_DECREF(b);
        return NULL;
    }
    return (PyObject *)b;
}

static void Builder_dealloc(Builder *self)
{
    Py_XDECREF(self->bytes);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Builder_getbuffer(Builder *self, Py_buffer *view, int flags)
{
    if (self->bytes == NULL) {
        PyErr_SetString(PyExc_BufferError, "Builder: already finished");
        return -1;
    }
    if (PyBuffer_FillInfo(view, (PyObject *)self, PyBytes_AS_STRING(self->bytes),
                          PyBytes_GET_SIZE(self->bytes), 0, flags) < 0)
        return -1;
    self->exports++;
    return 0;
}

static void Builder_releasebuffer(Builder *self, Py_buffer *view)
{
    (void)view;
    self->exports--;
}

static PyObject *Builder_finish(Builder *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *result = self->bytes;

    if (result == NULL) {
        PyErr_SetString(PyExc_BufferError, "Builder: already finished");
        return NULL;
    }
    if (self->exports > 0) {
        PyErr_Format(PyExc_BufferError, "Builder: %zd view(s) still open", self->exports);
        return NULL;
    }
    self->bytes = NULL; /* the reference moves to the caller */
    return result;
}

static Py_ssize_t Builder_length(Builder *self)
{
    return self->bytes == NULL ? 0 : PyBytes_GET_SIZE(self->bytes);
}

static PyBufferProcs Builder_as_buffer = {
    .bf_getbuffer = (getbufferproc)Builder_getbuffer,
    .bf_releasebuffer = (releasebufferproc)Builder_releasebuffer,
};

static PySequenceMethods Builder_as_sequence = {.sq_length = (lenfunc)Builder_length};

static PyMethodDef Builder_methods[] = {
    {"finish", (PyCFunction)Builder_finish, METH_NOARGS,
     "The bytes object built; BufferError while a view of the builder is alive."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject Builder_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "stdcompress._buffers.Builder",
    .tp_basicsize = sizeof(Builder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Builder(n): n bytes written in place, then finish() -> bytes; see _buffers.c.",
    .tp_new = Builder_new,
    .tp_dealloc = (destructor)Builder_dealloc,
    .tp_as_buffer = &Builder_as_buffer,
    .tp_as_sequence = &Builder_as_sequence,
    .tp_methods = Builder_methods,
};

static PyMethodDef module_methods[] = {
    {"call_into", (PyCFunction)(void (*)(void))call_into, METH_FASTCALL,
     "call_into(address, nints, argc, data, buffer, n, a, b) -> (ret, length): see _buffers.c."},
    {"first_longer", first_longer, METH_VARARGS,
     "first_longer(segments, limit) -> index of the first item longer than limit, or -1."},
    {"gather", gather, METH_O,
     "gather(items) -> (data, segments, count) for a batch call."},
    {"result_collection", result_collection, METH_O,
     "result_collection(buffers) -> BufferWithSegmentsCollection of batch results."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "stdcompress._buffers",
    .m_doc = "python-zstandard's buffer types, validated against hostile segments.",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__buffers(void)
{
    static PyTypeObject *types[] = {&BWS_Type, &Segment_Type, &Segments_Type, &Collection_Type,
                                    &Entry_Type, &Builder_Type};
    static const char *names[] = {"BufferWithSegments", "BufferSegment", "BufferSegments",
                                  "BufferWithSegmentsCollection", "Entry", "Builder"};
    PyObject *m;
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (PyType_Ready(types[i]) < 0)
            return NULL;
    m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        Py_INCREF(types[i]);
        if (PyModule_AddObject(m, names[i], (PyObject *)types[i]) < 0) {
            Py_DECREF(types[i]);
            Py_DECREF(m);
            return NULL;
        }
    }
    return m;
}
