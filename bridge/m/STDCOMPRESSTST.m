STDCOMPRESSTST ; tests of STDCOMPRESS: mumps -run STDCOMPRESSTST [label ...]
 ;
 ; Runs every label marked ;@test (or the ones named on the command line) and prints one
 ; line per label: "PASS label (n checks)" or "FAIL label: first failure (+k more)", then
 ; "DONE pass=P fail=F".  Lines starting with "#" are details.  tests/test_engine.py reads
 ; these lines and reports each label as its own test.
 ;
 ; Not tests: "missing" (run with the call-out made unreachable), "bench" (timing).  Expected levels and limits come from $$limits^STDCOMPRESS(), never literals,
 ; except in tSeedLevels: the seed module's contract, in the numbers it states.
 ; Data are bytes throughout ($Z functions), so the same checks hold in UTF-8 mode.
 do run($zcmdline)
 quit
 ;
 ; ---- harness ----
 ;
run(which) ; run the labels named in which (space separated), or every test label
 new i,line,lbl,pass,fail,cache,lim
 set (pass,fail)=0
 do limits(.lim)
 if which'="" for i=1:1:$length(which," ") set lbl=$piece(which," ",i) do:lbl'="" one(lbl)
 if which="" for i=1:1 set line=$text(+i^STDCOMPRESSTST) quit:line=""  if $extract(line)'=" ",$piece(line,";",2,9)["@test" do one($piece($piece(line," "),"("))
 write "DONE pass=",pass," fail=",fail,!
 quit
 ;
one(lbl) ; run one test label under a trap that turns an unexpected error into its failure
 new checks,failed,first,caught,$etrap
 set (checks,failed)=0,(first,caught)=""
 set $etrap="do oops^STDCOMPRESSTST zgoto "_$zlevel_":oneEnd^STDCOMPRESSTST"
 do @lbl
oneEnd ; ZGOTO target after an unexpected error (same frame as one)
 ; A test's own catching trap may have swallowed an error no check looked at.
 if caught'="" do fail("a trap caught an error no check expected: "_caught) set caught=""
 if 'checks do fail("no checks ran")
 if failed write "FAIL ",lbl,": ",first,$select(failed>1:" (+"_(failed-1)_" more)",1:""),! set fail=fail+1
 if 'failed write "PASS ",lbl," (",checks," checks)",! set pass=pass+1
 quit
 ;
oops ; an unexpected error in a test
 do fail("unexpected error: "_$$ascii($zstatus)_" $ECODE="_$ecode)
 set $ecode=""
 quit
 ;
fail(desc) ; record a failed check
 set failed=failed+1,checks=checks+1 set:first="" first=desc
 write "# ",lbl,": ",desc,!
 quit
 ;
ok(cond,desc) ; check that cond is true
 if cond set checks=checks+1 quit
 do fail(desc)
 quit
 ;
eq(got,exp,desc) ; check got=exp (byte strings welcome)
 if got=exp set checks=checks+1 quit
 do fail(desc_": got "_$$show(got)_", expected "_$$show(exp))
 quit
 ;
called(r,desc) ; the call just made returned r and must have succeeded without a trap
 do eq(r,1,desc_": returns 1")
 if caught'="" do fail(desc_": trap saw "_caught_" ("_$$lastError^STDCOMPRESS()_")") set caught=""
 quit
 ;
raised(r,code,desc) ; the call just made returned r and must have raised ,U-STDCOMPRESS-code,
 do eq(r,0,desc_": returns 0")
 do eq(caught,",U-STDCOMPRESS-"_code_",",desc_": the caller's trap saw")
 do eq($ecode,"",desc_": $ECODE after the trap cleared it")
 do eq($piece($$lastError^STDCOMPRESS()," "),code,desc_": lastError's code")
 set caught=""
 quit
 ;
