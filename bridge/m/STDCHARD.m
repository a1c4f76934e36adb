STDCHARD ; hardening tests of STDCOMPRESS under a real engine (tests/test_hardening_engine.py)
 ;
 ; faults^STDCHARD          every error code M can see, one process: each line
 ;                          "FAULT<TAB>code<TAB>what<TAB>$ECODE the trap saw<TAB>lastError's
 ;                          code<TAB>1 if a gzip round trip works right after", then "ALIVE"
 ; nomem^STDCHARD           a zstd stream whose frame asks for a 128 MiB window (run under a
 ;                          lowered ulimit -v): "NOMEM<TAB>$ECODE<TAB>lastError", "ALIVE"
 ; mixed^STDCHARD           $zcmdline "id n base out": n mixed codec calls, each codec in turn
 ;                          at a level of its own, compressing slices of file base and
 ;                          decompressing the result in M (compared here); the compressed
 ;                          bytes go to out.1, out.2 ... for an independent decoder to check:
 ;                          records "codec,level,offset,length,clength;" then the bytes.
 ;                          Last line "MIXED<TAB>id<TAB>calls<TAB>failures".
 ; garbage^STDCHARD         $zcmdline "n": n hostile inputs per decoder (random bytes,
 ;                          truncations, replaced bytes of valid data) through every one-shot
 ;                          wrapper and every stream decoder; per decoder "GARBAGE<TAB>name<TAB>
 ;                          cases<TAB>errors<TAB>exact<TAB>other<TAB>bad", "BAD<TAB>..." for
 ;                          an outcome that is neither a STDCOMPRESS error nor allowed bytes
 ;                          (other bytes are allowed only for formats without a checksum)
 quit
 ;
