"""Builds stdcompress._trampoline: the runtime layer's per-call work for codec entries, in C.

It does what the M runtime does around one call: an input gtm_string_t over the caller's bytes,
the output prepared as the table declares it (length = N, address[0] = 0), the call with argc,
and the runtime's checks on the output afterwards.  The function to call comes from the
table-driven binding in _runtime.py (an address), so this module holds no list of entries.

    python bridge/python/stdcompress/_trampoline_build.py   # in-place build (invoke build does it)
"""

from pathlib import Path

from cffi import FFI

CDEF = """
typedef struct { long length; char *address; } gtm_string_t;
long stdc_trampoline2(void *fn, int argc, const char *in, long in_len, gtm_string_t *out,
                      char *buf, long cap);
long stdc_trampoline3(void *fn, int argc, const char *in, long in_len, gtm_string_t *out,
                      char *buf, long cap, long level);
long stdc_trampoline4(void *fn, int argc, const char *in, long in_len, gtm_string_t *out,
                      char *buf, long cap, long a, long b);
#define STDC_T_EXCEEDSPREALLOC ...
#define STDC_T_MAXSTRLEN ...
"""

SOURCE = r"""
typedef struct { long length; char *address; } gtm_string_t;
typedef long (*stdc_op2)(int, gtm_string_t *, gtm_string_t *);
typedef long (*stdc_op3)(int, gtm_string_t *, gtm_string_t *, long);
typedef long (*stdc_op4)(int, gtm_string_t *, gtm_string_t *, long, long);

#define STDC_T_EXCEEDSPREALLOC (-1)
#define STDC_T_MAXSTRLEN (-2)
#define STDC_T_MAX_STRING 1048576

/* The runtime's preparation of the output, as the table declares it. */
static void prepare(gtm_string_t *out, char *buf, long cap)
{
    out->length = cap;
    out->address = buf;
    buf[0] = 0;
}

/* The runtime's checks afterwards: out->length becomes a negative STDC_T_* code when the C
 * side broke a rule the runtime enforces. */
static void check(gtm_string_t *out, const char *buf, long cap)
{
    if (out->address == buf && out->length > cap)
        out->length = STDC_T_EXCEEDSPREALLOC;
    else if (out->length > STDC_T_MAX_STRING || out->length < 0)
        out->length = STDC_T_MAXSTRLEN;
}

/* One call of an entry shaped (I:string, O:string[cap]), through its own function type. */
static long stdc_trampoline2(void *fn, int argc, const char *in, long in_len, gtm_string_t *out,
                             char *buf, long cap)
{
    gtm_string_t input = {in_len, (char *)in};
    long ret;

    prepare(out, buf, cap);
    ret = ((stdc_op2)fn)(argc, &input, out);
    check(out, buf, cap);
    return ret;
}

/* The same for (I:string, O:string[cap], I:gtm_long_t). */
static long stdc_trampoline3(void *fn, int argc, const char *in, long in_len, gtm_string_t *out,
                             char *buf, long cap, long level)
{
    gtm_string_t input = {in_len, (char *)in};
    long ret;

    prepare(out, buf, cap);
    ret = ((stdc_op3)fn)(argc, &input, out, level);
    check(out, buf, cap);
    return ret;
}

/* The same for (I:string, O:string[cap], I:gtm_long_t, I:gtm_long_t). */
static long stdc_trampoline4(void *fn, int argc, const char *in, long in_len, gtm_string_t *out,
                             char *buf, long cap, long a, long b)
{
    gtm_string_t input = {in_len, (char *)in};
    long ret;

    prepare(out, buf, cap);
    ret = ((stdc_op4)fn)(argc, &input, out, a, b);
    check(out, buf, cap);
    return ret;
}
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source("stdcompress._trampoline", SOURCE, extra_compile_args=["-O2"])

if __name__ == "__main__":
    import os

    here = Path(__file__).resolve().parent
    tmp = here.parent.parent.parent / "build" / "py"
    built = Path(ffibuilder.compile(tmpdir=str(tmp), verbose=False))
    target = here / built.name
    # Replace by rename, never rewrite in place: a running process may have the old file
    # mapped, and truncating a mapped library crashes it.
    if not target.exists() or target.read_bytes() != built.read_bytes():
        staged = target.with_suffix(".tmp")
        staged.write_bytes(built.read_bytes())
        os.replace(staged, target)
