STDCOMPRESS ; gzip, deflate, zlib, zstd, LZ4, brotli and xz for M through the stdcompress call-outs
 ;
 ; Public extrinsics (each codec one returns 1, or 0 with $ECODE set and .out = ""):
 ;   $$gzip^STDCOMPRESS(data,.out[,level])     RFC 1952 gzip
 ;   $$gunzip^STDCOMPRESS(data,.out)
 ;   $$deflate^STDCOMPRESS(data,.out[,level])  RFC 1951 raw deflate
 ;   $$inflate^STDCOMPRESS(data,.out)
 ;   $$zlib^STDCOMPRESS(data,.out[,level])     RFC 1950 zlib
 ;   $$unzlib^STDCOMPRESS(data,.out)
 ;   $$gzipBest^STDCOMPRESS(data,.out[,level])  also deflateBest, zlibBest: libdeflate's
 ;                                       strongest levels 10..12 (default 12), apart from 1..9
 ;   $$zstdCompress^STDCOMPRESS(data,.out[,level])  zstd frame (RFC 8878)
 ;   $$zstdDecompress^STDCOMPRESS(data,.out)
 ;   $$lz4Compress^STDCOMPRESS(data,.out[,level])   LZ4 block after a 4-byte size (python-lz4's)
 ;   $$lz4Decompress^STDCOMPRESS(data,.out)
 ;   $$lz4BlockCompress^STDCOMPRESS(data,.out[,level])  one raw LZ4 block (keep its size)
 ;   $$lz4BlockDecompress^STDCOMPRESS(data,.out,size)   exactly size bytes
 ;   $$lz4FrameCompress^STDCOMPRESS(data,.out[,level])  LZ4 frame (the lz4(1) format)
 ;   $$lz4FrameDecompress^STDCOMPRESS(data,.out)
 ;   $$brotliCompress^STDCOMPRESS(data,.out[,quality][,lgwin])  brotli stream (RFC 7932)
 ;   $$brotliDecompress^STDCOMPRESS(data,.out)
 ;   $$xzCompress^STDCOMPRESS(data,.out[,level])  .xz stream (XZ Utils); level 0..9, 10..19 extreme
 ;   $$xzDecompress^STDCOMPRESS(data,.out)        one or more .xz streams, stream padding
 ;   $$available^STDCOMPRESS()  "" or the missing backends ("libz,libzstd"); never raises
 ;   $$versions^STDCOMPRESS()   "stdcompress=X,libdeflate=X,...,liblzma=X,codecs=bundled|system"
 ;   $$lastError^STDCOMPRESS()  "CODE message" of the last failure, "" if none
 ;   $$limits^STDCOMPRESS()     "name=value;..." limits and level ranges, as the C library says
 ; LZ4 block streams (python-lz4's lz4.stream format; docs/lz4-stream.md), behind handles:
 ;   $$lz4StreamCompressOpen^STDCOMPRESS(bufsize[,width][,mode][,level][,dict][,strategy])
 ;   $$lz4StreamDecompressOpen^STDCOMPRESS(bufsize[,width][,dict][,strategy])
 ;                                       a handle (>0), or 0 with $ECODE set
 ;   $$lz4StreamCompress^STDCOMPRESS(h,chunk,.block)      [prefix][block] of one chunk
 ;   $$lz4StreamGetBlock^STDCOMPRESS(h,stream,.offset,.block)  the block at byte offset
 ;                                       (0-based) of stream; offset moves past it
 ;   $$lz4StreamDecompress^STDCOMPRESS(h,block,.chunk)    one block (no prefix), in order
 ;   $$lz4StreamFree^STDCOMPRESS(h)                       1, or 0 with $ECODE set
 ; Streams of any length (gzip, deflate, zlib, zstd, lz4 frames, brotli; docs/streaming.md):
 ;   $$streamOpen^STDCOMPRESS(codec,direction[,level][,maxOutput][,dict][,workers])  a
 ;                                       handle (>0), or 0; dict: a zstd dictionary; workers:
 ;                                       zstd compression in libzstd's threads
 ;   $$streamWrite^STDCOMPRESS(h,chunk,.out)  1 all output in .out, 2 more pending (call
 ;                                       streamRead until it returns 1 or 3), 3 end of stream
 ;   $$streamRead^STDCOMPRESS(h,.out)   $$streamFlush^STDCOMPRESS(h,.out)   as streamWrite
 ;   $$streamClose^STDCOMPRESS(h,.out)  final bytes: 1 (handle freed) or 2 (streamRead until 1)
 ;   $$streamUnused^STDCOMPRESS(h,.out) bytes after the end of a decompressed stream
 ;   $$compressFile^STDCOMPRESS(codec,from,to[,level])          file to file, 1 or 0
 ;   $$decompressFile^STDCOMPRESS(codec,from,to[,maxOutput])    file to file, 1 or 0
 ; Values of any size in globals (or locals), chunked to the record size (docs/globals.md):
 ;   $$compressToGlobal^STDCOMPRESS(codec,src,dst[,level])  the node src, or the data nodes
 ;                                       under it, compressed into the subtree dst: 1, or 0
 ;   $$decompressFromGlobal^STDCOMPRESS(src,dst[,maxSize])  into the node dst, or raw chunks
 ;   $$globalInfo^STDCOMPRESS(src)      "codec=..;size=..;chunks=.."
 ;   $$globalReaderOpen^STDCOMPRESS(src[,maxSize])  a reader's handle (>0), or 0
 ;   $$globalReaderNext^STDCOMPRESS(h,.piece)  1 the next piece, 3 the end (checked), or 0
 ;   $$globalReaderClose^STDCOMPRESS(h)  1, or 0
 ;   $$crc32^STDCOMPRESS(data[,crc])    zlib's CRC-32 of data, continuing from crc
 ;
 ; Failures set $ECODE to ,U-STDCOMPRESS-<CODE>, with CODE one of BAD-ARGS, BAD-LEVEL,
 ; OUTPUT-TOO-LARGE, LIBZ-FAIL, LIBZSTD-FAIL, LIBLZ4-FAIL, LIBBROTLI-FAIL, LIBLZMA-FAIL, NO-MEMORY,
 ; CALLOUT-MISSING, for streams INVALID-HANDLE, HANDLE-LIMIT, and for values in globals
 ; GLOBAL-CORRUPT (a damaged stored value) and GLOBAL-FAIL (a runtime error, e.g. REC2BIG).
 ;
 ; Data are byte strings: use $ZLENGTH/$ZEXTRACT/$ZASCII/$ZCHAR on them in UTF-8 mode.
 ; An omitted or empty level lets the C library apply its default; levels are range-checked
 ; by the C library too, so this routine holds no level numbers.
 ;
 ; How a call runs.  Each public codec label (one frame, the caller's traps untouched) calls
 ; a "call frame" (label ending in C), which NEWs $ETRAP so that a call-out the runtime
 ; cannot reach (table variable unset, table unreadable, library not loadable, symbol
 ; missing) is caught and becomes CALLOUT-MISSING; the call frame picks the output size
 ; tier from the input length and calls $&stdcompress directly.  It returns 1 on success or
 ; 0 after recording the failure in %STDCOMPRESS("lastError").  The public label then DOes
 ; raise, which sets $ECODE.  By then the call frame, and its $ETRAP, are gone, so the
 ; caller's own $ETRAP (or $ZTRAP) fires on exactly ,U-STDCOMPRESS-<CODE>,; and because
 ; raise is a DO frame, a caller's trap may end with an argumentless QUIT (as in
 ; set $etrap="... set $ecode="""" quit"), after which the extrinsic returns 0.
 ;
 ; Size tiers.  Every codec entry exists as name1k, name64k and name (1 MiB output); the
 ; runtime prepares the whole declared output on every call, so small results must use a
 ; small tier.  A result larger than the tier called is held by C, the call returns its
 ; length (>0), and take64k or take collects it.
 quit
 ;
 ; ---- public codec labels ----
 ;
gzip(data,out,level) ; RFC 1952 gzip of data into .out; level 1..9, default 6 (the seed's, C checks)
 quit:$$gzipC() 1 set out="" do raise quit 0
 ;
gunzip(data,out) ; decode gzip (one or more members) into .out
 quit:$$gunzipC() 1 set out="" do raise quit 0
 ;
deflate(data,out,level) ; RFC 1951 raw deflate of data into .out; level as gzip
 quit:$$deflateC() 1 set out="" do raise quit 0
 ;
inflate(data,out) ; decode one raw deflate stream into .out
 quit:$$inflateC() 1 set out="" do raise quit 0
 ;
zlib(data,out,level) ; RFC 1950 zlib stream of data into .out; level as gzip
 quit:$$zlibC() 1 set out="" do raise quit 0
 ;
unzlib(data,out) ; decode one zlib stream into .out
 quit:$$unzlibC() 1 set out="" do raise quit 0
 ;
gzipBest(data,out,level) ; gzip at libdeflate's slow, strongest levels 10..12 (default 12)
 quit:$$bestC("gzipBest") 1 set out="" do raise quit 0
 ;
deflateBest(data,out,level) ; raw deflate at levels 10..12 (default 12)
 quit:$$bestC("deflateBest") 1 set out="" do raise quit 0
 ;
zlibBest(data,out,level) ; zlib at levels 10..12 (default 12)
 quit:$$bestC("zlibBest") 1 set out="" do raise quit 0
 ;
zstdCompress(data,out,level) ; zstd frame of data into .out; level 1..22 or negative, default 3
 quit:$$zstdCompressC() 1 set out="" do raise quit 0
 ;
zstdDecompress(data,out) ; decode one or more zstd frames into .out
 quit:$$zstdDecompressC() 1 set out="" do raise quit 0
 ;
 ; -- LZ4 and brotli.  LZ4 levels (blocks and frames): 1 (default) and 2 fast, 3..12 LZ4HC,
 ; -N fast with acceleration N+1 (as lz4 --fast=N).  brotli: quality 0..11 (default 11),
 ; lgwin 10..24 (default 22). --
 ;
lz4Compress(data,out,level) ; LZ4 block after its 4-byte little-endian size into .out
 quit:$$lz4CompressC() 1 set out="" do raise quit 0
 ;
lz4Decompress(data,out) ; decode a size-prefixed LZ4 block into .out
 quit:$$lz4DecompressC() 1 set out="" do raise quit 0
 ;
lz4BlockCompress(data,out,level) ; one raw LZ4 block into .out (its size is not in it)
 quit:$$lz4BlockCompressC() 1 set out="" do raise quit 0
 ;
lz4BlockDecompress(data,out,size) ; decode one raw LZ4 block of exactly size bytes into .out
 quit:$$lz4BlockDecompressC() 1 set out="" do raise quit 0
 ;
lz4FrameCompress(data,out,level) ; LZ4 frame (lz4(1) format, content size and checksum) into .out
 quit:$$lz4FrameCompressC() 1 set out="" do raise quit 0
 ;
lz4FrameDecompress(data,out) ; decode one or more LZ4 frames into .out
 quit:$$lz4FrameDecompressC() 1 set out="" do raise quit 0
 ;
brotliCompress(data,out,level,lgwin) ; brotli stream into .out; level is the quality
 quit:$$brotliCompressC() 1 set out="" do raise quit 0
 ;
brotliDecompress(data,out) ; decode one brotli stream into .out
 quit:$$brotliDecompressC() 1 set out="" do raise quit 0
 ;
 ; -- end of LZ4 and brotli --
 ;
 ; -- xz: levels 0..9 are xz -0..-9 (default 6), 10..19 the extreme presets xz -0e..-9e --
 ;
xzCompress(data,out,level) ; .xz stream (CRC64 check) of data into .out
 quit:$$xzCompressC() 1 set out="" do raise quit 0
 ;
xzDecompress(data,out) ; decode one or more .xz streams (stream padding too, as xz -d) into .out
 quit:$$xzDecompressC() 1 set out="" do raise quit 0
 ;
 ; -- LZ4 block streams.  A stream lives in the C library behind a handle until
 ; lz4StreamFree (or the process ends).  bufsize is the largest chunk; width the bytes of the
 ; size prefix (0, 1, 2 or 4, default 4); mode default, fast or high_compression; level the
 ; acceleration (fast) or HC level (0 or omitted: LZ4's default); dict any string, copied;
 ; strategy double_buffer (default) or ring_buffer.  The decompressor needs the compressor's
 ; bufsize, width, dict and strategy. --
 ;
lz4StreamCompressOpen(bufsize,width,mode,level,dict,strategy) ; a compressor's handle, or 0
 new h
 quit:$$lz4sOpenC(1) h
 do raise quit 0
 ;
lz4StreamDecompressOpen(bufsize,width,dict,strategy) ; a decompressor's handle, or 0
 new h
 quit:$$lz4sOpenC(2) h
 do raise quit 0
 ;
lz4StreamCompress(h,chunk,block) ; chunk (at most bufsize bytes) into .block: [prefix][LZ4 block]
 quit:$$lz4sCompressC() 1 set block="" do raise quit 0
 ;
lz4StreamGetBlock(h,stream,offset,block) ; the block whose prefix is at byte offset of stream
 ; into .block, without its prefix; .offset (0-based, "" = 0) then points past it
 quit:$$lz4sGetBlockC() 1 set block="" do raise quit 0
 ;
lz4StreamDecompress(h,block,chunk) ; one block (without prefix), in stream order, into .chunk
 quit:$$lz4sDecompressC() 1 set chunk="" do raise quit 0
 ;
lz4StreamFree(h) ; free stream h (either kind): 1, or 0 (INVALID-HANDLE: never opened, freed)
 quit:$$freeC("lz4StreamFree") 1 do raise quit 0
 ;
 ; -- end of LZ4 block streams --
 ;
 ; -- streams of any length.  codec gzip, deflate, zlib, zstd, lz4 or brotli; direction c or
 ; d; level "" (or 0, but xz 0 is xz -0): the codec's default; maxOutput: a cap on a decompressor's total output
 ; ("" or 0: none), past it OUTPUT-TOO-LARGE.  Each call takes a chunk of up to 1 MiB and
 ; gives at most 1 MiB: 2 says more is pending, drain it with streamRead.  A failure ends the
 ; stream; streamClose then frees it. --
 ;
streamOpen(codec,direction,level,maxOutput,dict,workers) ; a stream's handle, or 0; dict: zstd dictionary
 new h
 quit:$$streamOpenC() h
 do raise quit 0
 ;
streamWrite(h,chunk,out) ; chunk in, the output ready in .out: 1 done, 2 more pending, 3 end
 new r set r=$$streamC(1) quit:r r
 set out="" do raise quit 0
 ;
streamRead(h,out) ; the next pending output into .out: 1, 2 or 3 as streamWrite
 new r set r=$$streamC(2) quit:r r
 set out="" do raise quit 0
 ;
streamFlush(h,out) ; compressor: what was written so far becomes decodable: 1 or 2
 new r set r=$$streamC(3) quit:r r
 set out="" do raise quit 0
 ;
streamClose(h,out) ; the final bytes: 1 (the handle is freed) or 2 (streamRead until 1)
 new r set r=$$streamC(4) quit:r r
 set out="" do raise quit 0
 ;
streamUnused(h,out) ; decompressor: the bytes after the end of the stream, 1
 new r set r=$$streamC(5) quit:r r
 set out="" do raise quit 0
 ;
 ;
compressFile(codec,from,to,level) ; compress file from into file to (created anew): 1, or 0
 quit:$$fileC("c") 1 do raise quit 0
 ;
decompressFile(codec,from,to,maxOutput) ; decompress file from into file to: 1, or 0 (a failed
 ; file is deleted; truncated input or bytes after the end of the stream are the codec's error)
 quit:$$fileC("d") 1 do raise quit 0
 ;
 ; -- end of streams of any length --
 ;
 ; -- values of any size in globals: the work is STDCGLOB's.  Formal parameters start with
 ; %STDC so that the names src and dst reach the caller's arrays, never one of these. --
 ;
compressToGlobal(%STDCc,%STDCs,%STDCd,%STDCl) ; codec, src, dst, level: 1, or 0
 quit:$$compress^STDCGLOB($get(%STDCc),$get(%STDCs),$get(%STDCd),$get(%STDCl)) 1 do raise quit 0
 ;
decompressFromGlobal(%STDCs,%STDCd,%STDCx) ; src, dst, maxSize: 1, or 0
 quit:$$decompress^STDCGLOB($get(%STDCs),$get(%STDCd),$get(%STDCx)) 1 do raise quit 0
 ;
globalInfo(%STDCs) ; "codec=..;size=..;chunks=.." of the value at src, or "" (raised)
 new %STDCx
 quit:$$info^STDCGLOB($get(%STDCs),.%STDCx) %STDCx
 do raise quit ""
 ;
globalReaderOpen(%STDCs,%STDCx) ; a reader of the value at src (at most maxSize bytes): h, or 0
 new %STDCe
 quit:$$readerOpen^STDCGLOB($get(%STDCs),$get(%STDCx),.%STDCe) %STDCe
 do raise quit 0
 ;
globalReaderNext(%STDCe,%STDCp) ; h, .piece: the next piece, 1, 3 at the end (size, checksum checked), or 0
 new %STDCr set %STDCr=$$readerNext^STDCGLOB($get(%STDCe),.%STDCp) quit:%STDCr %STDCr
 set %STDCp="" do raise quit 0
 ;
globalReaderClose(%STDCe) ; free reader h: 1, or 0 (INVALID-HANDLE)
 quit:$$readerClose^STDCGLOB($get(%STDCe)) 1 do raise quit 0
 ;
crc32(data,crc) ; zlib's CRC-32 of data, continuing from crc ("" or omitted: a fresh one)
 new rc
 quit:$$crcC() rc
 do raise quit 0
 ;
crcC() ; crc32's call frame: rc the checksum
 new $etrap set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("crc32")
 set crc=$get(crc) set:crc="" crc=0
 quit:crc'?1.10N $$badArg("crc32","crc",crc)
 set rc=$&stdcompress.crc32(data,crc)
 quit:rc'<0 1
 quit $$got(rc)
 ;
 ; -- end of values of any size in globals --
 ;
 ; ---- public informational labels ----
 ;
available() ; "" when every backend resolved, else the missing ones; never raises
 new x
 ; With $ECODE already set (inside an error handler) a nested error cannot be trapped
 ; (the runtime unwinds past this frame), so first check, without raising, that the table
 ; and the library it names are there.
 if $ecode'="",'$$reachable() quit "libz,libzstd,liblz4,libbrotli"
 quit:$$infoC(1) x
 quit "libz,libzstd,liblz4,libbrotli"
 ;
versions() ; "stdcompress=X,libdeflate=X,...,libbrotli=X"; CALLOUT-MISSING when unreachable
 new x
 quit:$$infoC(2) x
 do raise quit ""
 ;
limits() ; "max_string=N;deflate_level_min=N;...;zstd_level_default=N"; as versions()
 new x
 quit:$$infoC(3) x
 do raise quit ""
 ;
lastError() ; "CODE message" of the last failure, "" if none; never raises
 new x
 ; Every failure seen through this routine is recorded here (CALLOUT-MISSING has no other
 ; home); the C library's own record covers direct $&stdcompress callers.
 quit:$data(%STDCOMPRESS("lastError"))#2 %STDCOMPRESS("lastError")
 quit:$$infoC(4) x
 quit $get(%STDCOMPRESS("lastError"))
 ;
 ; ---- call frames: run in the scope of the public label (data, out, level are its) ----
 ;
 ; Compression tier: the output bound is about n+n/8+64 bytes for n input bytes; take the
 ; smallest tier it fits.  With a level, the level is passed; without one, it is not, and
 ; C applies its default.
 ; Decompression tier: the result size is unknown here, so guess from the input length
 ; (up to 256 bytes: 1k, up to 16 KiB: 64k, else 1 MiB); a larger result comes back held.
 ;
 ; ---- generated call frames: xc/generate.py writes them from xc/stdcompress.spec ----
gzipC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("gzip")
 set n=$zlength(data)
 if $get(level)="" set n=$select(n<855:$&stdcompress.gzip1k(data,.out),n<58199:$&stdcompress.gzip64k(data,.out),1:$&stdcompress.gzip(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel("gzip")
 set n=$select(n<855:$&stdcompress.gzip1k(data,.out,level),n<58199:$&stdcompress.gzip64k(data,.out,level),1:$&stdcompress.gzip(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
gunzipC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("gunzip")
 set n=$zlength(data),n=$select(n<257:$&stdcompress.gunzip1k(data,.out),n<16385:$&stdcompress.gunzip64k(data,.out),1:$&stdcompress.gunzip(data,.out))
 quit:'n 1
 quit $$got(n,.out)
 ;
deflateC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("deflate")
 set n=$zlength(data)
 if $get(level)="" set n=$select(n<855:$&stdcompress.deflate1k(data,.out),n<58199:$&stdcompress.deflate64k(data,.out),1:$&stdcompress.deflate(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel("deflate")
 set n=$select(n<855:$&stdcompress.deflate1k(data,.out,level),n<58199:$&stdcompress.deflate64k(data,.out,level),1:$&stdcompress.deflate(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
inflateC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("inflate")
 set n=$zlength(data),n=$select(n<257:$&stdcompress.inflate1k(data,.out),n<16385:$&stdcompress.inflate64k(data,.out),1:$&stdcompress.inflate(data,.out))
 quit:'n 1
 quit $$got(n,.out)
 ;
zlibC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("zlib")
 set n=$zlength(data)
 if $get(level)="" set n=$select(n<855:$&stdcompress.zlib1k(data,.out),n<58199:$&stdcompress.zlib64k(data,.out),1:$&stdcompress.zlib(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel("zlib")
 set n=$select(n<855:$&stdcompress.zlib1k(data,.out,level),n<58199:$&stdcompress.zlib64k(data,.out,level),1:$&stdcompress.zlib(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
unzlibC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("unzlib")
 set n=$zlength(data),n=$select(n<257:$&stdcompress.unzlib1k(data,.out),n<16385:$&stdcompress.unzlib64k(data,.out),1:$&stdcompress.unzlib(data,.out))
 quit:'n 1
 quit $$got(n,.out)
 ;
zstdCompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("zstdCompress")
 set n=$zlength(data)
 if $get(level)="" set n=$select(n<855:$&stdcompress.zstdCompress1k(data,.out),n<58199:$&stdcompress.zstdCompress64k(data,.out),1:$&stdcompress.zstdCompress(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel("zstdCompress")
 set n=$select(n<855:$&stdcompress.zstdCompress1k(data,.out,level),n<58199:$&stdcompress.zstdCompress64k(data,.out,level),1:$&stdcompress.zstdCompress(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
zstdDecompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("zstdDecompress")
 set n=$zlength(data),n=$select(n<257:$&stdcompress.zstdDecompress1k(data,.out),n<16385:$&stdcompress.zstdDecompress64k(data,.out),1:$&stdcompress.zstdDecompress(data,.out))
 quit:'n 1
 quit $$got(n,.out)
 ;
lz4CompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("lz4Compress")
 set n=$zlength(data)
 if $get(level)="" set n=$select(n<855:$&stdcompress.lz4Compress1k(data,.out),n<58199:$&stdcompress.lz4Compress64k(data,.out),1:$&stdcompress.lz4Compress(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel("lz4Compress")
 set n=$select(n<855:$&stdcompress.lz4Compress1k(data,.out,level),n<58199:$&stdcompress.lz4Compress64k(data,.out,level),1:$&stdcompress.lz4Compress(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
lz4BlockCompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("lz4BlockCompress")
 set n=$zlength(data)
 if $get(level)="" set n=$select(n<855:$&stdcompress.lz4BlockCompress1k(data,.out),n<58199:$&stdcompress.lz4BlockCompress64k(data,.out),1:$&stdcompress.lz4BlockCompress(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel("lz4BlockCompress")
 set n=$select(n<855:$&stdcompress.lz4BlockCompress1k(data,.out,level),n<58199:$&stdcompress.lz4BlockCompress64k(data,.out,level),1:$&stdcompress.lz4BlockCompress(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
lz4FrameCompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("lz4FrameCompress")
 set n=$zlength(data)
 if $get(level)="" set n=$select(n<855:$&stdcompress.lz4FrameCompress1k(data,.out),n<58199:$&stdcompress.lz4FrameCompress64k(data,.out),1:$&stdcompress.lz4FrameCompress(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel("lz4FrameCompress")
 set n=$select(n<855:$&stdcompress.lz4FrameCompress1k(data,.out,level),n<58199:$&stdcompress.lz4FrameCompress64k(data,.out,level),1:$&stdcompress.lz4FrameCompress(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
lz4FrameDecompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("lz4FrameDecompress")
 set n=$zlength(data),n=$select(n<257:$&stdcompress.lz4FrameDecompress1k(data,.out),n<16385:$&stdcompress.lz4FrameDecompress64k(data,.out),1:$&stdcompress.lz4FrameDecompress(data,.out))
 quit:'n 1
 quit $$got(n,.out)
 ;
brotliDecompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("brotliDecompress")
 set n=$zlength(data),n=$select(n<257:$&stdcompress.brotliDecompress1k(data,.out),n<16385:$&stdcompress.brotliDecompress64k(data,.out),1:$&stdcompress.brotliDecompress(data,.out))
 quit:'n 1
 quit $$got(n,.out)
 ;
xzCompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("xzCompress")
 set n=$zlength(data)
 if $get(level)="" set n=$select(n<855:$&stdcompress.xzCompress1k(data,.out),n<58199:$&stdcompress.xzCompress64k(data,.out),1:$&stdcompress.xzCompress(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel("xzCompress")
 set n=$select(n<855:$&stdcompress.xzCompress1k(data,.out,level),n<58199:$&stdcompress.xzCompress64k(data,.out,level),1:$&stdcompress.xzCompress(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
xzDecompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("xzDecompress")
 set n=$zlength(data),n=$select(n<257:$&stdcompress.xzDecompress1k(data,.out),n<16385:$&stdcompress.xzDecompress64k(data,.out),1:$&stdcompress.xzDecompress(data,.out))
 quit:'n 1
 quit $$got(n,.out)
 ;
 ; ---- end of generated call frames ----
bestC(op) ; the strongest levels' call frame, op its entry: one tier, 1 MiB (preparing it
 ; costs far less than these levels' work)
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData(op)
 if $get(level)="" set n=$select(op="gzipBest":$&stdcompress.gzipBest(data,.out),op="deflateBest":$&stdcompress.deflateBest(data,.out),1:$&stdcompress.zlibBest(data,.out)) quit:'n 1 quit $$got(n,.out)
 quit:level'?.1"-"1.6N $$badLevel(op)
 set n=$select(op="gzipBest":$&stdcompress.gzipBest(data,.out,level),op="deflateBest":$&stdcompress.deflateBest(data,.out,level),1:$&stdcompress.zlibBest(data,.out,level))
 quit:'n 1
 quit $$got(n,.out)
 ;
 ; -- LZ4 and brotli call frames: compressors pick the tier as above; lz4Decompress and
 ; lz4BlockDecompress from the exact size (the prefix, the argument), the others guess. --
 ;
brotliCompressC() ; quality (level) and lgwin are optional apart: a window without a quality
 ; takes the C library's default quality from limits, so this routine holds no numbers
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("brotliCompress")
 set n=$zlength(data),n=n+(n\8)+64
 if $get(level)="",$get(lgwin)="" set n=$select(n<1025:$&stdcompress.brotliCompress1k(data,.out),n<65537:$&stdcompress.brotliCompress64k(data,.out),1:$&stdcompress.brotliCompress(data,.out)) quit:'n 1 quit $$got(n,.out)
 if $get(level)="" set level=$$limit("brotli_quality_default")
 quit:level'?.1"-"1.6N $$badLevel("brotliCompress","quality")
 if $get(lgwin)="" set n=$select(n<1025:$&stdcompress.brotliCompress1k(data,.out,level),n<65537:$&stdcompress.brotliCompress64k(data,.out,level),1:$&stdcompress.brotliCompress(data,.out,level)) quit:'n 1 quit $$got(n,.out)
 quit:lgwin'?.1"-"1.6N $$badArg("brotliCompress","lgwin",lgwin)
 set n=$select(n<1025:$&stdcompress.brotliCompress1k(data,.out,level,lgwin),n<65537:$&stdcompress.brotliCompress64k(data,.out,level,lgwin),1:$&stdcompress.brotliCompress(data,.out,level,lgwin))
 quit:'n 1
 quit $$got(n,.out)
 ;
lz4DecompressC() ; the tier from the 4-byte little-endian size prefix (C checks it again)
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("lz4Decompress")
 set n=$select($zlength(data)<4:0,1:$zascii(data,1)+($zascii(data,2)*256)+($zascii(data,3)*65536)+($zascii(data,4)*16777216))
 set n=$select(n<1025:$&stdcompress.lz4Decompress1k(data,.out),n<65537:$&stdcompress.lz4Decompress64k(data,.out),1:$&stdcompress.lz4Decompress(data,.out))
 quit:'n 1
 quit $$got(n,.out)
 ;
lz4BlockDecompressC() ; size is required: an integer (C checks its range)
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("lz4BlockDecompress")
 quit:$get(size)'?.1"-"1.18N $$badArg("lz4BlockDecompress","size",$get(size))
 set n=$select(size<1025:$&stdcompress.lz4BlockDecompress1k(data,.out,size),size<65537:$&stdcompress.lz4BlockDecompress64k(data,.out,size),1:$&stdcompress.lz4BlockDecompress(data,.out,size))
 quit:'n 1
 quit $$got(n,.out)
 ;
limit(name) ; one value of the C library's limits ("" if it has none by that name)
 new x,rc
 set rc=$&stdcompress.limits(.x)
 quit $piece($piece(";"_x,";"_name_"=",2),";")
 ;
 ; -- end of LZ4 and brotli call frames --
 ;
 ; -- LZ4 block stream call frames.  Integers are checked for being integers here, for
 ; range in C.  Tiers: compression from the chunk's worst case (n+n/255+16, and the prefix);
 ; getBlock from what is left of the stream; decompression from the stream's bufsize, which
 ; lz4sInfo keeps per handle (from the C library's handleInfo). --
 ;
lz4sOpenC(dir) ; dir 1: compressor, 2: decompressor; h and the arguments are the label's
 new $etrap,op set $etrap="goto trap^STDCOMPRESS"
 set op=$select(dir=1:"lz4StreamCompressOpen",1:"lz4StreamDecompressOpen")
 quit:$get(bufsize)'?.1"-"1.18N $$badArg(op,"buffer size",$get(bufsize))
 set width=$get(width) set:width="" width=4
 quit:width'?.1"-"1.18N $$badArg(op,"width",width)
 if dir=1 set level=$get(level) set:level="" level=0 quit:level'?.1"-"1.18N $$badLevel(op)
 set h=$select(dir=1:$&stdcompress.lz4StreamCompressOpen(bufsize,width,$get(mode),level,$get(dict),$get(strategy)),1:$&stdcompress.lz4StreamDecompressOpen(bufsize,width,$get(dict),$get(strategy)))
 quit:h>0 1
 quit $$got(h)
 ;
lz4sCompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(chunk)#2) $$noData("lz4StreamCompress")
 quit:$get(h)'?1.18N $$badHandle("lz4StreamCompress")
 set n=$zlength(chunk),n=n+(n\255)+20
 set n=$select(n<1025:$&stdcompress.lz4StreamCompress1k(chunk,.block,h),n<65537:$&stdcompress.lz4StreamCompress64k(chunk,.block,h),1:$&stdcompress.lz4StreamCompress(chunk,.block,h))
 quit:'n 1
 quit $$got(n,.block)
 ;
lz4sGetBlockC() ;
 new $etrap,n,i set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(stream)#2) $$noData("lz4StreamGetBlock")
 quit:$get(h)'?1.18N $$badHandle("lz4StreamGetBlock")
 set offset=$get(offset) set:offset="" offset=0
 quit:offset'?.1"-"1.18N $$badArg("lz4StreamGetBlock","offset",offset)
 set i=$$lz4sInfo(h),n=$zlength(stream)-offset
 set n=$select(n<1025:$&stdcompress.lz4StreamGetBlock1k(stream,.block,h,offset),n<65537:$&stdcompress.lz4StreamGetBlock64k(stream,.block,h,offset),1:$&stdcompress.lz4StreamGetBlock(stream,.block,h,offset))
 if n quit:'$$got(n,.block) 0
 set offset=offset+$piece(i,",",2)+$zlength(block)
 quit 1
 ;
lz4sDecompressC() ;
 new $etrap,n set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(block)#2) $$noData("lz4StreamDecompress")
 quit:$get(h)'?1.18N $$badHandle("lz4StreamDecompress")
 set n=+$$lz4sInfo(h)
 set n=$select(n<1025:$&stdcompress.lz4StreamDecompress1k(block,.chunk,h),n<65537:$&stdcompress.lz4StreamDecompress64k(block,.chunk,h),1:$&stdcompress.lz4StreamDecompress(block,.chunk,h))
 quit:'n 1
 quit $$got(n,.chunk)
 ;
freeC(op) ; h (an LZ4 stream's or a trainer's handle) freed for label op: 1, or 0
 new $etrap,rc set $etrap="goto trap^STDCOMPRESS"
 quit:$get(h)'?1.18N $$badHandle(op)
 kill %STDCOMPRESS("lz4s",h)
 set rc=$&stdcompress.handleFree(h)
 quit:'rc 1
 quit $$got(rc)
 ;
lz4sInfo(h) ; "bufsize,width" of stream h ("" if C does not know it: the call then fails there)
 new x,rc
 quit:$data(%STDCOMPRESS("lz4s",h)) %STDCOMPRESS("lz4s",h)
 set rc=$&stdcompress.handleInfo(.x,h)
 quit:rc ""
 set x=$piece($piece(x,";buffer_size=",2),";")_","_$piece($piece(x,";width=",2),";")
 set %STDCOMPRESS("lz4s",h)=x
 quit x
 ;
badHandle(op) ; h is not a positive integer: INVALID-HANDLE
 set %STDCOMPRESS("lastError")="INVALID-HANDLE "_op_": handle "_$$quote($get(h))_" is not a handle"
 quit 0
 ;
 ; -- end of LZ4 block stream call frames --
 ;
 ; -- stream call frames.  Tiers: a write's output from its chunk's length (decompressed
 ; output beyond it is pending: streamRead drains it with the 1 MiB tier); flush and close 64 KiB. --
 ;
streamOpenC() ; h and the arguments are streamOpen's
 new $etrap set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(codec)#2) $$noData("streamOpen")
 set level=$get(level) set:level="" level=-2147483648 ; omitted: C's STDC_LEVEL_OMITTED
 quit:level'?.1"-"1.18N $$badLevel("streamOpen")
 set maxOutput=$get(maxOutput) set:maxOutput="" maxOutput=0
 quit:maxOutput'?1.18N $$badArg("streamOpen","maxOutput",maxOutput)
 set workers=$get(workers) set:workers="" workers=0
 quit:workers'?1.2N $$badArg("streamOpen","workers",workers)
 set h=$&stdcompress.streamOpen(codec,$get(direction),level,maxOutput,$get(dict),workers)
 quit:h>0 1
 quit $$got(h)
 ;
streamC(op) ; op 1 write, 2 read, 3 flush, 4 close, 5 unused: the C code + 1, or 0 after recording the failure
 new $etrap,n,rc set $etrap="goto trap^STDCOMPRESS"
 quit:$get(h)'?1.18N $$badHandle($piece("streamWrite streamRead streamFlush streamClose streamUnused"," ",op))
 if op=1 quit:'($data(chunk)#2) $$noData("streamWrite") set n=$zlength(chunk)
 set rc=$select(op=2:$&stdcompress.streamRead(.out,h),op=3:$&stdcompress.streamFlush64k(.out,h),op=4:$&stdcompress.streamClose64k(.out,h),op=5:$&stdcompress.streamUnused(.out,h),n<1025:$&stdcompress.streamWrite1k(chunk,.out,h),n<65537:$&stdcompress.streamWrite64k(chunk,.out,h),1:$&stdcompress.streamWrite(chunk,.out,h))
 quit:rc'<0 $select(op=5:1,1:rc+1)
 quit $$got(rc)
 ;
 ;
fileC(direction) ; file to file through one stream; codec, from, to, level, maxOutput are the label's
 ; Files are read 64 KiB at a time and written as the stream gives output: bounded memory.
 ; Errors opening the files are the runtime's own (not translated), as for any OPEN.
 new $etrap,h,chunk,out,r,ok,io,eof,u set $etrap="goto trap^STDCOMPRESS"
 new:direction="c" maxOutput new:direction="d" level new dict,workers ; not the caller's variables of that name
 set io=$io
 open from:(readonly:fixed:recordsize=65536:chset="M") open to:(newversion:stream:nowrap:chset="M")
 set ok=$$streamOpenC(),r=1
 if ok for  use from read chunk#65536 set eof=$zeof quit:eof&(chunk="")  do  quit:'ok!eof
 . set r=$$streamC(1) if 'r set ok=0 quit
 . use to write out set $x=0
 . for  quit:r'=2  set r=$$streamC(2) set:'r ok=0 quit:'r  use to write out set $x=0
 if ok,direction="d" do
 . if r=3 set u=$$streamC(5) if u,out'="" set ok=0,%STDCOMPRESS("lastError")=$$fileCode()_" decompressFile: "_$zlength(out)_" byte(s) after the end of the "_codec_" stream in "_from
 if ok set r=$$streamC(4) set:'r ok=0 if ok use to write out set $x=0 for  quit:r'=2  set r=$$streamC(2) set:'r ok=0 quit:'r  use to write out set $x=0
 if 'ok,$get(h)>0 set r=$&stdcompress.handleFree(h) ; still open after a failure: free it
 close from
 if ok use to set $x=0 close to
 if 'ok close to:(delete)
 use io
 quit ok
 ;
fileCode() ; the codec's failure code, for data after the end of the stream
 quit $select(codec="zstd":"LIBZSTD-FAIL",codec="lz4":"LIBLZ4-FAIL",codec="brotli":"LIBBROTLI-FAIL",1:"LIBZ-FAIL")
 ;
 ; -- end of stream call frames --
 ;
infoC(which) ; call frame of the informational labels: x is theirs
 new $etrap,rc set $etrap="goto trap^STDCOMPRESS"
 set rc=$select(which=1:$&stdcompress.available(.x),which=2:$&stdcompress.versions(.x),which=3:$&stdcompress.limits(.x),1:$&stdcompress.lastError(.x))
 quit:'rc 1
 quit $$got(rc,.x)
 ;
 ; ---- failure paths (never on the way of a successful call) ----
 ;
got(rc,out) ; a call returned rc'=0: >0 collect the held result into .out (1), <0 record the failure (0)
 new e,t
 if rc>0 set rc=$select(rc<65537:$&stdcompress.take64k(.out),1:$&stdcompress.take(.out)) quit:'rc 1
 set e=$&stdcompress.lastError(.t)
 set:t="" t="BAD-ARGS call-out returned "_rc_" without an error"
 set %STDCOMPRESS("lastError")=t
 quit 0
 ;
noData(op) ; data undefined: BAD-ARGS
 set %STDCOMPRESS("lastError")="BAD-ARGS "_op_": data is undefined"
 quit 0
 ;
badLevel(op,what) ; level is not an integer: BAD-LEVEL (C checks the range of integers)
 set %STDCOMPRESS("lastError")="BAD-LEVEL "_op_": "_$get(what,"level")_" "_$$quote(level)_" is not an integer"
 quit 0
 ;
badArg(op,what,x) ; another integer argument (size, lgwin) is not an integer: BAD-ARGS
 set %STDCOMPRESS("lastError")="BAD-ARGS "_op_": "_what_" "_$$quote(x)_" is not an integer"
 quit 0
 ;
quote(x) ; x as an ASCII-only literal for messages (UTF-8 mode may hold any bytes)
 new i,c,s
 set s="" for i=1:1:$zlength(x) quit:i>40  set c=$zascii(x,i),s=s_$select(c=34:"""""",c<32!(c>126):"\x"_$$hex(c),1:$zchar(c))
 quit """"_s_""""_$select($zlength(x)>40:"...",1:"")
 ;
hex(c) ; c (0..255) as two hex digits
 quit $zextract("0123456789abcdef",c\16+1)_$zextract("0123456789abcdef",c#16+1)
 ;
raise ; set $ECODE for the failure just recorded (see "How a call runs" above)
 set $ecode=",U-STDCOMPRESS-"_$piece($get(%STDCOMPRESS("lastError"),"BAD-ARGS")," ")_","
 quit
 ;
trap ; $ETRAP of the call frames; runs in the call frame that raised the error
 ; A call-out the runtime cannot reach is recorded as CALLOUT-MISSING with the runtime's
 ; own text (from the mnemonic on, %GTM-E-... or %YDB-E-...), and the call frame returns 0.
 ; Any other error is not ours to translate: quitting with $ECODE still set hands it,
 ; unchanged, to the caller's trap.
 if '$$unreachable($zstatus) quit:$quit 0 quit
 set %STDCOMPRESS("lastError")="CALLOUT-MISSING "_$piece($zstatus,",",3,$length($zstatus,","))
 set $ecode=""
 quit:$quit 0 quit
 ;
unreachable(zs) ; is $ZSTATUS zs one of the runtime's "cannot reach the call-out" errors?
 ; ZCCTENV table variable unset; ZCCTOPN table unreadable; ZCCTNULLF table empty;
 ; ZCUNAVAIL/DLLNOOPEN library not loadable; ZCRTENOTF/DLLNORTN symbol missing;
 ; ZCENTNAME..ZCRPARMNAME the table cannot be parsed; ZCALLTABLE entry not in the table.
 new m set m=$piece($piece(zs,",",3),"-",3)
 quit m'=""&(",ZCCTENV,ZCCTOPN,ZCCTNULLF,ZCUNAVAIL,DLLNOOPEN,ZCRTENOTF,DLLNORTN,ZCENTNAME,ZCRTNTYP,ZCUNTYPE,ZCPREALLVALPAR,ZCPREALLVALINV,ZCCOLON,ZCCSQRBR,ZCRCALLNAME,ZCRPARMNAME,ZCALLTABLE,"[(","_m_","))
 ;
reachable() ; without raising: are the call-out table and the library it names there?
 ; Every table variable that is set must name a readable table whose library exists.  Only
 ; ydb_xc_stdcompress set (no GTMXC_stdcompress) counts only on YottaDB (ydb_dist set).
 new y,g
 set y=$ztrnlnm("ydb_xc_stdcompress"),g=$ztrnlnm("GTMXC_stdcompress")
 quit:y=""&(g="") 0
 quit:g=""&($ztrnlnm("ydb_dist")="") 0
 quit:y'=""&'$$tableOk(y) 0
 quit:g'=""&'$$tableOk(g) 0
 quit 1
 ;
tableOk(t) ; does table file t exist, and the library on its first line ($NAME expanded)?
 new io,l,i,c,n,x
 quit:'$$exists(t) 0
 set io=$io
 open t:(readonly:chset="M") use t read l close t use io
 set x="",i=1
 for  quit:i>$zlength(l)  set c=$zextract(l,i),i=i+1 do
 . if c'="$" set x=x_c quit
 . set n="" for  quit:i>$zlength(l)  set c=$zextract(l,i) quit:c'?1(1AN,1"_")  set n=n_c,i=i+1
 . set x=x_$ztrnlnm(n)
 quit:x="" 0
 quit $$exists(x)
 ;
exists(f) ; does file f exist?  ($ZSEARCH on a private stream, reset first: asked twice for
 ; the same name, $ZSEARCH answers "" the second time)
 new x
 set x=$zsearch("",255)
 quit $zsearch(f,255)'=""
 ;
 ; ---- batches and zstd dictionaries (docs/batch.md) ----
 ; Items are the first-level nodes of a local array, results go to the same subscripts of
 ; .out (killed first).  Every call-out call takes at most 1 MiB of items (and 65536 of
 ; them) and gives at most 1 MiB (64 KiB in the 64k tier, picked for small batches): these
 ; labels cut the array into such calls themselves, so
 ; any number of items works; a caller with more than fits in one process's memory calls
 ; them on slices of its array (or of a global), e.g. 10000 nodes at a time.
 ;   $$multiCompress^STDCOMPRESS(codec,.in,.out[,level][,threads][,dict])  1, or 0
 ;   $$multiDecompress^STDCOMPRESS(codec,.in,.out[,.sizes][,threads][,dict])  1, or 0
 ;     codec zstd (frames), lz4 (raw blocks), gzip, deflate or zlib; threads "" or 0: one
 ;     per core; dict: a zstd dictionary.  sizes(sub): the item's decoded size (lz4: needed,
 ;     exact; zstd: "" or 0 = from the frame, else exact; gzip/deflate/zlib: the most it may
 ;     be, "" = unknown: correct, but such items go one per call).
 ;   $$zstdMultiCompress^STDCOMPRESS(.in,.out[,level][,dict][,threads])
 ;   $$zstdMultiDecompress^STDCOMPRESS(.in,.out[,dict][,threads])
 ;   $$lz4MultiCompress^STDCOMPRESS(.in,.out[,level][,threads])
 ;   $$lz4MultiDecompress^STDCOMPRESS(.in,.out,.sizes[,threads])
 ;   $$zstdTrainDictionary^STDCOMPRESS(.samples,size,.dict)  from the nodes of samples (the
 ;     first 1 MiB of them, at most 65536): a dictionary of at most size bytes; 1, or 0
 ;   $$zstdTrainFromArray^STDCOMPRESS(name,.dict,size[,k][,d][,steps][,level][,dictId])
 ;     from the data nodes of the array named name (local or global, as $NAME gives it: "a",
 ;     "^samples", "^db(""s"")"), first level, in $ORDER order, any total size: a dictionary of
 ;     at most size bytes; 1, or 0.  Local arrays named %STDC... are refused (its own names).
 ;   A trainer behind a handle, for samples gathered over many calls:
 ;   $$zstdTrainerOpen^STDCOMPRESS([maxTotal])  a handle (>0), or 0; maxTotal caps the bytes
 ;     of its samples ("" or 0: zstd's limit, 4294967294)
 ;   $$zstdTrainerAdd^STDCOMPRESS(h,sample)  one more sample: 1, or 0
 ;   $$zstdTrainerTrain^STDCOMPRESS(h,.dict,size[,k][,d][,steps][,level][,dictId])  1, or 0;
 ;     once trained, more samples or another training are BAD-ARGS
 ;   $$zstdTrainerFree^STDCOMPRESS(h)  frees the trainer and its samples: 1, or 0
 ;     k 0..2048, d 0, 6 or 8, steps 0..256 (0: searched), level (0: default), dictId (0:
 ;     from the content): libzstd's fastCover parameters, as zstandard's train_dictionary
 ;   $$zstdDictionaryId^STDCOMPRESS(dict)  its id (0: raw content, no zstd dictionary)
 ;   $$zstdCompressDict^STDCOMPRESS(data,.out,dict[,level])   one frame with a dictionary
 ;   $$zstdDecompressDict^STDCOMPRESS(data,.out,dict)
 ; A failing item is named by its subscript: "LIBZSTD-FAIL multiDecompress: item (17): ...".
 ;
multiCompress(codec,in,out,level,threads,dict) ; every node of in compressed into out
 quit:$$multiC(1) 1 kill out do raise quit 0
 ;
multiDecompress(codec,in,out,sizes,threads,dict) ; every node of in decompressed into out
 quit:$$multiC(2) 1 kill out do raise quit 0
 ;
zstdMultiCompress(in,out,level,dict,threads) ; zstd frames of every node of in into out
 new codec set codec="zstd"
 quit:$$multiC(1) 1 kill out do raise quit 0
 ;
zstdMultiDecompress(in,out,dict,threads) ; every zstd frame of in decoded into out
 new codec,sizes set codec="zstd"
 quit:$$multiC(2) 1 kill out do raise quit 0
 ;
lz4MultiCompress(in,out,level,threads) ; raw LZ4 blocks of every node of in into out
 new codec,dict set codec="lz4"
 quit:$$multiC(1) 1 kill out do raise quit 0
 ;
lz4MultiDecompress(in,out,sizes,threads) ; raw LZ4 blocks of in, of sizes(sub) bytes, into out
 new codec,dict set codec="lz4"
 quit:$$multiC(2) 1 kill out do raise quit 0
 ;
zstdTrainDictionary(samples,size,dict) ; a zstd dictionary trained from the nodes of samples
 quit:$$trainC() 1 set dict="" do raise quit 0
 ;
zstdTrainFromArray(%STDCn,%STDCd,%STDCz,%STDCk,%STDCe,%STDCt,%STDCl,%STDCi) ; a dictionary
 ; trained from the data nodes of the array named %STDCn into .%STDCd, at most %STDCz bytes;
 ; k, d, steps, level, dictId follow.  Every variable here starts with %STDC, so that
 ; @%STDCn reaches the caller's array, never one of these.
 quit:$$trArrC() 1 set %STDCd="" do raise quit 0
 ;
zstdTrainerOpen(maxTotal) ; a dictionary trainer's handle, or 0
 new h
 quit:$$trOpenC($get(maxTotal),.h) h
 do raise quit 0
 ;
zstdTrainerAdd(h,sample) ; one more sample (a string) for trainer h: 1, or 0
 quit:$$trAddC($get(h),.sample) 1 do raise quit 0
 ;
zstdTrainerTrain(h,dict,size,k,d,steps,level,dictId) ; the dictionary of trainer h's samples into .dict
 quit:$$trTrainC($get(h),.dict,$get(size),$get(k),$get(d),$get(steps),$get(level),$get(dictId)) 1 set dict="" do raise quit 0
 ;
zstdTrainerFree(h) ; free trainer h and its samples: 1, or 0 (INVALID-HANDLE: never opened, freed)
 quit:$$freeC("zstdTrainerFree") 1 do raise quit 0
 ;
zstdDictionaryId(dict) ; the dictionary id in dict (0 for raw content)
 new rc
 quit:$$dictIdC() rc
 do raise quit 0
 ;
zstdCompressDict(data,out,dict,level) ; one zstd frame of data with dictionary dict into .out
 quit:$$zstdDictC(1) 1 set out="" do raise quit 0
 ;
zstdDecompressDict(data,out,dict) ; one zstd frame made with dictionary dict, decoded into .out
 quit:$$zstdDictC(2) 1 set out="" do raise quit 0
 ;
 ; -- call frames --
 ;
multiC(dir) ; dir 1 compress, 2 decompress; codec, in, out, level, threads, dict, sizes are the label's
 new $etrap,op,s,ok set $etrap="goto trap^STDCOMPRESS"
 set op=$select(dir=1:"multiCompress",1:"multiDecompress")
 kill out
 quit:'($data(codec)#2) $$noData(op)
 ; an omitted level: C's STDC_LEVEL_OMITTED (compressing only: the decompressing labels
 ; have no level of their own, and their caller's level stays as it is)
 if dir=1 set level=$get(level) set:level="" level=-2147483648 quit:level'?.1"-"1.18N $$badLevel(op)
 set threads=$get(threads) set:threads="" threads=0
 quit:threads'?1.18N $$badArg(op,"threads",threads)
 set dict=$get(dict),s="",ok=1
 for  set s=$$multiChunk(s) quit:s=""!'ok
 quit ok
 ;
multiChunk(s) ; the nodes after subscript s that one call takes, coded into out: the last
 ; subscript taken, "" when none was left; ok=0 after a failure
 new data,segs,szs,n,sub,x,next,rc,done,o,l,i,p,rest,rsz,small
 set data="",segs="",szs="",n=0
 for  set next=$order(in(s)) quit:next=""  set x=$get(in(next)) quit:$zlength(data)+$zlength(x)>1048576!(n=65536)  set n=n+1,sub(n)=next,segs=segs_$$u64($zlength(data))_$$u64($zlength(x)),data=data_x,s=next set:dir=2&$data(sizes) szs=szs_$$u64(+$get(sizes(next)))
 quit:'n ""
 ; Tier: 64 KiB outputs when the results should fit them (the worst case of compression,
 ; compressed input of up to 16 KiB), else 1 MiB; a wrong guess costs calls, never results.
 set small=$select(dir=1:$zlength(data)+(80*n)<65536,1:$zlength(data)<16385)&(n<4096)
 set done=0
 for  do  quit:'ok!(done=n)
 . set rest=$zextract(segs,16*done+1,16*n),rsz=$zextract(szs,8*done+1,8*n) ; (szs "": no sizes)
 . set ok=0 ; (stays 0 if the call-out cannot be reached: trap quits this block)
 . if small set rc=$select(dir=1:$&stdcompress.multiCompress64k(codec,data,rest,.o,.l,level,threads,dict),1:$&stdcompress.multiDecompress64k(codec,data,rest,rsz,.o,.l,threads,dict))
 . if 'small set rc=$select(dir=1:$&stdcompress.multiCompress(codec,data,rest,.o,.l,level,threads,dict),1:$&stdcompress.multiDecompress(codec,data,rest,rsz,.o,.l,threads,dict))
 . set ok=1 if rc<0 set ok=$$gotItem(rc,done) quit
 . for i=1:1:$zlength(l)\16 set p=$$n64(l,16*i-15) set out(sub(done+i))=$zextract(o,p+1,p+$$n64(l,16*i-7))
 . set done=done+($zlength(l)\16)
 quit s
 ;
gotItem(rc,base) ; record a failed batch call, its "item N" named by the node's subscript (sub is multiChunk's)
 new e,t,i,rest,x
 set e=$&stdcompress.lastError(.t)
 set:t="" t="BAD-ARGS call-out returned "_rc_" without an error"
 if t[": item " set rest=$piece(t,": item ",2,999),i=$piece(rest,":") if i?1.N,$data(sub(base+i+1)) set t=$piece(t,": item ")_": item "_$zextract($name(x(sub(base+i+1))),2,9999)_":"_$piece(rest,":",2,999)
 set %STDCOMPRESS("lastError")=t
 quit 0
 ;
trainC() ; samples, size, dict are zstdTrainDictionary's
 new $etrap,data,segs,s,x,n,rc set $etrap="goto trap^STDCOMPRESS"
 quit:$get(size)'?1.18N $$badArg("zstdTrainDictionary","size",$get(size))
 set data="",segs="",s="",n=0
 for  set s=$order(samples(s)) quit:s=""  set x=$get(samples(s)) quit:$zlength(data)+$zlength(x)>1048576!(n=65536)  set n=n+1,segs=segs_$$u64($zlength(data))_$$u64($zlength(x)),data=data_x
 set rc=$&stdcompress.zstdTrainDictionary(data,segs,.dict,size)
 quit:'rc 1
 quit $$got(rc)
 ;
trOpenC(max,h) ; .h: a new trainer's handle, max the cap of its samples' bytes: 1, or 0
 new $etrap set $etrap="goto trap^STDCOMPRESS"
 set:max="" max=0
 quit:max'?1.18N $$badArg("zstdTrainerOpen","maxTotal",max)
 set h=$&stdcompress.zstdTrainerOpen(max)
 quit:h>0 1
 quit $$got(h)
 ;
trAddC(h,data,segs) ; data one sample, or with segs (16-byte pairs) several: 1, or 0
 new $etrap,rc set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(data)#2) $$noData("zstdTrainerAdd")
 quit:h'?1.18N $$badHandle("zstdTrainerAdd")
 set rc=$select($data(segs):$&stdcompress.zstdTrainerAdd(h,data,segs),1:$&stdcompress.zstdTrainerAdd(h,data))
 quit:'rc 1
 quit $$got(rc)
 ;
trTrainC(h,dict,size,k,d,steps,level,dictId) ; .dict: the dictionary of trainer h: 1, or 0
 new $etrap,rc,x,bad set $etrap="goto trap^STDCOMPRESS"
 quit:h'?1.18N $$badHandle("zstdTrainerTrain")
 quit:size'?1.18N $$badArg("zstdTrainerTrain","size",size)
 set bad="" for x="k","d","steps","level","dictId" set:@x="" @x=0 if @x'?1.18N set bad=x quit
 quit:bad'="" $$badArg("zstdTrainerTrain",bad,@bad)
 set rc=$&stdcompress.zstdTrainerTrain(h,.dict,size,k,d,steps,level,dictId)
 quit:'rc 1
 set dict=""
 quit $$got(rc)
 ;
trArrC() ; zstdTrainFromArray's call frame: the nodes go to a trainer in calls of up to 1 MiB
 ; (and 65536 samples), which then trains and is freed
 new $etrap,%STDCh,%STDCu,%STDCx,%STDCq,%STDCg,%STDCc,%STDCo set $etrap="goto trap^STDCOMPRESS"
 set %STDCn=$get(%STDCn),%STDCx=$piece(%STDCn,"(")
 if %STDCx'?.1"^"1(1A,1"%").AN!(%STDCn["("&($extract(%STDCn,$length(%STDCn))'=")"))!($extract(%STDCn,1,5)="%STDC") set %STDCOMPRESS("lastError")="BAD-ARGS zstdTrainFromArray: "_$$quote(%STDCn)_" is not the name of an array it can read" quit 0
 quit:'$$trOpenC(0,.%STDCh) 0
 set %STDCu="",%STDCq="",%STDCg="",%STDCc=0,%STDCo=1
 for  set %STDCu=$order(@%STDCn@(%STDCu)) quit:%STDCu=""  if $data(@%STDCn@(%STDCu))#2 do  quit:'%STDCo
 . set %STDCx=@%STDCn@(%STDCu)
 . if $zlength(%STDCq)+$zlength(%STDCx)>1048576!(%STDCc=65536) set %STDCo=$$trAddC(%STDCh,%STDCq,%STDCg),%STDCq="",%STDCg="",%STDCc=0 quit:'%STDCo
 . set %STDCg=%STDCg_$$u64($zlength(%STDCq))_$$u64($zlength(%STDCx)),%STDCq=%STDCq_%STDCx,%STDCc=%STDCc+1
 if %STDCo,%STDCc set %STDCo=$$trAddC(%STDCh,%STDCq,%STDCg)
 if %STDCo set %STDCo=$$trTrainC(%STDCh,.%STDCd,$get(%STDCz),$get(%STDCk),$get(%STDCe),$get(%STDCt),$get(%STDCl),$get(%STDCi))
 set %STDCx=$&stdcompress.handleFree(%STDCh)
 quit %STDCo
 ;
dictIdC() ; dict and rc are zstdDictionaryId's
 new $etrap set $etrap="goto trap^STDCOMPRESS"
 quit:'($data(dict)#2) $$noData("zstdDictionaryId")
 set rc=$&stdcompress.zstdDictionaryId(dict)
 quit:rc'<0 1
 quit $$got(rc)
 ;
zstdDictC(dir) ; data, out, dict, level are the label's; tiers as zstdCompressC / zstdDecompressC
 new $etrap,n,op set $etrap="goto trap^STDCOMPRESS"
 set op=$select(dir=1:"zstdCompressDict",1:"zstdDecompressDict")
 quit:'($data(data)#2) $$noData(op)
 quit:'($data(dict)#2) $$noData(op)
 set level=$get(level) set:level="" level=0
 quit:level'?.1"-"1.6N $$badLevel(op)
 set n=$zlength(data)
 if dir=1 set n=n+(n\8)+64,n=$select(n<1025:$&stdcompress.zstdCompressDict1k(data,.out,level,dict),n<65537:$&stdcompress.zstdCompressDict64k(data,.out,level,dict),1:$&stdcompress.zstdCompressDict(data,.out,level,dict))
 if dir=2 set n=$select(n<257:$&stdcompress.zstdDecompressDict1k(data,.out,dict),n<16385:$&stdcompress.zstdDecompressDict64k(data,.out,dict),1:$&stdcompress.zstdDecompressDict(data,.out,dict))
 quit:'n 1
 quit $$got(n,.out)
 ;
u64(n) ; n (0 .. 2**48-1) as 8 bytes little-endian, the native order of every target M runs on
 quit $zchar(n#256,n\256#256,n\65536#256,n\16777216#256,n\4294967296#256,n\1099511627776#256,0,0)
 ;
n64(s,p) ; the little-endian uint64 at byte p of s (values below 2**48)
 quit $zascii(s,p)+($zascii(s,p+1)*256)+($zascii(s,p+2)*65536)+($zascii(s,p+3)*16777216)+($zascii(s,p+4)*4294967296)+($zascii(s,p+5)*1099511627776)
 ;
 ; ---- end of batches and zstd dictionaries ----