faults ;
 new big,z,zz,r,o,h,hs,i,caught,$etrap,lim,cache
 set $etrap="set caught=$ecode,$ecode="""" quit:$quit 0 quit"
 do limits(.lim)
 ; BAD-ARGS: the wrapper without data, and the call-out itself with too few arguments
 set caught="",r=$$gunzip^STDCOMPRESS(,.o) do report("BAD-ARGS","gunzip without data")
 set caught="",r=$&stdcompress.gunzip("abc") do direct("BAD-ARGS","gunzip call-out with 1 of 2 arguments",r)
 set caught="",r=$&stdcompress.zstdCompress() do direct("BAD-ARGS","zstdCompress call-out with no arguments",r)
 set caught="",r=$&stdcompress.streamWrite("abc") do direct("BAD-ARGS","streamWrite call-out with 1 of 3 arguments",r)
 set caught="",r=$$gzip^STDCOMPRESS("x",.o,99) do report("BAD-LEVEL","gzip level 99")
 set caught="",r=$$brotliCompress^STDCOMPRESS("x",.o,12) do report("BAD-LEVEL","brotli quality 12")
 ; a 1 MiB input: the largest string M has, compressed and back; incompressible is too large
 set big=$$text^STDCOMPRESSTST(lim("max_string"))
 set caught="",r=$$gzip^STDCOMPRESS(big,.z) do ok("1 MiB input gzip",r&($$gunzip^STDCOMPRESS(z,.zz))&(zz=big))
 set caught="",r=$$zstdCompress^STDCOMPRESS(big,.z) do ok("1 MiB input zstd",r&($$zstdDecompress^STDCOMPRESS(z,.zz))&(zz=big))
 set big=$$random^STDCOMPRESSTST(lim("max_string"))
 set caught="",r=$$lz4FrameCompress^STDCOMPRESS(big,.z) do report("OUTPUT-TOO-LARGE","1 MiB of noise as an LZ4 frame")
 set caught="",r=$$zstdCompress^STDCOMPRESS($$text^STDCOMPRESSTST(lim("max_string")),.z)
 set caught="",r=$$zstdDecompress^STDCOMPRESS(z_z,.o) do report("OUTPUT-TOO-LARGE","two 1 MiB zstd frames")
 set caught="",r=$$gunzip^STDCOMPRESS("junk",.o) do report("LIBZ-FAIL","gunzip junk")
 set caught="",r=$$inflate^STDCOMPRESS($zchar(255,255,255),.o) do report("LIBZ-FAIL","inflate junk")
 set caught="",r=$$unzlib^STDCOMPRESS("",.o) do report("LIBZ-FAIL","unzlib empty")
 set caught="",r=$$zstdDecompress^STDCOMPRESS("junk",.o) do report("LIBZSTD-FAIL","zstdDecompress junk")
 set caught="",r=$$lz4FrameDecompress^STDCOMPRESS("junk",.o) do report("LIBLZ4-FAIL","lz4FrameDecompress junk")
 set caught="",r=$$lz4BlockDecompress^STDCOMPRESS("junk",.o,100) do report("LIBLZ4-FAIL","lz4BlockDecompress junk")
 set caught="",r=$$brotliDecompress^STDCOMPRESS("junk",.o) do report("LIBBROTLI-FAIL","brotliDecompress junk")
 set caught="",r=$$xzDecompress^STDCOMPRESS("junk",.o) do report("LIBLZMA-FAIL","xzDecompress junk")
 set caught="",r=$&stdcompress.take(.o) do direct("NOTHING-HELD","take with nothing held",r)
 set caught="",r=$$streamWrite^STDCOMPRESS(987654,"x",.o) do report("INVALID-HANDLE","streamWrite to a handle never opened")
 set caught="",r=$$lz4StreamFree^STDCOMPRESS(987654) do report("INVALID-HANDLE","lz4StreamFree of a handle never opened")
 ; HANDLE-LIMIT: run with STDCOMPRESS_MAX_HANDLES=3
 for i=1:1:3 set caught="",hs(i)=$$streamOpen^STDCOMPRESS("zstd","d")
 set caught="",r=$$streamOpen^STDCOMPRESS("gzip","c") do report("HANDLE-LIMIT","a fourth stream with 3 allowed")
 for i=1:1:3 set caught="",r=$$streamClose^STDCOMPRESS(hs(i),.o) do report("LIBZSTD-FAIL","closing an empty zstd stream (truncated) frees it")
 set caught="",h=$$streamOpen^STDCOMPRESS("gzip","c") do ok("a stream opens after the others closed",h>0)
 set caught="",r=$$streamClose^STDCOMPRESS(h,.o)
 ; a stream failure repeats, and close frees it
 set caught="",h=$$streamOpen^STDCOMPRESS("brotli","d")
 set caught="",r=$$streamWrite^STDCOMPRESS(h,$zchar(255,255,255,255,255,255),.o) do report("LIBBROTLI-FAIL","brotli stream of junk")
 set caught="",r=$$streamWrite^STDCOMPRESS(h,"junk",.o) do report("LIBBROTLI-FAIL","the failure repeats")
 set caught="",r=$$streamClose^STDCOMPRESS(h,.o) do ok("close after a failure frees",r=1)
 set caught="",r=$$streamWrite^STDCOMPRESS(h,"x",.o) do report("INVALID-HANDLE","the freed stream")
 set caught="",h=$$streamOpen^STDCOMPRESS("gzip","d"),r=$$streamWrite^STDCOMPRESS(h,$zextract(z,1,10),.o)
 set caught="",r=$$streamClose^STDCOMPRESS(h,.o) do report("LIBZ-FAIL","a gzip stream closed before its end")
 set caught="",h=$$streamOpen^STDCOMPRESS("zstd","d",0,1000),r=$$zstdCompress^STDCOMPRESS($$text^STDCOMPRESSTST(100000),.z)
 set caught="",r=$$streamWrite^STDCOMPRESS(h,z,.o) do report("OUTPUT-TOO-LARGE","a zstd stream past its max_output")
 set caught="",r=$$streamClose^STDCOMPRESS(h,.o)
 write "ALIVE",!
 quit
 ;
report(code,what) ; the wrapper call just made must have raised code
 write "FAULT",$char(9),code,$char(9),what,$char(9),caught,$char(9),$piece($$lastError^STDCOMPRESS()," "),$char(9),$$alive(),!
 quit
 ;
direct(code,what,r) ; a direct call-out just returned r (-code)
 new t
 set r=$&stdcompress.lastError(.t)
 write "FAULT",$char(9),code,$char(9),what,$char(9),caught,$char(9),$piece(t," "),$char(9),$$alive(),!
 quit
 ;
ok(what,cond) ;
 write "OK",$char(9),what,$char(9),''cond,$char(9),caught,!
 quit
 ;
alive() ; does a gzip round trip work right after the failure?
 new z,y,caught,$etrap
 set $etrap="set caught=$ecode,$ecode="""" quit:$quit 0 quit",caught=""
 quit $$gzip^STDCOMPRESS("after a failure",.z)&$$gunzip^STDCOMPRESS(z,.y)&(y="after a failure")&(caught="")
 ;