catcher() ; a caller's $ETRAP: keep $ECODE in caught, clear it, go on after the call
 quit "set caught=$ecode,$ecode="""" quit"
 ;
show(x) ; x for a message: ASCII only, long values summarised
 quit:$zlength(x)'>60 $$ascii(x)
 quit "<"_$zlength(x)_" bytes "_$$ascii($zextract(x,1,24))_"...>"
 ;
ascii(x) ; x quoted, bytes outside printable ASCII as \xNN
 new i,c,s
 set s=""
 for i=1:1:$zlength(x) set c=$zascii(x,i),s=s_$select(c=34:"""""",c<32!(c>126):"\x"_$$hex(c),1:$zchar(c))
 quit """"_s_""""
 ;
hex(c) ; byte c as two hex digits
 quit $zextract("0123456789abcdef",c\16+1)_$zextract("0123456789abcdef",c#16+1)
 ;
limits(lim) ; lim(name)=value from $$limits^STDCOMPRESS()
 new s,i,p
 set s=$$limits^STDCOMPRESS()
 for i=1:1:$length(s,";") set p=$piece(s,";",i) set:p["=" lim($piece(p,"="))=$piece(p,"=",2)
 quit
 ;
comp(c,data,out,level) ; codec c's compressor (gzip, deflate, zlib, zstd); level optional
 quit:$data(level) $$comp^STDCOMPRESSCONF(c,data,.out,level)
 quit $$comp^STDCOMPRESSCONF(c,data,.out)
 ;
decomp(c,data,out) ; codec c's decompressor
 quit $$decomp^STDCOMPRESSCONF(c,data,.out)
 ;
 ; ---- data ----
 ;
bytes256() ; every byte value once, 0..255
 new i,s
 set s="" for i=0:1:255 set s=s_$zchar(i)
 quit s
 ;
repeat(s,n) ; n bytes: s repeated
 new r
 ; (appending only what is missing keeps r within the 1 MiB string limit)
 set r=s for  quit:$zlength(r)'<n  set r=r_$zextract(r,1,n-$zlength(r))
 quit $zextract(r,1,n)
 ;
random(n,seed) ; n pseudo-random bytes (an LCG's top byte): incompressible for every codec
 new x,s,k
 set k="random",seed=$get(seed,12345)
 quit:$data(cache(k,n,seed)) cache(k,n,seed)
 set x=seed,s=""
 for  quit:$zlength(s)'<n  set s=s_$zextract($$chunk(.x),1,n-$zlength(s))
 set cache(k,n,seed)=$zextract(s,1,n)
 quit cache(k,n,seed)
 ;
chunk(x) ; 4 KiB of the LCG in x (advanced in place)
 new c,j
 set c="" for j=1:1:4096 set x=x*69069+1#4294967296,c=c_$zchar(x\16777216)
 quit c
 ;
text(n) ; n bytes of word-like text (compressible, not just one repeated line)
 new w,x,s,c,nw,k
 set k="text"
 quit:$data(cache(k,n)) cache(k,n)
 set w="SET KILL QUIT DO NEW FOR IF ELSE WRITE READ ^PATIENT ^LOG $ZH $ZLENGTH gzip zstd error level 2026-05-07 the a to of record field value 0 1 42 1048576"
 set nw=$length(w," "),x=7,s=""
 for  quit:$zlength(s)'<n  set c="" do  set s=s_$zextract(c,1,n-$zlength(s))
 . new j for j=1:1:400 set x=x*69069+1#4294967296,c=c_$piece(w," ",x\65536#nw+1)_$select(x#7=0:$char(10),1:" ")
 set cache(k,n)=$zextract(s,1,n)
 quit cache(k,n)
 ;
samples(s) ; the round-trip samples: s(i)=data, s(i,"name")
 set s(1)="",s(1,"name")="empty"
 set s(2)="hello, world",s(2,"name")="ascii"
 set s(3)=$$bytes256(),s(3,"name")="all 256 byte values"
 set s(4)=$$repeat("SET ^X(1)=""repetitive line"" ; ",10240),s(4,"name")="10 KiB repetitive"
 set s(5)=$$text(1048576),s(5,"name")="1 MiB text"
 quit
 ;
 ; ---- tests ----
 ;
tRoundTrip ;@test every codec round-trips empty, ASCII, 256 byte values, 10 KiB, 1 MiB
 new s,i,c,z,y,r,$etrap
 set $etrap=$$catcher()
 do samples(.s)
 for c="gzip","deflate","zlib","zstd" for i=1:1:5 do
 . set z="junk",y="junk"
 . set r=$$comp(c,s(i),.z) do called(r,c_" compress "_s(i,"name"))
 . set r=$$decomp(c,z,.y) do called(r,c_" decompress "_s(i,"name"))
 . do eq(y,s(i),c_" round trip "_s(i,"name"))
 quit
 ;
tFormats ;@test each codec writes its format's framing
 new z,r,$etrap
 set $etrap=$$catcher()
 set r=$$gzip^STDCOMPRESS("hello, world",.z) do called(r,"gzip")
 do eq($zextract(z,1,3),$zchar(31,139,8),"gzip magic and method")
 set r=$$zlib^STDCOMPRESS("hello, world",.z) do called(r,"zlib")
 do eq($zascii(z,1)#16,8,"zlib CM is deflate"),eq($zascii(z,1)*256+$zascii(z,2)#31,0,"zlib FCHECK")
 set r=$$zstdCompress^STDCOMPRESS("hello, world",.z) do called(r,"zstd")
 do eq($zextract(z,1,4),$zchar(40,181,47,253),"zstd magic")
 set r=$$deflate^STDCOMPRESS("hello, world",.z) do called(r,"deflate")
 do ok($zlength(z)>0&($zextract(z,1,2)'=$zchar(31,139)),"raw deflate has no gzip header")
 quit
 ;
tUnicodeText ;@test UTF-8 text round-trips as its bytes (and as characters in UTF-8 mode)
 new u,z,y,r,c,$etrap
 set $etrap=$$catcher()
 ; "h\u00e9llo w\u00f6rld \u2603" as UTF-8 bytes
 set u="h"_$zchar(195,169)_"llo w"_$zchar(195,182)_"rld "_$zchar(226,152,131)
 for c="gzip","deflate","zlib","zstd" do
 . set r=$$comp(c,u,.z) do called(r,c_" compress")
 . set r=$$decomp(c,z,.y) do called(r,c_" decompress")
 . do eq(y,u,c_" round trip")
 . do eq($zlength(y),17,c_" byte length")
 if $zchset="UTF-8" do eq($length(y),13,"character length in UTF-8 mode"),eq($extract(y,2),$char(233),"a character in UTF-8 mode")
 quit
 ;
tConcatenated ;@test gunzip reads several members, zstdDecompress several frames
 new a,b,y,r,$etrap
 set $etrap=$$catcher()
 set r=$$gzip^STDCOMPRESS("hello, ",.a)_$$gzip^STDCOMPRESS("world",.b)
 set r=$$gunzip^STDCOMPRESS(a_b,.y) do called(r,"gunzip two members"),eq(y,"hello, world","gunzip two members")
 set r=$$zstdCompress^STDCOMPRESS("hello, ",.a)_$$zstdCompress^STDCOMPRESS("world",.b)
 set r=$$zstdDecompress^STDCOMPRESS(a_b,.y) do called(r,"zstd two frames"),eq(y,"hello, world","zstd two frames")
 set r=$$gunzip^STDCOMPRESS("",.y) do called(r,"gunzip of no members"),eq(y,"","gunzip of no members")
 set r=$$zstdDecompress^STDCOMPRESS("",.y) do called(r,"zstd of no frames"),eq(y,"","zstd of no frames")
 quit
 ;
tDefaultLevel ;@test an omitted or empty level gives the same bytes as the explicit default
 new c,d,a,b,e,r,def,$etrap
 set $etrap=$$catcher()
 set d=$$text(20000)
 for c="gzip","deflate","zlib","zstd" do
 . set def=lim($select(c="zstd":"zstd_level_default",1:"deflate_level_default"))
 . set r=$$comp(c,d,.a) do called(r,c_" default")
 . set r=$$comp(c,d,.b,def) do called(r,c_" level "_def)
 . set r=$$comp(c,d,.e,"") do called(r,c_" level """"")
 . do eq(a,b,c_" omitted level = level "_def),eq(e,b,c_" empty level = level "_def)
 . ; and some other level really is different, so the comparison means something
 . set r=$$comp(c,d,.e,1) do ok(e'=b,c_" level 1 differs from the default")
 quit
 ;
tLevels ;@test every accepted level compresses and round-trips
 new c,d,l,z,y,r,levels,$etrap
 set $etrap=$$catcher()
 set d=$$text(3000)
 for c="gzip","deflate","zlib" for l=lim("deflate_level_min"):1:lim("deflate_level_max") do lvl(c,l)
 for l=1:1:lim("zstd_level_max"),-1,-5,lim("zstd_level_min") do lvl("zstd",l)
 quit
lvl(c,l) ; one level of one codec: round trip of d
 set z="",y=""
 set r=$$comp(c,d,.z,l) do called(r,c_" level "_l)
 set r=$$decomp(c,z,.y) do called(r,c_" level "_l_" decompress"),eq(y,d,c_" level "_l_" round trip")
 quit
 ;
tBadLevels ;@test out-of-range and non-integer levels raise BAD-LEVEL and leave .out empty
 new c,l,z,r,bad,$etrap
 set $etrap=$$catcher()
 for c="gzip","deflate","zlib" for l=0,lim("deflate_level_min")-1,lim("deflate_level_max")+1,-1,99 do badLvl(c,l)
 for l=0,lim("zstd_level_max")+1,lim("zstd_level_min")-1,1000000 do badLvl("zstd",l)
 for c="gzip","deflate","zlib","zstd" for l="6.5","abc"," 6","1e1","+3","99999999999999999999" do badLvl(c,l)
 quit
badLvl(c,l) ; level l of codec c must raise BAD-LEVEL
 set z="junk",r=$$comp(c,"hello, world",.z,l)
 do raised(r,"BAD-LEVEL",c_" level "_$$ascii(l)),eq(z,"",c_" level "_$$ascii(l)_": .out emptied")
 quit
 ;
tSeedLevels ;@test the seed's contract: gzip, deflate, zlib take 1..9; 0, 10..13 and "x" are BAD-LEVEL
 new c,d,l,z,y,r,$etrap
 set $etrap=$$catcher()
 set d=$$text(3000)
 for c="gzip","deflate","zlib" for l=1:1:9 do lvl(c,l)
 for c="gzip","deflate","zlib" for l=0,10,11,12,13,"x" do badLvl(c,l)
 quit
 ;
tBestLevels ;@test gzipBest, deflateBest, zlibBest: 10..12 (default 12) decode with the plain decoders; others BAD-LEVEL
 new c,d,l,z,y,r,a,b,$etrap
 set $etrap=$$catcher()
 set d=$$text(20000)
 for c="gzip","deflate","zlib" do
 . for l=lim("deflate_best_level_min"):1:lim("deflate_best_level_max") do
 . . set z="",y="",r=$$best(c,d,.z,l) do called(r,c_"Best level "_l)
 . . set r=$$decomp(c,z,.y) do called(r,c_"Best level "_l_" decompress"),eq(y,d,c_"Best level "_l_" round trip")
 . set r=$$best(c,d,.a) do called(r,c_"Best default")
 . set r=$$best(c,d,.b,lim("deflate_best_level_default")) do called(r,c_"Best at the default level")
 . do eq(a,b,c_"Best: omitted level = the default")
 . for l=0,1,9,13,"x" set z="junk",r=$$best(c,"hello, world",.z,l) do raised(r,"BAD-LEVEL",c_"Best level "_l),eq(z,"",c_"Best level "_l_": .out emptied")
 quit
best(c,data,out,level) ; codec c's strongest-levels compressor; level optional
 if $data(level) quit $select(c="gzip":$$gzipBest^STDCOMPRESS(data,.out,level),c="deflate":$$deflateBest^STDCOMPRESS(data,.out,level),1:$$zlibBest^STDCOMPRESS(data,.out,level))
 quit $select(c="gzip":$$gzipBest^STDCOMPRESS(data,.out),c="deflate":$$deflateBest^STDCOMPRESS(data,.out),1:$$zlibBest^STDCOMPRESS(data,.out))
 ;
tCorrupt ;@test corrupt, truncated and trailing-garbage input raise LIBZ-FAIL / LIBZSTD-FAIL
 new c,d,z,y,r,code,n,bad,i,$etrap
 set $etrap=$$catcher()
 set d=$$text(5000)
 for c="gzip","deflate","zlib","zstd" do
 . set code=$select(c="zstd":"LIBZSTD-FAIL",1:"LIBZ-FAIL")
 . set r=$$comp(c,d,.z) do called(r,c_" compress")
 . set n=$zlength(z)
 . ; a flipped byte in the middle of the compressed stream
 . set i=n\2,bad=$zextract(z,1,i-1)_$zchar($zascii(z,i)+85#256)_$zextract(z,i+1,n)
 . set y="junk",r=$$decomp(c,bad,.y) do raised(r,code,c_" corrupt"),eq(y,"",c_" corrupt: .out emptied")
 . ; truncations: most of it, all but the last byte, just one byte
 . for i=n\2,n-1,1 set r=$$decomp(c,$zextract(z,1,i),.y) do raised(r,code,c_" truncated to "_i_" bytes")
 . set r=$$decomp(c,z_"garbage",.y) do raised(r,code,c_" trailing garbage")
 . set r=$$decomp(c,"not compressed at all",.y) do raised(r,code,c_" not compressed")
 . set r=$$decomp(c,$$random(300),.y) do raised(r,code,c_" 300 random bytes")
 ; empty input: zero gzip members / zstd frames are fine; raw deflate and zlib need a stream
 set r=$$inflate^STDCOMPRESS("",.y) do raised(r,"LIBZ-FAIL","inflate of empty input")
 set r=$$unzlib^STDCOMPRESS("",.y) do raised(r,"LIBZ-FAIL","unzlib of empty input")
 quit
 ;
tTooLarge ;@test results over the 1 MiB string limit raise OUTPUT-TOO-LARGE
 new c,d,z,y,r,a,$etrap
 set $etrap=$$catcher()
 set d=$$random(1048576)
 for c="gzip","deflate","zlib","zstd" set z="junk",r=$$comp(c,d,.z) do raised(r,"OUTPUT-TOO-LARGE",c_" of 1 MiB random bytes"),eq(z,"",c_": .out emptied")
 ; decoders: two 1 MiB members / frames decode to 2 MiB
 set d=$$text(1048576)
 set r=$$gzip^STDCOMPRESS(d,.a) do called(r,"gzip 1 MiB text")
 set r=$$gunzip^STDCOMPRESS(a_a,.y) do raised(r,"OUTPUT-TOO-LARGE","gunzip to 2 MiB")
 set r=$$zstdCompress^STDCOMPRESS(d,.a) do called(r,"zstd 1 MiB text")
 set r=$$zstdDecompress^STDCOMPRESS(a_a,.y) do raised(r,"OUTPUT-TOO-LARGE","zstdDecompress to 2 MiB")
 ; a result of exactly the limit still fits
 set r=$$zstdDecompress^STDCOMPRESS(a,.y) do called(r,"zstdDecompress to exactly 1 MiB"),eq(y,d,"1 MiB round trip")
 quit
 ;
tTiers ;@test results larger than the tier guessed from the input are collected (held, take)
 new c,d,z,y,r,n,$etrap
 set $etrap=$$catcher()
 ; small inputs expanding to 40 KB (second call: take64k) and 500 KB (take)
 for n=40000,500000,1048576 do
 . set d=$$repeat("a",n)
 . for c="gzip","deflate","zlib","zstd" do
 . . set r=$$comp(c,d,.z) do called(r,c_" compress "_n)
 . . set r=$$decomp(c,z,.y) do called(r,c_" decompress "_$zlength(z)_" bytes to "_n),eq(y,d,c_" round trip "_n)
 ; an input in the 64k guess (257..16384 bytes) expanding past 64 KiB
 set d=$$repeat($$text(3000),200000)
 for c="gzip","deflate","zlib","zstd" do
 . set r=$$comp(c,d,.z) do called(r,c_" compress text")
 . do ok($zlength(z)>256&($zlength(z)<16385),c_" compressed text is in the 64k guess ("_$zlength(z)_")")
 . set r=$$decomp(c,z,.y) do called(r,c_" decompress text"),eq(y,d,c_" round trip text")
 ; compression near the tier boundaries
 for n=850,860,1023,1024,1025,58190,58200,65536,65537 do
 . set d=$$random(n,n)
 . for c="gzip","zstd" set r=$$comp(c,d,.z) do called(r,c_" "_n_" random bytes") set r=$$decomp(c,z,.y) do eq(y,d,c_" "_n_" random round trip")
 quit
 ;
tTierProtocol ;@test the held-result protocol as the wrapper uses it ($& directly)
 new d,z,y,r,e,t,n
 set d=$$repeat("a",500000)
 set r=$&stdcompress.gzip(d,.z) do eq(r,0,"gzip 1 MiB tier")
 set y="junk",r=$&stdcompress.gunzip1k(z,.y) do eq(r,500000,"gunzip1k returns the held length"),eq(y,"","nothing delivered yet")
 set r=$&stdcompress.take64k(.y) do eq(r,500000,"take64k too small: still held")
 set r=$&stdcompress.take(.y) do eq(r,0,"take collects"),eq(y,d,"held result")
 set r=$&stdcompress.take(.y) do ok(r<0,"take again: nothing held")
 set e=$&stdcompress.lastError(.t) do eq($piece(t," "),"NOTHING-HELD","take again: NOTHING-HELD")
 set d=$$repeat("b",30000)
 set r=$&stdcompress.zstdCompress1k(d,.z) do eq(r,0,"zstd compress")
 set r=$&stdcompress.zstdDecompress1k(z,.y) do eq(r,30000,"zstdDecompress1k held")
 set r=$&stdcompress.gzip1k("x",.z) do eq(r,0,"another codec call")
 set r=$&stdcompress.take64k(.y) do ok(r<0,"the next codec call drops a held result")
 quit
 ;
tBadArgs ;@test undefined data raises BAD-ARGS; .out may be omitted
 new z,r,undef,$etrap
 set $etrap=$$catcher()
 set z="junk",r=$$gzip^STDCOMPRESS(.undef,.z) do raised(r,"BAD-ARGS","gzip of undefined data"),eq(z,"","gzip: .out emptied")
 set r=$$gunzip^STDCOMPRESS(.undef,.z) do raised(r,"BAD-ARGS","gunzip of undefined data")
 set r=$$deflate^STDCOMPRESS(.undef,.z,6) do raised(r,"BAD-ARGS","deflate of undefined data")
 set r=$$inflate^STDCOMPRESS(.undef,.z) do raised(r,"BAD-ARGS","inflate of undefined data")
 set r=$$zlib^STDCOMPRESS(.undef,.z) do raised(r,"BAD-ARGS","zlib of undefined data")
 set r=$$unzlib^STDCOMPRESS(.undef,.z) do raised(r,"BAD-ARGS","unzlib of undefined data")
 set r=$$zstdCompress^STDCOMPRESS(.undef,.z) do raised(r,"BAD-ARGS","zstdCompress of undefined data")
 set r=$$zstdDecompress^STDCOMPRESS(.undef,.z) do raised(r,"BAD-ARGS","zstdDecompress of undefined data")
 set r=$$gzip^STDCOMPRESS("hello") do called(r,"gzip without .out")
 set r=$$zstdCompress^STDCOMPRESS("hello",,5) do called(r,"zstd without .out, with level")
 quit
 ;
tArgc ;@test bare call-outs with too few arguments return BAD-ARGS (-1); the process goes on
 new r,t,o
 for t="gzip1k","gunzip","deflate64k","inflate","zlib","unzlib1k","zstdCompress","zstdDecompress" do
 . set r=$select(t="gzip1k":$&stdcompress.gzip1k(),t="gunzip":$&stdcompress.gunzip(),t="deflate64k":$&stdcompress.deflate64k(),t="inflate":$&stdcompress.inflate(),t="zlib":$&stdcompress.zlib(),t="unzlib1k":$&stdcompress.unzlib1k(),t="zstdCompress":$&stdcompress.zstdCompress(),1:$&stdcompress.zstdDecompress())
 . do eq(r,-1,t_" with no arguments")
 set r=$&stdcompress.gzip("abc") do eq(r,-1,"gzip with input only")
 set r=$&stdcompress.lastError(.o) do eq($piece(o," "),"BAD-ARGS","lastError names BAD-ARGS")
 set r=$&stdcompress.zstdDecompress("abc") do eq(r,-1,"zstdDecompress with input only")
 set r=$&stdcompress.take() do eq(r,-1,"take with no arguments")
 set r=$&stdcompress.versions() do eq(r,-1,"versions with no arguments")
 set r=$&stdcompress.gzip("abc",.o) do eq(r,0,"a full call still works afterwards")
 quit
 ;
tInfo ;@test available, versions, limits, lastError
 new v,r,z,e,$etrap
 set $etrap=$$catcher()
 do eq($$available^STDCOMPRESS(),"","available: both backends")
 set v=$$versions^STDCOMPRESS()
 do ok(v?1"stdcompress="1.E1",libdeflate="1.E1",libz="1.E1",libzstd="1.E1",liblzma="1.E,"versions format: "_v)
 do eq(caught,"","versions raised nothing")
 do ok(lim("max_string")=1048576,"limits: max_string")
 do ok(lim("deflate_level_min")'>lim("deflate_level_default")&(lim("deflate_level_default")'>lim("deflate_level_max")),"limits: deflate default in range")
 do ok(lim("zstd_level_min")<0&(lim("zstd_level_max")'<lim("zstd_level_default")),"limits: zstd range")
 set r=$$gunzip^STDCOMPRESS("bad",.z) do raised(r,"LIBZ-FAIL","gunzip of garbage")
 set e=$$lastError^STDCOMPRESS()
 do ok(e?1"LIBZ-FAIL gunzip".E,"lastError names code and op: "_e)
 set r=$$gzip^STDCOMPRESS("fine",.z) do called(r,"a later success")
 do eq($$lastError^STDCOMPRESS(),e,"lastError keeps the last failure after a success")
 set r=$$zstdCompress^STDCOMPRESS("x",.z,0) do raised(r,"BAD-LEVEL","zstd level 0")
 do ok($$lastError^STDCOMPRESS()?1"BAD-LEVEL zstdCompress".E,"lastError follows the newest failure")
 set r=$$gzip^STDCOMPRESS("x",.z,"x") do raised(r,"BAD-LEVEL","gzip level x (checked in M)")
 do ok($$lastError^STDCOMPRESS()?1"BAD-LEVEL gzip: level ""x"" ".E,"lastError of an M-side failure")
 set r=$$zstdDecompress^STDCOMPRESS("bad",.z) do raised(r,"LIBZSTD-FAIL","zstd garbage")
 do ok($$lastError^STDCOMPRESS()?1"LIBZSTD-FAIL zstdDecompress".E,"a C failure after an M-side one")
 quit
 ;
tEtrap ;@test the caller's $ETRAP sees ,U-STDCOMPRESS-CODE, cleanly; nothing is left behind
 new r,z,y,hits,saved,st,zcode,$etrap
 ; success leaves $ETRAP, $ECODE and the stack as they were
 set $etrap=$$catcher(),saved=$etrap,st=$stack
 set r=$$gzip^STDCOMPRESS("x",.z) do called(r,"gzip")
 do eq($etrap,saved,"$ETRAP after success"),eq($ecode,"","$ECODE after success"),eq($stack,st,"$STACK after success")
 set r=$$gunzip^STDCOMPRESS(z,.y) do called(r,"gunzip"),eq($etrap,saved,"$ETRAP after gunzip")
 ; failure: the trap sees exactly our code, once, and the line after the call runs
 set hits=0,$etrap="set hits=hits+1,caught=$ecode,$ecode="""" quit"
 set r=$$gzip^STDCOMPRESS("x",.z,0)
 do eq(hits,1,"trap ran once"),raised(r,"BAD-LEVEL","argumentless-QUIT trap (the seed's style)")
 do eq($etrap,"set hits=hits+1,caught=$ecode,$ecode="""" quit","$ETRAP after failure")
 ; a trap that quits with a value when it can
 set hits=0,$etrap="set hits=hits+1,caught=$ecode,$ecode="""" quit:$quit 0 quit"
 set r=$$zstdDecompress^STDCOMPRESS("garbage",.y)
 do eq(hits,1,"trap ran once"),raised(r,"LIBZSTD-FAIL","QUIT:$QUIT trap")
 ; a $ZTRAP user
 set $etrap=$$catcher(),zcode=""
 do zt
 do eq(zcode,",U-STDCOMPRESS-BAD-LEVEL,","$ZTRAP handler saw our code")
 do inHandler
 do eq($ecode,"","$ECODE at the end")
 quit
zt ; a caller using $ZTRAP: kept on success; on failure the $ZTRAP handler gets our code
 new $etrap,$ztrap,r,z
 set $ztrap="goto ztH^STDCOMPRESSTST"
 set r=$$gzip^STDCOMPRESS("x",.z) do eq(r,1,"gzip under $ZTRAP")
 do eq($ztrap,"goto ztH^STDCOMPRESSTST","$ZTRAP after success"),eq($etrap,"","$ETRAP after success under $ZTRAP")
 set r=$$gzip^STDCOMPRESS("x",.z,0)
 quit
ztH ; $ZTRAP handler of zt
 set zcode=$ecode,$ecode=""
 quit:$quit 0 quit
inHandler ; inside an error handler ($ECODE set) available() leaves $ECODE as it found it
 new $etrap
 set $etrap="goto inHandlerH^STDCOMPRESSTST"
 set $ecode=",U-TEST,"
 quit
inHandlerH new a
 set a=$$available^STDCOMPRESS()
 do eq(a,"","available() inside a handler")
 set a=$$available^STDCOMPRESS()
 do eq(a,"","available() inside a handler, again"),eq($ecode,",U-TEST,","$ECODE unchanged by available()")
 set $ecode=""
 quit
 ;
tFiles ;@test the conformance runner's binary-safe file helpers
 new f,d,y,i,dir,c
 set dir=$ztrnlnm("STDCOMPRESS_TEST_TMP") set:dir="" dir="/tmp"
 set f=dir_"/stdcompress-m-"_$job_".bin"
 for i=1:1:4 do
 . set d=$select(i=1:"",i=2:$$bytes256(),i=3:$$bytes256()_$char(10)_$char(13,10),1:$$random(1048576))
 . do writeFile^STDCOMPRESSCONF(f,d)
 . set y=$$readFile^STDCOMPRESSCONF(f)
 . do eq($zlength(y),$zlength(d),"file length "_i),eq(y,d,"file bytes "_i)
 open f close f:(delete)
 ; the corpus's all-256-bytes fixture, read as written by Python
 set c=$ztrnlnm("STDCOMPRESS_CORPUS")
 if c'="" set y=$$readFile^STDCOMPRESSCONF(c_"/bytes256.bin") do eq(y,$$bytes256(),"corpus bytes256.bin")
 quit
 ;
 ; ---- LZ4 and brotli (codecs lz4: size-prefixed block, lz4frame, brotli; raw blocks apart) ----
 ;
tLzRoundTrip ;@test lz4, lz4frame, brotli and raw LZ4 blocks round-trip the samples
 new s,i,c,z,y,r,$etrap
 set $etrap=$$catcher()
 do samples(.s)
 for c="lz4","lz4frame","brotli" for i=1:1:5 do
 . set z="junk",y="junk"
 . ; brotli's default quality 11 is slow on 1 MiB: the big sample at quality 5
 . if c="brotli",i=5 set r=$$comp(c,s(i),.z,5)
 . else  set r=$$comp(c,s(i),.z)
 . do called(r,c_" compress "_s(i,"name"))
 . set r=$$decomp(c,z,.y) do called(r,c_" decompress "_s(i,"name"))
 . do eq(y,s(i),c_" round trip "_s(i,"name"))
 for i=1:1:5 do
 . set z="junk",y="junk"
 . set r=$$lz4BlockCompress^STDCOMPRESS(s(i),.z) do called(r,"lz4 block compress "_s(i,"name"))
 . set r=$$lz4BlockDecompress^STDCOMPRESS(z,.y,$zlength(s(i))) do called(r,"lz4 block decompress "_s(i,"name"))
 . do eq(y,s(i),"lz4 block round trip "_s(i,"name"))
 quit
 ;
tLzFormats ;@test the LZ4 size prefix, frame header and brotli stream as their formats say
 new z,b,d,r,$etrap
 set $etrap=$$catcher()
 set d=$$text(70000)
 set r=$$lz4Compress^STDCOMPRESS(d,.z) do called(r,"lz4Compress")
 do eq($zextract(z,1,4),$zchar(112,17,1,0),"size prefix: 70000 little-endian")
 set r=$$lz4BlockCompress^STDCOMPRESS(d,.b) do called(r,"lz4BlockCompress")
 do eq($zextract(z,5,$zlength(z)),b,"lz4Compress = prefix and lz4BlockCompress")
 set r=$$lz4FrameCompress^STDCOMPRESS(d,.z) do called(r,"lz4FrameCompress")
 do eq($zextract(z,1,4),$zchar(4,34,77,24),"LZ4 frame magic")
 do eq($zascii(z,5)\4#2,1,"frame FLG: content checksum"),eq($zascii(z,5)\8#2,1,"frame FLG: content size")
 do eq($zextract(z,7,14),$zchar(112,17,1,0,0,0,0,0),"frame content size 70000")
 set r=$$brotliCompress^STDCOMPRESS("",.z) do called(r,"brotli of nothing"),eq(z,$zchar(59),"the empty brotli stream")
 quit
 ;
tLzDefaults ;@test omitted or empty levels and windows are the C library's defaults
 new c,d,a,b,e,r,def,$etrap
 set $etrap=$$catcher()
 set d=$$text(20000)
 for c="lz4","lz4frame","brotli" do
 . set def=lim($select(c="brotli":"brotli_quality_default",1:"lz4_level_default"))
 . set r=$$comp(c,d,.a) do called(r,c_" default")
 . set r=$$comp(c,d,.b,def) do called(r,c_" level "_def)
 . set r=$$comp(c,d,.e,"") do called(r,c_" level """"")
 . do eq(a,b,c_" omitted level = level "_def),eq(e,b,c_" empty level = level "_def)
 . set r=$$comp(c,d,.e,$select(c="brotli":5,1:9)) do ok(e'=b,c_" another level differs from the default")
 ; a window without a quality: the default quality with that window
 set r=$$brotliCompress^STDCOMPRESS(d,.a,,lim("brotli_lgwin_default")) do called(r,"brotli default window only")
 set r=$$brotliCompress^STDCOMPRESS(d,.b) do called(r,"brotli defaults"),eq(a,b,"default window = omitted window")
 set r=$$brotliCompress^STDCOMPRESS(d,.a,"",16) do called(r,"brotli window 16 only")
 set r=$$brotliCompress^STDCOMPRESS(d,.b,lim("brotli_quality_default"),16) do called(r,"brotli default quality, window 16")
 do eq(a,b,"an empty quality is the default quality")
 quit
 ;
tLzLevels ;@test every LZ4 level and brotli quality and window compresses and round-trips
 new c,d,l,z,y,r,w,$etrap
 set $etrap=$$catcher()
 set d=$$text(3000)
 for c="lz4","lz4frame" for l=1:1:lim("lz4_level_max"),-1,-5,lim("lz4_level_min") do lvl(c,l)
 for l=lim("brotli_quality_min"):1:lim("brotli_quality_max") do lvl("brotli",l)
 for w=lim("brotli_lgwin_min"):1:lim("brotli_lgwin_max") do
 . set r=$$brotliCompress^STDCOMPRESS(d,.z,5,w) do called(r,"brotli window "_w)
 . set r=$$brotliDecompress^STDCOMPRESS(z,.y) do called(r,"brotli window "_w_" decompress"),eq(y,d,"brotli window "_w_" round trip")
 quit
 ;
tLzBadArgs ;@test bad levels (BAD-LEVEL), windows and block sizes (BAD-ARGS), sizes over 1 MiB
 new c,l,z,r,b,$etrap
 set $etrap=$$catcher()
 for c="lz4","lz4frame" for l=0,lim("lz4_level_max")+1,lim("lz4_level_min")-1,99,"6.5","abc","+3" do badLvl(c,l)
 for l=lim("brotli_quality_min")-1,lim("brotli_quality_max")+1,"x","99999999999999999999" do badLvl("brotli",l)
 for l=lim("lz4_level_max")+1,0,"x" set z="junk",r=$$lz4BlockCompress^STDCOMPRESS("hello",.z,l) do raised(r,"BAD-LEVEL","lz4BlockCompress level "_$$ascii(l)),eq(z,"","lz4BlockCompress: .out emptied")
 for l=lim("brotli_lgwin_min")-1,lim("brotli_lgwin_max")+1,"x","16.5" set z="junk",r=$$brotliCompress^STDCOMPRESS("hello",.z,5,l) do raised(r,"BAD-ARGS","brotli window "_$$ascii(l)),eq(z,"","brotli window: .out emptied")
 set r=$$lz4BlockCompress^STDCOMPRESS("hello, hello, hello",.b) do called(r,"lz4BlockCompress")
 for l="","x","-1","1.5" set z="junk",r=$$lz4BlockDecompress^STDCOMPRESS(b,.z,l) do raised(r,"BAD-ARGS","lz4BlockDecompress size "_$$ascii(l)),eq(z,"","lz4BlockDecompress: .out emptied")
 set r=$$lz4BlockDecompress^STDCOMPRESS(b,.z) do raised(r,"BAD-ARGS","lz4BlockDecompress without a size")
 for l=lim("max_string")+1,4294967296,"999999999999999999" set r=$$lz4BlockDecompress^STDCOMPRESS(b,.z,l) do raised(r,"OUTPUT-TOO-LARGE","lz4BlockDecompress size "_l)
 for l=18,20,0 set r=$$lz4BlockDecompress^STDCOMPRESS(b,.z,l) do raised(r,"LIBLZ4-FAIL","lz4BlockDecompress of the wrong size "_l)
 set r=$$lz4BlockDecompress^STDCOMPRESS(b,.z,19) do called(r,"lz4BlockDecompress of the right size"),eq(z,"hello, hello, hello","raw block")
 quit
 ;
tLzCorrupt ;@test corrupt, truncated, trailing and hostile input raise LIBLZ4-FAIL / LIBBROTLI-FAIL
 new c,d,z,y,r,code,n,bad,i,$etrap
 set $etrap=$$catcher()
 set d=$$text(5000)
 for c="lz4","lz4frame","brotli" do
 . set code=$select(c="brotli":"LIBBROTLI-FAIL",1:"LIBLZ4-FAIL")
 . set r=$$comp(c,d,.z) do called(r,c_" compress")
 . set n=$zlength(z)
 . ; a flipped byte: LZ4 blocks have no checksum, so a flip may decode, but never to d
 . set i=n\2,bad=$zextract(z,1,i-1)_$zchar($zascii(z,i)+85#256)_$zextract(z,i+1,n)
 . set y="junk",r=$$decomp(c,bad,.y)
 . if c="lz4" do ok(y'=d,c_" corrupt: not the plaintext") set caught=""
 . else  do raised(r,code,c_" corrupt"),eq(y,"",c_" corrupt: .out emptied")
 . for i=n\2,n-1,1 set r=$$decomp(c,$zextract(z,1,i),.y) do raised(r,code,c_" truncated to "_i_" bytes")
 . set r=$$decomp(c,z_"garbage",.y) do raised(r,code,c_" trailing garbage")
 . ; not compressed (for lz4, behind a small size prefix, or the prefix alone says too large)
 . set r=$$decomp(c,$select(c="lz4":$zchar(20,0,0,0),1:$zchar(4,34,77,24))_"garbage, not a frame",.y) do raised(r,code,c_" garbage")
 ; empty input: zero LZ4 frames; a block or a brotli stream has at least one byte
 set r=$$lz4FrameDecompress^STDCOMPRESS("",.y) do called(r,"lz4 frames: none"),eq(y,"","no frames")
 set r=$$lz4Decompress^STDCOMPRESS("",.y) do raised(r,"LIBLZ4-FAIL","lz4Decompress of empty input")
 set r=$$brotliDecompress^STDCOMPRESS("",.y) do raised(r,"LIBBROTLI-FAIL","brotliDecompress of empty input")
 ; a size prefix claiming 4 GiB fails before anything is decoded or allocated
 set r=$$lz4BlockCompress^STDCOMPRESS("x",.z)
 set r=$$lz4Decompress^STDCOMPRESS($zchar(255,255,255,255)_z,.y) do raised(r,"OUTPUT-TOO-LARGE","size prefix of 4 GiB")
 do ok($$lastError^STDCOMPRESS()["4294967295","lastError names the declared size")
 quit
 ;
tLzTooLarge ;@test results over the 1 MiB string limit raise OUTPUT-TOO-LARGE; exactly 1 MiB fits
 new c,d,z,y,r,a,$etrap
 set $etrap=$$catcher()
 set d=$$random(1048576)
 for c="lz4","lz4frame","brotli" set z="junk",r=$$comp(c,d,.z,1) do raised(r,"OUTPUT-TOO-LARGE",c_" of 1 MiB random bytes"),eq(z,"",c_": .out emptied")
 set r=$$lz4BlockCompress^STDCOMPRESS(d,.z) do raised(r,"OUTPUT-TOO-LARGE","lz4BlockCompress of 1 MiB random bytes")
 set d=$$text(1048576)
 set r=$$lz4FrameCompress^STDCOMPRESS(d,.a) do called(r,"lz4 frame of 1 MiB text")
 set r=$$lz4FrameDecompress^STDCOMPRESS(a_a,.y) do raised(r,"OUTPUT-TOO-LARGE","two 1 MiB frames")
 set r=$$lz4FrameDecompress^STDCOMPRESS(a,.y) do called(r,"lz4 frame to exactly 1 MiB"),eq(y,d,"1 MiB frame round trip")
 ; brotli -c of 1 MiB + 1 zero bytes: 14 bytes that expand past the limit
 set r=$$brotliDecompress^STDCOMPRESS($zchar(159,0,0,16,248,39,0,226,177,64,64,247,254,1),.y) do raised(r,"OUTPUT-TOO-LARGE","brotli bomb")
 set r=$$brotliCompress^STDCOMPRESS(d,.a,5) do called(r,"brotli of 1 MiB text")
 set r=$$brotliDecompress^STDCOMPRESS(a,.y) do called(r,"brotli to exactly 1 MiB"),eq(y,d,"1 MiB brotli round trip")
 quit
 ;
tLzTiers ;@test LZ4 and brotli results larger than the tier guessed are collected (held, take)
 new c,d,z,y,r,n,$etrap
 set $etrap=$$catcher()
 for n=40000,500000,1048576 do
 . set d=$$repeat("a",n)
 . for c="lz4","lz4frame","brotli" do
 . . set r=$$comp(c,d,.z,$select(c="brotli":5,1:1)) do called(r,c_" compress "_n)
 . . set r=$$decomp(c,z,.y) do called(r,c_" decompress "_$zlength(z)_" bytes to "_n),eq(y,d,c_" round trip "_n)
 ; compression near the tier boundaries
 for n=850,860,1023,1024,1025,58190,58200,65536,65537 do
 . set d=$$random(n,n)
 . for c="lz4","lz4frame","brotli" set r=$$comp(c,d,.z,1) do called(r,c_" "_n_" random bytes") set r=$$decomp(c,z,.y) do eq(y,d,c_" "_n_" random round trip")
 quit
 ;
tLzConcatenated ;@test lz4FrameDecompress reads several frames and skippable frames
 new a,b,y,r,skip,$etrap
 set $etrap=$$catcher()
 set skip=$zchar(90,42,77,24,3,0,0,0)_"abc"
 set r=$$lz4FrameCompress^STDCOMPRESS("hello, ",.a)_$$lz4FrameCompress^STDCOMPRESS("world",.b)
 set r=$$lz4FrameDecompress^STDCOMPRESS(skip_a_skip_b_skip,.y) do called(r,"frames and skippable frames"),eq(y,"hello, world","frames and skippable frames")
 set r=$$lz4FrameDecompress^STDCOMPRESS(skip,.y) do called(r,"a skippable frame alone"),eq(y,"","a skippable frame alone")
 quit
 ;
tLzArgc ;@test bare LZ4 and brotli call-outs with too few arguments return BAD-ARGS (-1)
 new r,t,o
 for t="lz4Compress1k","lz4Decompress","lz4BlockCompress","lz4BlockDecompress64k","lz4FrameCompress","lz4FrameDecompress1k","brotliCompress","brotliDecompress" do
 . set r=$select(t="lz4Compress1k":$&stdcompress.lz4Compress1k(),t="lz4Decompress":$&stdcompress.lz4Decompress(),t="lz4BlockCompress":$&stdcompress.lz4BlockCompress(),t="lz4BlockDecompress64k":$&stdcompress.lz4BlockDecompress64k(),t="lz4FrameCompress":$&stdcompress.lz4FrameCompress(),t="lz4FrameDecompress1k":$&stdcompress.lz4FrameDecompress1k(),t="brotliCompress":$&stdcompress.brotliCompress(),1:$&stdcompress.brotliDecompress())
 . do eq(r,-1,t_" with no arguments")
 set r=$&stdcompress.lz4BlockDecompress("abc",.o) do eq(r,-1,"lz4BlockDecompress without its size")
 set r=$&stdcompress.lastError(.o) do eq($piece(o," "),"BAD-ARGS","lastError names BAD-ARGS")
 set r=$&stdcompress.brotliCompress("abc") do eq(r,-1,"brotliCompress with input only")
 set r=$&stdcompress.lz4FrameCompress("abc",.o) do eq(r,0,"a full call still works afterwards")
 quit
 ;
 ; ---- end of LZ4 and brotli ----
 ;
 ; ---- xz (.xz streams through liblzma) ----
 ;
tXzRoundTrip ;@test xz round-trips the samples at the default level, 0, 9 and extreme 16; magic and CRC64 check
 new s,i,l,z,y,r,d,a,b,$etrap
 set $etrap=$$catcher()
 do samples(.s)
 for i=1:1:5 for l="",0,9,16 do
 . set z="junk",y="junk"
 . if l="" set r=$$xzCompress^STDCOMPRESS(s(i),.z)
 . else  set r=$$xzCompress^STDCOMPRESS(s(i),.z,l)
 . do called(r,"xz compress "_s(i,"name")_" level "_l)
 . set r=$$xzDecompress^STDCOMPRESS(z,.y) do called(r,"xz decompress "_s(i,"name")),eq(y,s(i),"xz round trip "_s(i,"name")_" level "_l)
 set r=$$xzCompress^STDCOMPRESS("hello",.z) do called(r,"xz hello")
 do eq($zextract(z,1,6),$zchar(253,55,122,88,90,0),"xz magic"),eq($zextract(z,7,8),$zchar(0,4),"stream flags: CRC64")
 set d=$$text(20000)
 set r=$$xzCompress^STDCOMPRESS(d,.a) do called(r,"xz default")
 set r=$$xzCompress^STDCOMPRESS(d,.b,lim("xz_level_default")) do called(r,"xz level 6"),eq(a,b,"omitted level = level 6")
 set r=$$xzCompress^STDCOMPRESS(d,.b,"") do called(r,"xz empty level"),eq(a,b,"empty level = level 6")
 for l=lim("xz_level_min"):1:lim("xz_level_max") set r=$$xzCompress^STDCOMPRESS(d,.z,l) do called(r,"xz level "_l) set r=$$xzDecompress^STDCOMPRESS(z,.y) do eq(y,d,"xz level "_l_" round trip")
 quit
 ;
tXzErrors ;@test xz: BAD-LEVEL outside 0..19; LIBLZMA-FAIL for corrupt, truncated, trailing and empty input; .out emptied
 new d,z,y,r,n,i,l,bad,$etrap
 set $etrap=$$catcher()
 for l=lim("xz_level_min")-1,lim("xz_level_max")+1,"x","6.5" do badLvl("xz",l)
 set d=$$text(5000)
 set r=$$xzCompress^STDCOMPRESS(d,.z) do called(r,"xz compress")
 set n=$zlength(z),i=n\2,bad=$zextract(z,1,i-1)_$zchar($zascii(z,i)+85#256)_$zextract(z,i+1,n)
 set y="junk",r=$$xzDecompress^STDCOMPRESS(bad,.y) do raised(r,"LIBLZMA-FAIL","xz corrupt"),eq(y,"","xz corrupt: .out emptied")
 for i=n\2,n-1,1 set r=$$xzDecompress^STDCOMPRESS($zextract(z,1,i),.y) do raised(r,"LIBLZMA-FAIL","xz truncated to "_i_" bytes")
 set r=$$xzDecompress^STDCOMPRESS(z_"garbage",.y) do raised(r,"LIBLZMA-FAIL","xz trailing garbage")
 set r=$$xzDecompress^STDCOMPRESS(z_$zchar(0,0,0),.y) do raised(r,"LIBLZMA-FAIL","xz padding not a multiple of four")
 set r=$$xzDecompress^STDCOMPRESS("",.y) do raised(r,"LIBLZMA-FAIL","xz of empty input")
 do ok($$lastError^STDCOMPRESS()["empty input","lastError says the input is empty")
 quit
 ;
tXzConcatenated ;@test xzDecompress reads several streams with stream padding between and after them, as xz -d
 new a,b,y,r,p,$etrap
 set $etrap=$$catcher()
 set p=$zchar(0,0,0,0)
 set r=$$xzCompress^STDCOMPRESS("hello, ",.a)_$$xzCompress^STDCOMPRESS("world",.b)
 set r=$$xzDecompress^STDCOMPRESS(a_p_p_b_p,.y) do called(r,"streams and padding"),eq(y,"hello, world","streams and padding")
 quit
 ;
tXzLimits ;@test xz results over 1 MiB raise OUTPUT-TOO-LARGE (a bomb of two streams); exactly 1 MiB fits; held results are taken
 new d,a,y,r,n,z,$etrap
 set $etrap=$$catcher()
 set d=$$text(1048576)
 set r=$$xzCompress^STDCOMPRESS(d,.a,1) do called(r,"xz of 1 MiB text")
 set r=$$xzDecompress^STDCOMPRESS(a_a,.y) do raised(r,"OUTPUT-TOO-LARGE","two 1 MiB streams"),eq(y,"","bomb: .out emptied")
 set r=$$xzDecompress^STDCOMPRESS(a,.y) do called(r,"xz to exactly 1 MiB"),eq(y,d,"1 MiB xz round trip")
 set r=$$xzCompress^STDCOMPRESS($$random(1048576),.z,0) do raised(r,"OUTPUT-TOO-LARGE","xz of 1 MiB random bytes")
 for n=40000,500000 do
 . set d=$$repeat("a",n)
 . set r=$$xzCompress^STDCOMPRESS(d,.z) do called(r,"xz compress "_n)
 . set r=$$xzDecompress^STDCOMPRESS(z,.y) do called(r,"xz decompress "_$zlength(z)_" bytes to "_n),eq(y,d,"xz round trip "_n)
 for n=1023,1024,1025,65536,65537 do
 . set d=$$random(n,n)
 . set r=$$xzCompress^STDCOMPRESS(d,.z,0) do called(r,"xz "_n_" random bytes") set r=$$xzDecompress^STDCOMPRESS(z,.y) do eq(y,d,"xz "_n_" random round trip")
 quit
 ;
tXzStream ;@test an xz stream (compressFile) of 900 KB is read by xz -dc through a file; xz(1)'s file back through decompressFile
 new dir,f,g,h,d,r,y,i,$etrap
 set $etrap=$$catcher()
 set dir=$ztrnlnm("STDCOMPRESS_TEST_TMP") set:dir="" dir="/tmp"
 set f=dir_"/stdcompress-xz-"_$job,g=f_".xz",h=f_".out"
 set d="" for i=1:1:9 set d=d_$$text(100000)_i
 do writeFile^STDCOMPRESSCONF(f,d)
 set r=$$compressFile^STDCOMPRESS("xz",f,g,1) do called(r,"xz compressFile")
 zsystem "xz -dc <"_g_" >"_h do eq($zsystem,0,"xz -dc reads our stream")
 set y=$$readFile^STDCOMPRESSCONF(h) do eq($zlength(y),$zlength(d),"xz -dc: length"),ok(y=d,"xz -dc: the bytes")
 set r=$$compressFile^STDCOMPRESS("xz",f,g,0) do called(r,"xz compressFile at level 0 (xz -0)")
 zsystem "xz -dc <"_g_" >"_h do eq($zsystem,0,"xz -dc reads our level 0 stream")
 set y=$$readFile^STDCOMPRESSCONF(h) do ok(y=d,"xz -dc: the level 0 bytes")
 zsystem "xz -c -1 <"_f_" >"_g do eq($zsystem,0,"xz -c")
 set r=$$decompressFile^STDCOMPRESS("xz",g,h) do called(r,"xz decompressFile")
 set y=$$readFile^STDCOMPRESSCONF(h) do ok(y=d,"decompressFile of xz(1)'s file")
 for y=f,g,h open y close y:(delete)
 quit
 ;
tXzBatch ;@test multiCompress / multiDecompress of xz: each item is xzCompress's stream (level 0 too); a corrupt item is LIBLZMA-FAIL
 new a,z,y,s,r,i,ok,one,$etrap
 set $etrap=$$catcher()
 do bItems(.a,50)
 for i=1:1:50 set s(i)=$zlength(a(i))
 set r=$$multiCompress^STDCOMPRESS("xz",.a,.z) do called(r,"xz multiCompress")
 set ok=1 for i=1:1:50 set r=$$xzDecompress^STDCOMPRESS(z(i),.one) set:'r!(one'=a(i)) ok=0
 do ok(ok,"every item decodes with xzDecompress")
 set r=$$multiDecompress^STDCOMPRESS("xz",.z,.y,.s,2) do called(r,"xz multiDecompress")
 set ok=1 for i=1:1:50 set:$get(y(i))'=a(i) ok=0
 do ok(ok,"xz round trip of 50 nodes")
 set z(7)=$zextract(z(7),1,20)_$zchar($zascii(z(7),21)+1#256)_$zextract(z(7),22,$zlength(z(7)))
 set r=$$multiDecompress^STDCOMPRESS("xz",.z,.y,.s) do raised(r,"LIBLZMA-FAIL","a corrupt item")
 ; level 0 is xz -0 (xzCompress's 0), an omitted level the default 6
 set r=$$multiCompress^STDCOMPRESS("xz",.a,.z,0) do called(r,"xz multiCompress at level 0")
 set ok=1 for i=1:1:50 set r=$$xzCompress^STDCOMPRESS(a(i),.one,0) set:'r!(one'=z(i)) ok=0
 do ok(ok,"level 0 items are xzCompress's at level 0")
 set r=$$multiCompress^STDCOMPRESS("xz",.a,.z) do called(r,"xz multiCompress at the default")
 set ok=1 for i=1:1:50 set r=$$xzCompress^STDCOMPRESS(a(i),.one) set:'r!(one'=z(i)) ok=0
 do ok(ok,"omitted level: xzCompress's default")
 quit
 ;
tXzArgc ;@test bare xz call-outs with too few arguments return BAD-ARGS (-1)
 new r,o
 set r=$&stdcompress.xzCompress1k() do eq(r,-1,"xzCompress1k with no arguments")
 set r=$&stdcompress.xzDecompress() do eq(r,-1,"xzDecompress with no arguments")
 set r=$&stdcompress.xzCompress64k("abc") do eq(r,-1,"xzCompress64k with input only")
 set r=$&stdcompress.xzCompress("abc",.o) do eq(r,0,"a full call still works afterwards")
 quit
 ;
 ; ---- end of xz ----
 ;
 ; ---- LZ4 block streams (handles) ----
 ;
tLz4Stream ;@test LZ4 streams of several chunks round-trip: every width, mode, strategy, dictionary
 new st,w,m,d,$etrap
 set $etrap=$$catcher()
 for st="double_buffer","ring_buffer" for w=0,1,2,4 for m="default","fast","high_compression" for d=0,1 do lz4sTrip(st,w,m,d)
 quit
lz4sTrip(st,w,m,d) ; one stream: compress six chunks, walk it with getBlock, decompress each
 new c,x,bs,dict,ch,i,z,s,len,off,blk,y,r,nm,k
 set nm=st_" width "_w_" "_m_$select(d:" dict",1:"")
 set bs=$select(w=1:239,1:8192),dict=$select(d:$$text(3000),1:"")
 set ch(1)=$zextract($$text(3*bs),1,bs),ch(2)=$$random(bs\2,w+7),ch(3)="",ch(4)="x"
 set ch(5)=$zextract($$text(3*bs),bs+1,2*bs),ch(6)=$$repeat("ab",bs)
 set c=$$lz4StreamCompressOpen^STDCOMPRESS(bs,w,m,$select(m="fast":3,m="high_compression":9,1:""),dict,st)
 set x=$$lz4StreamDecompressOpen^STDCOMPRESS(bs,w,dict,st)
 do ok(c>0&(x>0),nm_": opened ("_$$lastError^STDCOMPRESS()_")")
 set s=""
 for i=1:1:6 set z="",r=$$lz4StreamCompress^STDCOMPRESS(c,ch(i),.z) do called(r,nm_" compress "_i) set s=s_z,len(i)=$zlength(z)-w do:w
 . set k=$zascii(z,1)+$select(w>1:$zascii(z,2)*256,1:0)+$select(w>2:$zascii(z,3)*65536+($zascii(z,4)*16777216),1:0)
 . do eq(k,len(i),nm_" prefix "_i)
 if w=4 do eq($zextract(s,len(1)+len(2)+9,len(1)+len(2)+13),$zchar(1,0,0,0,0),nm_": an empty chunk is 01 00 00 00 00")
 set off=0
 for i=1:1:6 do
 . if w set r=$$lz4StreamGetBlock^STDCOMPRESS(x,s,.off,.blk) do called(r,nm_" getBlock "_i)
 . if 'w set blk=$zextract(s,off+1,off+len(i)),off=off+len(i)
 . set y="junk",r=$$lz4StreamDecompress^STDCOMPRESS(x,blk,.y) do called(r,nm_" decompress "_i)
 . do eq(y,ch(i),nm_" chunk "_i)
 do eq(off,$zlength(s),nm_": the walk ends at the end of the stream")
 set r=$$lz4StreamFree^STDCOMPRESS(c) do called(r,nm_" free compressor")
 set r=$$lz4StreamFree^STDCOMPRESS(x) do called(r,nm_" free decompressor")
 quit
 ;
tLz4StreamLarge ;@test LZ4 streams of large chunks (up to ~1 MiB), in every output tier
 new c,x,i,z,y,r,d,bs,st,$etrap
 set $etrap=$$catcher()
 set bs=1044461 ; the largest whose worst-case block and 4-byte prefix fit 1 MiB
 for st="double_buffer","ring_buffer" do
 . set c=$$lz4StreamCompressOpen^STDCOMPRESS(bs,,,,,st),x=$$lz4StreamDecompressOpen^STDCOMPRESS(bs,,,st)
 . do ok(c>0&(x>0),st_" opened")
 . for i=1:1:6 do
 . . set d=$select(i=1:$$random(bs,3),i=2:$$text(bs),i=3:$$random(500,4),i=4:$$text(50000),i=5:"",1:$$random(70000,5))
 . . set r=$$lz4StreamCompress^STDCOMPRESS(c,d,.z) do called(r,st_" compress "_$zlength(d))
 . . set r=$$lz4StreamDecompress^STDCOMPRESS(x,$zextract(z,5,$zlength(z)),.y) do called(r,st_" decompress "_$zlength(d))
 . . do eq(y,d,st_" round trip "_$zlength(d))
 . set r=$$lz4StreamFree^STDCOMPRESS(c)+$$lz4StreamFree^STDCOMPRESS(x) do eq(r,2,st_" freed")
 set r=$$lz4StreamCompressOpen^STDCOMPRESS(bs+1) do raised(r,"BAD-ARGS","a bufsize whose blocks could pass 1 MiB")
 quit
 ;
tLz4StreamMisuse ;@test LZ4 stream handles: misuse and bad arguments raise clear codes, a full table HANDLE-LIMIT; the process goes on
 new c,x,r,z,y,h,n,i,hs,off,$etrap
 set $etrap=$$catcher()
 set c=$$lz4StreamCompressOpen^STDCOMPRESS(1000),x=$$lz4StreamDecompressOpen^STDCOMPRESS(1000)
 do ok(c>0&(x>0)&(c'=x),"two handles")
 set r=$$lz4StreamCompress^STDCOMPRESS(x,"abc",.z) do raised(r,"INVALID-HANDLE","compress with a decompressor's handle")
 do ok($$lastError^STDCOMPRESS()["not an lz4 stream compressor","lastError names the kinds")
 set r=$$lz4StreamDecompress^STDCOMPRESS(c,"abc",.y) do raised(r,"INVALID-HANDLE","decompress with a compressor's handle")
 set r=$$lz4StreamGetBlock^STDCOMPRESS(c,$zchar(1,0,0,0,0),0,.y) do raised(r,"INVALID-HANDLE","getBlock with a compressor's handle")
 set r=$$lz4StreamCompress^STDCOMPRESS(12345,"abc",.z) do raised(r,"INVALID-HANDLE","a handle never opened")
 do ok($$lastError^STDCOMPRESS()["never opened","lastError: never opened")
 set r=$$lz4StreamCompress^STDCOMPRESS("x1","abc",.z) do raised(r,"INVALID-HANDLE","a handle that is not a number")
 set r=$$lz4StreamFree^STDCOMPRESS(c) do called(r,"free")
 set r=$$lz4StreamFree^STDCOMPRESS(c) do raised(r,"INVALID-HANDLE","double free")
 set r=$$lz4StreamCompress^STDCOMPRESS(c,"abc",.z) do raised(r,"INVALID-HANDLE","use after free")
 do ok($$lastError^STDCOMPRESS()["already freed","lastError: already freed")
 set r=$$lz4StreamCompressOpen^STDCOMPRESS(1000,3) do raised(r,"BAD-ARGS","prefix width 3")
 set r=$$lz4StreamCompressOpen^STDCOMPRESS(1000,4,"slow") do raised(r,"BAD-ARGS","mode slow")
 set r=$$lz4StreamDecompressOpen^STDCOMPRESS(1000,4,"","circle") do raised(r,"BAD-ARGS","strategy circle")
 set r=$$lz4StreamCompressOpen^STDCOMPRESS(240,1) do raised(r,"LIBLZ4-FAIL","a 1-byte prefix with bufsize 240")
 set r=$$lz4StreamCompressOpen^STDCOMPRESS("abc") do raised(r,"BAD-ARGS","bufsize abc")
 set r=$$lz4StreamCompressOpen^STDCOMPRESS(1000,4,"fast","x") do raised(r,"BAD-LEVEL","level x")
 set c=$$lz4StreamCompressOpen^STDCOMPRESS(10) do ok(c>0,"bufsize 10")
 set r=$$lz4StreamCompress^STDCOMPRESS(c,"0123456789A",.z) do raised(r,"BAD-ARGS","a chunk longer than bufsize")
 set r=$$lz4StreamCompress^STDCOMPRESS(c,"0123456789",.z) do called(r,"the stream goes on after a refused chunk")
 set r=$$lz4StreamDecompress^STDCOMPRESS(x,$zchar(255,255,255),.y) do raised(r,"LIBLZ4-FAIL","a corrupt block")
 set r=$$lz4StreamDecompress^STDCOMPRESS(x,$zextract(z,5,99),.y) do called(r,"the stream goes on after a corrupt block"),eq(y,"0123456789","after a corrupt block")
 set off=0,r=$$lz4StreamGetBlock^STDCOMPRESS(x,$zchar(5,0,0,0)_"ab",.off,.y) do raised(r,"LIBLZ4-FAIL","a block past the end of the stream"),eq(off,0,"offset unmoved")
 set off=2,r=$$lz4StreamGetBlock^STDCOMPRESS(x,$zchar(1,0,0,0,0),.off,.y) do raised(r,"LIBLZ4-FAIL","too few bytes for a prefix")
 set off=9,r=$$lz4StreamGetBlock^STDCOMPRESS(x,$zchar(1,0,0,0,0),.off,.y) do raised(r,"BAD-ARGS","an offset past the stream")
 set r=$$lz4StreamFree^STDCOMPRESS(c)+$$lz4StreamFree^STDCOMPRESS(x) do eq(r,2,"both freed")
 ; the table: open until HANDLE-LIMIT, free them all, open again
 set n=0 for  set h=$$lz4StreamDecompressOpen^STDCOMPRESS(16) quit:'h  set n=n+1,hs(n)=h
 do eq(caught,",U-STDCOMPRESS-HANDLE-LIMIT,","a full table raises HANDLE-LIMIT") set caught=""
 do ok($$lastError^STDCOMPRESS()["handles are open","lastError: the limit"),ok(n>0&(n'>1024),n_" opened before the limit")
 set r=0 for i=1:1:n set r=r+$$lz4StreamFree^STDCOMPRESS(hs(i))
 do eq(r,n,"all freed")
 set h=$$lz4StreamDecompressOpen^STDCOMPRESS(16) do ok(h>0,"a handle opens again after freeing")
 set r=$$lz4StreamFree^STDCOMPRESS(h) do called(r,"and frees")
 set r=$$gzip^STDCOMPRESS("the process goes on",.z) do called(r,"another codec afterwards")
 quit
 ;
tLz4StreamArgc ;@test bare LZ4 stream call-outs with too few arguments return BAD-ARGS (-1)
 new r,o,h
 set r=$&stdcompress.lz4StreamCompressOpen() do eq(r,-1,"lz4StreamCompressOpen()")
 set r=$&stdcompress.lz4StreamDecompressOpen() do eq(r,-1,"lz4StreamDecompressOpen()")
 set r=$&stdcompress.lz4StreamCompress("abc",.o) do eq(r,-1,"lz4StreamCompress without a handle")
 set r=$&stdcompress.lz4StreamGetBlock1k("abc",.o) do eq(r,-1,"lz4StreamGetBlock1k without a handle")
 set r=$&stdcompress.lz4StreamDecompress64k() do eq(r,-1,"lz4StreamDecompress64k()")
 set r=$&stdcompress.handleFree() do eq(r,-1,"handleFree()")
 set r=$&stdcompress.handleInfo(.o) do eq(r,-1,"handleInfo without a handle")
 set r=$&stdcompress.lastError(.o) do eq($piece(o," "),"BAD-ARGS","lastError names BAD-ARGS")
 set h=$&stdcompress.lz4StreamCompressOpen(100) do ok(h>0,"defaults for everything but bufsize")
 set o="",r=$&stdcompress.handleInfo(.o,h) do eq(o,"kind=lz4 stream compressor;strategy=double_buffer;buffer_size=100;width=4;mode=default;level=1","handleInfo")
 set r=$&stdcompress.handleFree(h) do eq(r,0,"handleFree")
 quit
 ;
 ; ---- end of LZ4 block streams ----
 ;
 ; ---- streams of any length ----
 ;
tStream ;@test streams of every codec round-trip 3 MiB (beyond one M string) in chunks of several sizes
 new codec,i,all,$etrap
 set $etrap=$$catcher(),all=$$streamCodecs()
 for i=1:1:$zlength(all,",") set codec=$zpiece(all,",",i) do sTrip(codec)
 quit
streamCodecs() ; the codecs with streams, in the registry's order (tests/test_registry.py checks)
 quit "gzip,deflate,zlib,zstd,lz4,brotli,xz"
sTrip(codec) ; 30 chunks of 100 KB (rotations of one text) through a compressor, the compressed pieces through a decompressor
 new base,c,x,i,z,r,n,k,buf,ok,piece,np,y,lvl
 set base=$$text(100000),lvl=$select(codec="brotli":5,1:"")
 set c=$$streamOpen^STDCOMPRESS(codec,"c",lvl) do ok(c>0,codec_" compressor opened")
 set np=0
 for i=1:1:30 do
 . set r=$$streamWrite^STDCOMPRESS(c,$$sRot(base,i),.z) do ok(r=1!(r=2),codec_" write "_i) set np=np+1,piece(np)=z
 . for  quit:r'=2  set r=$$streamRead^STDCOMPRESS(c,.z),np=np+1,piece(np)=z
 set r=$$streamClose^STDCOMPRESS(c,.z),np=np+1,piece(np)=z
 for  quit:r'=2  set r=$$streamRead^STDCOMPRESS(c,.z),np=np+1,piece(np)=z
 do eq(r,1,codec_" compressor closed")
 set x=$$streamOpen^STDCOMPRESS(codec,"d") do ok(x>0,codec_" decompressor opened")
 set buf="",k=1,ok=1
 for i=1:1:np do
 . set r=$$streamWrite^STDCOMPRESS(x,piece(i),.y) do sTake(y)
 . for  quit:r'=2  set r=$$streamRead^STDCOMPRESS(x,.y) do sTake(y)
 do eq(r,3,codec_" the end of the stream")
 do eq(k-1,30,codec_" every chunk came back"),ok(ok,codec_" each chunk as written"),eq(buf,"",codec_" nothing more")
 set r=$$streamClose^STDCOMPRESS(x,.y) do eq(r,1,codec_" decompressor closed")
 quit
sTake(y) ; compare what came out with the chunks, 100 KB at a time (buf, k, ok, base are sTrip's)
 new p,m set p=1
 for  quit:p>$zlength(y)  set m=100000-$zlength(buf),buf=buf_$zextract(y,p,p+m-1),p=p+m do:$zlength(buf)=100000
 . set:buf'=$$sRot(base,k) ok=0 set buf="",k=k+1
 quit
sRot(s,i) ; s rotated left by i*37 bytes
 new j set j=i*37#$zlength(s)
 quit $zextract(s,j+1,$zlength(s))_$zextract(s,1,j)
 ;
tStreamEnd ;@test the end of a stream is reported (3), bytes after it are kept (streamUnused), gzip members follow one another
 new c,z,z2,x,y,r,u,$etrap
 set $etrap=$$catcher()
 set c=$$streamOpen^STDCOMPRESS("gzip","c"),r=$$streamWrite^STDCOMPRESS(c,"hello ",.z)
 set r=$$streamClose^STDCOMPRESS(c,.z2) do eq(r,1,"closed") set z=z_z2
 set x=$$streamOpen^STDCOMPRESS("gzip","d")
 set r=$$streamWrite^STDCOMPRESS(x,z_z,.y) do eq(r,3,"two members: end"),eq(y,"hello hello ","two members")
 set r=$$streamWrite^STDCOMPRESS(x,"TRAIL",.y) do eq(r,3,"still the end"),eq(y,"","nothing decoded")
 set r=$$streamUnused^STDCOMPRESS(x,.u) do called(r,"unused"),eq(u,"TRAIL","the trailing bytes")
 set r=$$streamClose^STDCOMPRESS(x,.y) do called(r,"close")
 set x=$$streamOpen^STDCOMPRESS("gzip","d"),r=$$streamWrite^STDCOMPRESS(x,$zextract(z,1,10),.y)
 set r=$$streamClose^STDCOMPRESS(x,.y) do raised(r,"LIBZ-FAIL","a truncated stream at close")
 set r=$$streamClose^STDCOMPRESS(x,.y) do raised(r,"INVALID-HANDLE","the truncated stream was freed")
 quit
 ;
tStreamCap ;@test a decompressor's maxOutput stops a bomb (64 MiB of zeros in a few KiB) with OUTPUT-TOO-LARGE
 new c,z,s,x,y,r,i,zeros,got,$etrap
 set $etrap=$$catcher()
 set zeros=$$repeat($zchar(0),1048576),s=""
 set c=$$streamOpen^STDCOMPRESS("zstd","c",19)
 for i=1:1:64 set r=$$streamWrite^STDCOMPRESS(c,zeros,.z),s=s_z
 set r=$$streamClose^STDCOMPRESS(c,.z),s=s_z do eq(r,1,"bomb made")
 do ok($zlength(s)<20000,"64 MiB in "_$zlength(s)_" bytes")
 set x=$$streamOpen^STDCOMPRESS("zstd","d",,2000000),got=0
 set r=$$streamWrite^STDCOMPRESS(x,s,.y),got=got+$zlength(y)
 for  quit:r'=2  set r=$$streamRead^STDCOMPRESS(x,.y),got=got+$zlength(y)
 do raised(r,"OUTPUT-TOO-LARGE","past the cap")
 do ok($$lastError^STDCOMPRESS()["cap of 2000000","lastError names the cap"),ok(got'>2000000,got_" bytes delivered")
 set r=$$streamRead^STDCOMPRESS(x,.y) do raised(r,"OUTPUT-TOO-LARGE","the failure repeats")
 set r=$$streamClose^STDCOMPRESS(x,.y) do called(r,"close after a failure frees")
 quit
 ;
tStreamMisuse ;@test stream handles: never opened, closed, wrong direction, write while pending, bad arguments; the process goes on
 new c,x,z,y,r,s,$etrap
 set $etrap=$$catcher()
 set r=$$streamWrite^STDCOMPRESS(12345,"abc",.z) do raised(r,"INVALID-HANDLE","never opened")
 set r=$$streamWrite^STDCOMPRESS("x1","abc",.z) do raised(r,"INVALID-HANDLE","not a number")
 set c=$$streamOpen^STDCOMPRESS("zlib","c"),r=$$streamClose^STDCOMPRESS(c,.z) do called(r,"closed")
 set r=$$streamClose^STDCOMPRESS(c,.z) do raised(r,"INVALID-HANDLE","double close")
 set r=$$streamWrite^STDCOMPRESS(c,"abc",.z) do raised(r,"INVALID-HANDLE","use after close")
 do ok($$lastError^STDCOMPRESS()["already freed","lastError: already freed")
 set x=$$streamOpen^STDCOMPRESS("zstd","d")
 set r=$$streamFlush^STDCOMPRESS(x,.z) do raised(r,"INVALID-HANDLE","flush a decompressor")
 set c=$$streamOpen^STDCOMPRESS("zstd","c")
 set r=$$streamUnused^STDCOMPRESS(c,.z) do raised(r,"INVALID-HANDLE","unused of a compressor")
 set r=$$streamWrite^STDCOMPRESS(c,$$repeat("ab",500000),.z),r=$$streamClose^STDCOMPRESS(c,.s) do eq(r,1,"zstd made")
 set s=z_s,r=$$streamWrite^STDCOMPRESS(x,s,.y) do eq(r,2,"a 1k chunk decompresses to more: pending")
 set r=$$streamWrite^STDCOMPRESS(x,"more",.y) do raised(r,"BAD-ARGS","write while output is pending")
 for  set r=$$streamRead^STDCOMPRESS(x,.y) quit:r'=2
 do eq(r,3,"drained to the end")
 set r=$$streamClose^STDCOMPRESS(x,.y) do called(r,"closed")
 set r=$$streamOpen^STDCOMPRESS("lzma","c") do raised(r,"BAD-ARGS","codec lzma")
 set r=$$streamOpen^STDCOMPRESS("gzip","up") do raised(r,"BAD-ARGS","direction up")
 set r=$$streamOpen^STDCOMPRESS("gzip","c",12) do raised(r,"BAD-LEVEL","gzip level 12")
 set r=$$streamOpen^STDCOMPRESS("gzip","c","x") do raised(r,"BAD-LEVEL","level x")
 set r=$$streamOpen^STDCOMPRESS("gzip","d",,-1) do raised(r,"BAD-ARGS","maxOutput -1")
 set r=$$gzip^STDCOMPRESS("the process goes on",.z) do called(r,"another codec afterwards")
 quit
 ;
tStreamArgc ;@test bare stream call-outs with too few arguments return BAD-ARGS (-1)
 new r,o
 set r=$&stdcompress.streamOpen("gzip") do eq(r,-1,"streamOpen without a direction")
 set r=$&stdcompress.streamWrite("abc",.o) do eq(r,-1,"streamWrite without a handle")
 set r=$&stdcompress.streamRead(.o) do eq(r,-1,"streamRead without a handle")
 set r=$&stdcompress.streamFlush64k(.o) do eq(r,-1,"streamFlush64k without a handle")
 set r=$&stdcompress.streamClose1k(.o) do eq(r,-1,"streamClose1k without a handle")
 set r=$&stdcompress.streamUnused(.o) do eq(r,-1,"streamUnused without a handle")
 quit
 ;
 ; ---- end of streams of any length ----
 ;
 ; ---- run by pytest, not tests themselves ----
 ;
missing ; with the call-out unreachable: every label raises CALLOUT-MISSING, the process lives
 new c,r,o,caught,$etrap,t
 set $etrap=$$catcher(),t=$char(9)
 for c="gzip","deflate","zlib","zstd","lz4","lz4frame","brotli" do
 . set caught="",o="junk",r=$$comp(c,"hello",.o) write "CALL",t,c,t,r,t,caught,t,$zlength(o),!
 . set caught="",o="junk",r=$$decomp(c,"hello",.o) write "CALL",t,"un",c,t,r,t,caught,t,$zlength(o),!
 set caught="",o="junk",r=$$gzip^STDCOMPRESS("hello",.o,5) write "CALL",t,"gzip5",t,r,t,caught,t,$zlength(o),!
 write "LASTERROR",t,$$lastError^STDCOMPRESS(),!
 set caught="" write "AVAILABLE",t,$$available^STDCOMPRESS(),t,caught,t,$ecode,!
 set caught="" write "VERSIONS",t,$$versions^STDCOMPRESS(),t,caught,!
 do missingH
 write "ALIVE",!
 quit
missingH ; available() inside an error handler: answers without a nested error
 new $etrap
 set $etrap="goto missingHH^STDCOMPRESSTST"
 set $ecode=",U-TEST,"
 quit
missingHH write "HANDLER",$char(9),$$available^STDCOMPRESS(),$char(9),$$available^STDCOMPRESS(),$char(9),$ecode,!
 set $ecode=""
 quit
 ;
bench ; per-call time on 100 bytes, wrapper and bare 1k-tier call-out: mumps -run bench^STDCOMPRESSTST [n]
 new d,z,i,n,t,r,c,g,tab
 set n=+$zcmdline set:n<1 n=100000
 set d=$zextract($$text(1000),1,100),tab=$char(9)
 set r=$$zstdCompress^STDCOMPRESS(d,.c),r=$$gzip^STDCOMPRESS(d,.g)
 write "op",tab,"wrapper_us",tab,"bare_1k_us",!
 set t=$zh for i=1:1:n set r=$$gzip^STDCOMPRESS(d,.z)
 write "gzip",tab,$$us(t,n)
 set t=$zh for i=1:1:n set r=$&stdcompress.gzip1k(d,.z)
 write tab,$$us(t,n),!
 set t=$zh for i=1:1:n set r=$$zstdCompress^STDCOMPRESS(d,.z)
 write "zstdCompress",tab,$$us(t,n)
 set t=$zh for i=1:1:n set r=$&stdcompress.zstdCompress1k(d,.z)
 write tab,$$us(t,n),!
 set t=$zh for i=1:1:n set r=$$gunzip^STDCOMPRESS(g,.z)
 write "gunzip",tab,$$us(t,n)
 set t=$zh for i=1:1:n set r=$&stdcompress.gunzip1k(g,.z)
 write tab,$$us(t,n),!
 set t=$zh for i=1:1:n set r=$$zstdDecompress^STDCOMPRESS(c,.z)
 write "zstdDecompress",tab,$$us(t,n)
 set t=$zh for i=1:1:n set r=$&stdcompress.zstdDecompress1k(c,.z)
 write tab,$$us(t,n),!
 quit
us(t,n) ; microseconds per call since $ZH value t
 new x
 set x=$zh
 quit $justify(($piece(x,",",2)-$piece(t,",",2)*1E6+$piece(x,",",3)-$piece(t,",",3))/n,0,3)
 ;
 ; ---- batches and zstd dictionaries ----
 ;
bItems(a,n) ; a(i), i=1..n: records of 0..1500 bytes of text, a few empty
 new i
 kill a
 for i=1:1:n set a(i)=$zextract($$text(20000),i*37#15000+1,i*37#15000+(i*53#1500))
 quit
 ;
tBatchRoundTrip ;@test multiCompress / multiDecompress round-trip 300 nodes for every codec; threads 1, 2 and 0 give the same bytes; each item decodes with the one-shot entry
 new a,c,z,z1,y,s,r,i,t,ok,one,$etrap
 set $etrap=$$catcher()
 do bItems(.a,300)
 for i=1:1:300 set s(i)=$zlength(a(i))
 for c="zstd","lz4","gzip","deflate","zlib" do
 . set r=$$multiCompress^STDCOMPRESS(c,.a,.z1,"",1) do called(r,c_" multiCompress threads 1")
 . for t=2,0 set r=$$multiCompress^STDCOMPRESS(c,.a,.z,"",t) do called(r,c_" multiCompress threads "_t) set ok=1 do  do ok(ok,c_" threads "_t_" gives the bytes of threads 1")
 . . for i=1:1:300 set:$get(z(i))'=$get(z1(i)) ok=0
 . set ok=1 for i=1:1:300 do  quit:'ok
 . . set r=$select(c="zstd":$$zstdDecompress^STDCOMPRESS(z(i),.one),c="lz4":$$lz4BlockDecompress^STDCOMPRESS(z(i),.one,s(i)),c="gzip":$$gunzip^STDCOMPRESS(z(i),.one),c="deflate":$$inflate^STDCOMPRESS(z(i),.one),1:$$unzlib^STDCOMPRESS(z(i),.one))
 . . set:'r!(one'=a(i)) ok=0
 . do ok(ok,c_": every item decodes with the one-shot entry")
 . set r=$$multiDecompress^STDCOMPRESS(c,.z,.y,.s,2) do called(r,c_" multiDecompress")
 . set ok=1 for i=1:1:300 set:$get(y(i))'=a(i) ok=0
 . do ok(ok,c_" round trip of 300 nodes")
 quit
 ;
tBatchSplit ;@test more than 1 MiB of nodes with string subscripts is cut into calls by the labels; zstd, lz4, unsized gzip, the 64k tier
 new a,z,y,s,r,i,k,ok,$etrap
 set $etrap=$$catcher()
 for i=1:1:1200 set a("rec"_$translate($justify(i,5)," ","0"))=$$text(1100)_i
 set r=$$zstdMultiCompress^STDCOMPRESS(.a,.z,1) do called(r,"zstdMultiCompress of 1.3 MB")
 set r=$$zstdMultiDecompress^STDCOMPRESS(.z,.y) do called(r,"zstdMultiDecompress")
 set ok=1,k="" for  set k=$order(a(k)) quit:k=""  set:$get(y(k))'=a(k) ok=0
 do ok(ok,"zstd: 1200 nodes round-trip"),eq($order(y(""),-1),"rec01200","the last subscript")
 kill z,y
 set k="" for  set k=$order(a(k)) quit:k=""  set s(k)=$zlength(a(k))
 set r=$$lz4MultiCompress^STDCOMPRESS(.a,.z) do called(r,"lz4MultiCompress")
 set r=$$lz4MultiDecompress^STDCOMPRESS(.z,.y,.s) do called(r,"lz4MultiDecompress")
 set ok=1,k="" for  set k=$order(a(k)) quit:k=""  set:$get(y(k))'=a(k) ok=0
 do ok(ok,"lz4: 1200 nodes round-trip")
 kill z,y,a
 for i=1:1:40 set a(i)=$$text(2000)
 set r=$$multiCompress^STDCOMPRESS("gzip",.a,.z) do called(r,"gzip multiCompress")
 set r=$$multiDecompress^STDCOMPRESS("gzip",.z,.y) do called(r,"gzip multiDecompress without sizes (one per call)")
 set ok=1 for i=1:1:40 set:$get(y(i))'=a(i) ok=0
 do ok(ok,"gzip without sizes round-trips")
 ; small compressed input, large output: the 64k tier, several calls for one chunk
 kill z,y,a
 for i=1:1:30 set a(i)=$$repeat("SET ^X("_i_")=1 ",4000)
 set r=$$zstdMultiCompress^STDCOMPRESS(.a,.z) do called(r,"zstd of 30 repetitive 4000-byte nodes")
 set k=0 for i=1:1:30 set k=k+$zlength(z(i))
 do ok(k<16385,"their frames total "_k_" bytes (the 64k tier)")
 set r=$$zstdMultiDecompress^STDCOMPRESS(.z,.y,"",2) do called(r,"zstdMultiDecompress in the 64k tier")
 set ok=1 for i=1:1:30 set:$get(y(i))'=a(i) ok=0
 do ok(ok,"120 KB back through 64 KiB outputs")
 quit
 ;
tBatchErrors ;@test a corrupt node raises the codec's code and names the node; bad codec, threads, level and missing sizes; .out emptied
 new a,z,y,s,r,i,$etrap
 set $etrap=$$catcher()
 do bItems(.a,50)
 set r=$$zstdMultiCompress^STDCOMPRESS(.a,.z) do called(r,"zstdMultiCompress")
 set z(17)=$zextract(z(17),1,$zlength(z(17))-2)
 set y="junk",r=$$zstdMultiDecompress^STDCOMPRESS(.z,.y,"",2) do raised(r,"LIBZSTD-FAIL","a truncated frame")
 do ok($$lastError^STDCOMPRESS()["item (17):","lastError names the node: "_$$ascii($$lastError^STDCOMPRESS()))
 do eq($data(y),0,".out killed")
 set r=$$multiCompress^STDCOMPRESS("brotli",.a,.z) do raised(r,"BAD-ARGS","codec brotli")
 set r=$$multiCompress^STDCOMPRESS("zstd",.a,.z,"",-1) do raised(r,"BAD-ARGS","threads -1")
 set r=$$multiCompress^STDCOMPRESS("zstd",.a,.z,"",1.5) do raised(r,"BAD-ARGS","threads 1.5")
 set r=$$multiCompress^STDCOMPRESS("zstd",.a,.z,99) do raised(r,"BAD-LEVEL","level 99")
 set r=$$multiCompress^STDCOMPRESS("gzip",.a,.z,"x") do raised(r,"BAD-LEVEL","level x")
 set r=$$lz4MultiCompress^STDCOMPRESS(.a,.z) do called(r,"lz4MultiCompress")
 set r=$$lz4MultiDecompress^STDCOMPRESS(.z,.y) do raised(r,"BAD-ARGS","lz4 without sizes")
 for i=1:1:50 set s(i)=$zlength(a(i))
 set s(9)=s(9)+1,r=$$lz4MultiDecompress^STDCOMPRESS(.z,.y,.s) do raised(r,"LIBLZ4-FAIL","lz4 of the wrong size")
 do ok($$lastError^STDCOMPRESS()["item (9):","lz4: lastError names the node: "_$$ascii($$lastError^STDCOMPRESS()))
 set r=$$zstdMultiCompress^STDCOMPRESS(.a,.z,"","no dictionary") do called(r,"raw content as a dictionary")
 set r=$$multiCompress^STDCOMPRESS("lz4",.a,.z,"","","dict") do raised(r,"BAD-ARGS","a dictionary for lz4")
 kill a set r=$$zstdMultiCompress^STDCOMPRESS(.a,.z) do called(r,"an empty array"),eq($data(z),0,"gives an empty array")
 quit
 ;
tBatchDict ;@test a trained dictionary: id, batches at least twice smaller, one-shot and stream calls with it, each way
 new a,d,d2,z,z0,y,r,i,t0,t1,ok,f,g,h,o,p,$etrap
 set $etrap=$$catcher()
 for i=1:1:2000 set a(i)="{""user"":""u"_i_""",""email"":""u"_i_"@example.org"",""plan"":"""_$piece("free pro team"," ",i#3+1)_""",""active"":"_$select(i#2:"true",1:"false")_"}"
 set r=$$zstdTrainDictionary^STDCOMPRESS(.a,4096,.d) do called(r,"zstdTrainDictionary")
 do ok($zlength(d)>256&($zlength(d)'>4096),"dictionary size "_$zlength(d))
 do ok($$zstdDictionaryId^STDCOMPRESS(d)>0,"a trained dictionary has an id")
 do eq($$zstdDictionaryId^STDCOMPRESS("raw"),0,"raw content has id 0")
 set r=$$zstdMultiCompress^STDCOMPRESS(.a,.z0) do called(r,"without dictionary")
 set r=$$zstdMultiCompress^STDCOMPRESS(.a,.z,"",d) do called(r,"with dictionary")
 set (t0,t1)=0 for i=1:1:2000 set t0=t0+$zlength(z0(i)),t1=t1+$zlength(z(i))
 do ok(t1*2<t0,"with the dictionary "_t1_" bytes, without "_t0)
 set r=$$zstdMultiDecompress^STDCOMPRESS(.z,.y,d,2) do called(r,"decompress with dictionary")
 set ok=1 for i=1:1:2000 set:$get(y(i))'=a(i) ok=0
 do ok(ok,"dictionary round trip")
 set r=$$zstdMultiDecompress^STDCOMPRESS(.z,.y) do raised(r,"LIBZSTD-FAIL","decompress without the dictionary")
 set r=$$zstdCompressDict^STDCOMPRESS(a(5),.f,d) do called(r,"zstdCompressDict")
 do eq(f,z(5),"one-shot frame = batch frame")
 set r=$$zstdDecompressDict^STDCOMPRESS(f,.g,d) do called(r,"zstdDecompressDict"),eq(g,a(5),"one-shot round trip")
 set r=$$zstdCompressDict^STDCOMPRESS($$text(200000),.f,d,19) do called(r,"zstdCompressDict 200 KB level 19")
 set r=$$zstdDecompressDict^STDCOMPRESS(f,.g,d) do called(r,"zstdDecompressDict 200 KB (held, taken)"),eq(g,$$text(200000),"200 KB round trip")
 set r=$$zstdDecompressDict^STDCOMPRESS(f,.g,"") do raised(r,"BAD-ARGS","an empty dictionary")
 set h=$$streamOpen^STDCOMPRESS("zstd","c","","",d) do ok(h>0,"a zstd stream with the dictionary")
 set r=$$streamWrite^STDCOMPRESS(h,a(1)_a(2),.o),p=o,r=$$streamClose^STDCOMPRESS(h,.o),p=p_o
 set h=$$streamOpen^STDCOMPRESS("zstd","d","","",d)
 set r=$$streamWrite^STDCOMPRESS(h,p,.o) do eq(r,3,"stream decompressed to its end"),eq(o,a(1)_a(2),"stream round trip")
 set r=$$streamClose^STDCOMPRESS(h,.o)
 set h=$$streamOpen^STDCOMPRESS("gzip","c","","",d) do raised(h,"BAD-ARGS","a dictionary for a gzip stream")
 quit
 ;
tBatchArgc ;@test bare batch and dictionary call-outs with too few arguments return BAD-ARGS (-1)
 new r,o,l
 set r=$&stdcompress.multiCompress("zstd","abc") do eq(r,-1,"multiCompress with 2 arguments")
 set r=$&stdcompress.multiDecompress("zstd","abc","","",.o) do eq(r,-1,"multiDecompress with 5 arguments")
 set r=$&stdcompress.zstdTrainDictionary("abc") do eq(r,-1,"zstdTrainDictionary with 1 argument")
 set r=$&stdcompress.zstdCompressDict("abc",.o) do eq(r,-1,"zstdCompressDict without a dictionary")
 set r=$&stdcompress.zstdDecompressDict("abc",.o) do eq(r,-1,"zstdDecompressDict without a dictionary")
 set r=$&stdcompress.multiCompress("zstd","abc",$$u64^STDCOMPRESS(0)_$$u64^STDCOMPRESS(3),.o,.l) do eq(r,0,"multiCompress with its 5 arguments")
 set r=$&stdcompress.multiCompress("zstd","abc",$$u64^STDCOMPRESS(1)_$$u64^STDCOMPRESS(3),.o,.l) do eq(r,-1,"a segment past the end")
 quit
 ;
missingBatch ; with the call-out unreachable: the batch and dictionary labels raise CALLOUT-MISSING
 new a,o,r,caught,$etrap,t,d
 set $etrap=$$catcher(),t=$char(9),a(1)="hello",a(2)="world"
 set caught="",r=$$zstdMultiCompress^STDCOMPRESS(.a,.o) write "BCALL",t,"zstdMultiCompress",t,r,t,caught,t,$data(o),!
 set caught="",r=$$multiDecompress^STDCOMPRESS("gzip",.a,.o) write "BCALL",t,"multiDecompress",t,r,t,caught,t,$data(o),!
 set caught="",d="junk",r=$$zstdTrainDictionary^STDCOMPRESS(.a,1024,.d) write "BCALL",t,"zstdTrainDictionary",t,r,t,caught,t,$zlength(d),!
 set caught="",r=$$zstdDictionaryId^STDCOMPRESS("x") write "BCALL",t,"zstdDictionaryId",t,r,t,caught,t,0,!
 set caught="",o="junk",r=$$zstdCompressDict^STDCOMPRESS("x",.o,"d") write "BCALL",t,"zstdCompressDict",t,r,t,caught,t,$zlength(o),!
 set caught="",o="junk",r=$$zstdDecompressDict^STDCOMPRESS("x",.o,"d") write "BCALL",t,"zstdDecompressDict",t,r,t,caught,t,$zlength(o),!
 write "ALIVE",!
 quit
 ;
 ; ---- end of batches and zstd dictionaries ----