limits(lim) ; lim(name)=value from $$limits^STDCOMPRESS
 new s,i,p
 set s=$$limits^STDCOMPRESS()
 for i=1:1:$length(s,";") set p=$piece(s,";",i) set:p'="" lim($piece(p,"="))=$piece(p,"=",2)
 quit
 ;
nomem ;
 new frame,h,r,o,caught,$etrap
 set $etrap="set caught=$ecode,$ecode="""" quit:$quit 0 quit",caught=""
 ; zstd frame: magic, no content size, window 2^27 (descriptor 0x88), one raw block of "abc"
 set frame=$zchar(40,181,47,253,0,136,25,0,0)_"abc"
 set h=$$streamOpen^STDCOMPRESS("zstd","d")
 set r=$$streamWrite^STDCOMPRESS(h,frame,.o)
 write "NOMEM",$char(9),caught,$char(9),$piece($$lastError^STDCOMPRESS()," "),$char(9),r,!
 set caught="",r=$$streamClose^STDCOMPRESS(h,.o)
 write "AFTER",$char(9),$$alive(),!
 write "ALIVE",!
 quit
 ;
mixed ;
 new id,n,base,out,codecs,levels,c,codec,level,i,x,off,len,plain,z,back,r,rec,part,fails,calls,caught,$etrap,sizes,blen
 set id=$piece($zcmdline," ",1),n=$piece($zcmdline," ",2),base=$$readFile^STDCOMPRESSCONF($piece($zcmdline," ",3)),out=$piece($zcmdline," ",4)
 set $etrap="set caught=$ecode,$ecode="""" quit:$quit 0 quit",caught=""
 set codecs="gzip,deflate,zlib,zstd,lz4,lz4frame,brotli"
 set levels("gzip")="1,6,9",levels("deflate")="1,6,9",levels("zlib")="1,6,9",levels("zstd")="-5,1,3,9,19"
 set levels("lz4")="1,-8,9",levels("lz4frame")="1,-3,12",levels("brotli")="0,1,5"
 set sizes="0,1,17,100,700,1500,4000,9000,30000,70000"
 set blen=$zlength(base),x=id*7919+17,(fails,calls,part)=0,rec=""
 for i=1:1:n do  quit:fails>20
 . set codec=$piece(codecs,",",i-1#7+1)
 . set x=(x*1103515245+12345)#2147483648,level=$piece(levels(codec),",",x\65536#$length(levels(codec),",")+1)
 . set x=(x*1103515245+12345)#2147483648,len=$piece(sizes,",",x\65536#10+1) set:len>blen len=blen
 . set x=(x*1103515245+12345)#2147483648,off=x\16#(blen-len+1)
 . set plain=$zextract(base,off+1,off+len)
 . set caught="",r=$$comp^STDCOMPRESSCONF(codec,plain,.z,level),calls=calls+1
 . if 'r set fails=fails+1 write "FAIL",$char(9),id,$char(9),i,$char(9),codec," ",level," compress ",caught,! quit
 . set caught="",r=$$decomp^STDCOMPRESSCONF(codec,z,.back),calls=calls+1
 . if 'r!(back'=plain) set fails=fails+1 write "FAIL",$char(9),id,$char(9),i,$char(9),codec," ",level," decompress ",caught,! quit
 . set rec=rec_codec_","_level_","_off_","_len_","_$zlength(z)_";"_z
 . if $zlength(rec)>500000 set part=part+1 do writeFile^STDCOMPRESSCONF(out_"."_part,rec) set rec=""
 if rec'="" set part=part+1 do writeFile^STDCOMPRESSCONF(out_"."_part,rec)
 write "MIXED",$char(9),id,$char(9),calls,$char(9),fails,$char(9),part,!
 quit
 ;
garbage ;
 new n,codecs,c,codec,plain,valid,i,x,data,k,r,out,caught,$etrap,cnt,strict,cache,sc,h,o,rc
 set n=+$zcmdline set:n<1 n=300
 set $etrap="set caught=$ecode,$ecode="""" quit:$quit 0 quit",caught=""
 set codecs="gzip,deflate,zlib,zstd,lz4,lz4frame,brotli"
 set plain=$$text^STDCOMPRESSTST(3000)_$$random^STDCOMPRESSTST(300)
 for c=1:1:7 set codec=$piece(codecs,",",c) do
 . set caught="",r=$$comp^STDCOMPRESSCONF(codec,plain,.valid)
 . set strict=(codec="gzip")!(codec="zlib")!(codec="zstd")!(codec="lz4frame")
 . set sc=$select(codec="lz4frame":"lz4",codec="lz4":"",1:codec)
 . kill cnt set x=c*104729
 . for i=1:1:n do
 . . set data=$$hostile(valid,i,.x)
 . . set caught="",out="",r=$$decomp^STDCOMPRESSCONF(codec,data,.out)
 . . do tally(codec,"one-shot",r,out,data,strict)
 . . quit:sc=""
 . . set caught="",out="",h=$$streamOpen^STDCOMPRESS(sc,"d",0,100000) if 'h do tally(codec,"stream",0,"",data,strict) quit
 . . set rc=$$streamWrite^STDCOMPRESS(h,data,.o),out=$get(o)
 . . for  quit:rc'=2  set rc=$$streamRead^STDCOMPRESS(h,.o),out=out_$get(o)
 . . ; a stream that did not reach its end is the truncated error streamClose gives
 . . if rc'=3 set:caught="" caught=",U-STDCOMPRESS-TRUNCATED," set r=0
 . . if rc=3 set r=1,k=$$streamUnused^STDCOMPRESS(h,.o) if $get(o)'="" set caught=",U-STDCOMPRESS-TRAILING,",r=0
 . . new cc set cc=caught,rc=$$streamClose^STDCOMPRESS(h,.o),caught=cc
 . . do tally(codec,"stream",r,out,data,strict)
 . for k="one-shot","stream" if $data(cnt(k)) write "GARBAGE",$char(9),codec,":",k,$char(9),cnt(k),$char(9),+$get(cnt(k,"error")),$char(9),+$get(cnt(k,"exact")),$char(9),+$get(cnt(k,"other")),$char(9),+$get(cnt(k,"bad")),!
 write "ALIVE",!
 quit
 ;
hostile(valid,i,x) ; the i-th hostile input made from valid (x: the LCG, advanced)
 new p,d,j
 set x=(x*1103515245+12345)#2147483648
 if i#3=0 quit $zextract($$random^STDCOMPRESSTST(x\65536#300,x),1,x\65536#300)
 if i#3=1 quit $zextract(valid,1,x\16#$zlength(valid))
 set d=valid
 for j=1:1:i#4+1 set x=(x*1103515245+12345)#2147483648,p=x\16#$zlength(d)+1,d=$zextract(d,1,p-1)_$zchar(x\8388608)_$zextract(d,p+1,$zlength(d))
 quit d
 ;
tally(codec,kind,r,out,data,strict) ; count one outcome
 set cnt(kind)=$get(cnt(kind))+1
 if 'r,$extract(caught,1,15)=",U-STDCOMPRESS-" set cnt(kind,"error")=$get(cnt(kind,"error"))+1 quit
 if r,out=plain set cnt(kind,"exact")=$get(cnt(kind,"exact"))+1 quit
 ; an empty input is zero members (gzip, zstd, lz4 frames): an empty result
 if r,data="",out="" set cnt(kind,"exact")=$get(cnt(kind,"exact"))+1 quit
 if r,'strict set cnt(kind,"other")=$get(cnt(kind,"other"))+1 quit
 set cnt(kind,"bad")=$get(cnt(kind,"bad"))+1
 if cnt(kind,"bad")<6 write "BAD",$char(9),codec,":",kind,$char(9),r,$char(9),caught,$char(9),$zlength(data),$char(9),$zlength(out),$char(9),$$lastError^STDCOMPRESS(),!
 quit
