STDCGLOB ; compressed values of any size in globals (docs/globals.md); called from STDCOMPRESS
 ;
 ; Layout of a value stored at the name dst (a global or a local, as $NAME gives it):
 ;   @dst       "stdcompress-global;v=1;codec=C;size=N;chunks=K;crc32=X;gen=G"
 ;   @dst@(G,i) chunk i (1..K) of the codec's stream of the value, in order
 ; C: gzip, deflate, zlib, zstd, lz4 (frames), brotli, or raw (the chunks are the value: what
 ; decompressFromGlobal writes beyond one node); N: the value's bytes; X: its CRC-32 (zlib's).
 ; A new value goes to a new generation G, then one SET of the header switches to it, then
 ; every other first-level subtree of dst is killed: a call cut short leaves the old value
 ; and an orphan generation, which the next call on dst kills.
 ;
 ; Every work frame's variables start with %STDC, so that @src and @dst reach the caller's
 ; arrays, never one of these (local names starting with %STDC are refused).  Failures return
 ; 0 with %STDCOMPRESS("lastError") set; STDCOMPRESS's public labels then raise.
 ; Transactions: inside the caller's TSTART ($TLEVEL>0) a call is a nested transaction,
 ; rolled back to the caller's level on failure; outside one, chunks are plain SETs and a
 ; failure kills the generation it was writing.
 quit
 ;
 ; ---- work frames (one per public label) ----
 ;
compress(%STDCc,%STDCs,%STDCd,%STDCl) ; compressToGlobal: 1, or 0
 new $etrap,%STDCo,%STDCt,%STDCh,%STDCg,%STDCm,%STDCb,%STDCk,%STDCz,%STDCi,%STDCq,%STDCr,%STDCf,%STDCe,%STDCy
 set %STDCo="compressToGlobal",%STDCt=$tlevel,%STDCh=0,%STDCg="",%STDCe=0
 set $etrap="zgoto "_$zlevel_":fail^STDCGLOB"
 do sweep
 quit:'$$names() 0
 quit:'$data(@%STDCs) $$bad(%STDCs_" has no value")
 if %STDCt tstart ()
 if $$hdr(%STDCd,.%STDCf)="" do others(%STDCf("gen"))
 set %STDCm=$$nodeMax() quit:'%STDCm $$undone()
 set %STDCg=$$newGen(),%STDCb="",%STDCk=0,%STDCz=0,%STDCy=0,%STDCi=""
 if '$$sopen(%STDCc,"c",%STDCl,0,.%STDCh) set %STDCh=0 quit $$undone()
 set %STDCOMPRESS("globH",%STDCh)=""
 ; the value: the node itself, or the data nodes under it in $QUERY order
 if $data(@%STDCs)=1 quit:'$$feed(@%STDCs) $$undone()
 if $data(@%STDCs)>1 set %STDCq=%STDCs,%STDCr=1 for  set %STDCq=$query(@%STDCq) quit:%STDCq=""  quit:'$$within(%STDCs,%STDCq)  set %STDCr=$$feed(@%STDCq) quit:'%STDCr
 if $data(@%STDCs)>1 quit:'%STDCr $$undone()
 if %STDCi'="" quit:'$$write(%STDCi) $$undone()
 set %STDCr=$$scall(4,%STDCh,"",.%STDCq) quit:'%STDCr $$undone() do put(%STDCq)
 for  quit:%STDCr'=2  set %STDCr=$$scall(2,%STDCh,"",.%STDCq) quit:'%STDCr  do put(%STDCq)
 quit:'%STDCr $$undone()
 kill %STDCOMPRESS("globH",%STDCh) set %STDCh=0
 do switch(%STDCc)
 if %STDCt tcommit
 quit 1
 ;
decompress(%STDCs,%STDCd,%STDCx) ; decompressFromGlobal: 1, or 0
 new $etrap,%STDCo,%STDCt,%STDCh,%STDCg,%STDCm,%STDCb,%STDCk,%STDCz,%STDCp,%STDCr,%STDCv,%STDCe,%STDCf,%STDCy
 set %STDCo="decompressFromGlobal",%STDCt=$tlevel,%STDCh=0,%STDCg="",%STDCe=0
 set $etrap="zgoto "_$zlevel_":fail^STDCGLOB"
 do sweep
 quit:'$$names() 0
 if %STDCt tstart ()
 set %STDCe=$$rOpen(%STDCs,%STDCx) quit:'%STDCe $$undone()
 set %STDCz=%STDCOMPRESS("globR",%STDCe,"size"),%STDCy=%STDCOMPRESS("globR",%STDCe,"crc")
 set %STDCm=$$nodeMax() quit:'%STDCm $$undone()
 if $$hdr(%STDCd,.%STDCf)="" do others(%STDCf("gen"))
 if %STDCz'>%STDCm do  quit:'%STDCr $$undone() ; one node
 . set %STDCv="" for  set %STDCr=$$rNext(%STDCe,.%STDCp) quit:%STDCr'=1  set %STDCv=%STDCv_%STDCp
 . quit:'%STDCr
 . set @%STDCd=%STDCv do others("")
 if %STDCz>%STDCm do  quit:'%STDCr $$undone() ; raw chunks
 . set %STDCg=$$newGen(),%STDCb="",%STDCk=0
 . for  set %STDCr=$$rNext(%STDCe,.%STDCp) quit:%STDCr'=1  do put(%STDCp)
 . quit:'%STDCr
 . do switch("raw")
 do rClose(%STDCe) set %STDCe=0
 if %STDCt tcommit
 quit 1
 ;
info(%STDCs,%STDCx) ; globalInfo: .%STDCx "codec=..;size=..;chunks=..": 1, or 0
 new $etrap,%STDCo,%STDCf,%STDCm
 set %STDCo="globalInfo",$etrap="zgoto "_$zlevel_":fail^STDCGLOB"
 quit:'$$canon(%STDCs,.%STDCs,"src") 0
 set %STDCm=$$hdr(%STDCs,.%STDCf) quit:%STDCm'="" $$corrupt(%STDCm)
 set %STDCx="codec="_%STDCf("codec")_";size="_%STDCf("size")_";chunks="_%STDCf("chunks")
 quit 1
 ;
readerOpen(%STDCs,%STDCx,%STDCe) ; globalReaderOpen: .%STDCe a reader's handle: 1, or 0
 new $etrap,%STDCo
 set %STDCo="globalReaderOpen",%STDCe=0,$etrap="zgoto "_$zlevel_":fail^STDCGLOB"
 do sweep
 quit:'$$canon(%STDCs,.%STDCs,"src") 0
 set %STDCe=$$rOpen(%STDCs,%STDCx)
 quit %STDCe>0
 ;
readerNext(%STDCe,%STDCp) ; globalReaderNext: 1 a piece in .%STDCp, 3 the end (checked), or 0
 new $etrap,%STDCo,%STDCr
 set %STDCo="globalReaderNext",$etrap="zgoto "_$zlevel_":fail^STDCGLOB"
 do sweep
 quit $$rNext(%STDCe,.%STDCp)
 ;
readerClose(%STDCe) ; globalReaderClose: 1, or 0 (INVALID-HANDLE)
 new $etrap,%STDCo
 set %STDCo="globalReaderClose",$etrap="zgoto "_$zlevel_":fail^STDCGLOB"
 quit:'$$isReader(%STDCe) 0
 do rClose(%STDCe)
 quit 1
 ;
 ; ---- writing chunks (in the work frame's scope: %STDCd, %STDCg, %STDCm, %STDCb, %STDCk) ----
 ;
feed(%STDCx) ; the next bytes of the value into the compressor, gathered into writes of 64 KiB
 if $zlength(%STDCi)+$zlength(%STDCx)'>65536 set %STDCi=%STDCi_%STDCx quit 1
 if %STDCi'="" quit:'$$write(%STDCi) 0
 set %STDCi=""
 quit:$zlength(%STDCx)>65536 $$write(%STDCx)
 set %STDCi=%STDCx
 quit 1
 ;
write(%STDCx) ; bytes into the compressor (counted, checksummed), its output into chunks: 1, or 0
 new %STDCr,%STDCq
 set %STDCz=%STDCz+$zlength(%STDCx),%STDCy=$&stdcompress.crc32(%STDCx,%STDCy)
 set %STDCr=$$scall(1,%STDCh,%STDCx,.%STDCq) quit:'%STDCr 0
 do put(%STDCq)
 for  quit:%STDCr'=2  set %STDCr=$$scall(2,%STDCh,"",.%STDCq) quit:'%STDCr  do put(%STDCq)
 quit %STDCr>0
 ;
put(%STDCx) ; bytes onto the chunks of generation %STDCg: full chunks are set, the rest waits in %STDCb
 new %STDCn
 if $zlength(%STDCb)+$zlength(%STDCx)<%STDCm set %STDCb=%STDCb_%STDCx quit
 set %STDCn=%STDCm-$zlength(%STDCb)
 set %STDCk=%STDCk+1,@%STDCd@(%STDCg,%STDCk)=%STDCb_$zextract(%STDCx,1,%STDCn)
 for  quit:$zlength(%STDCx)-%STDCn<%STDCm  set %STDCk=%STDCk+1,@%STDCd@(%STDCg,%STDCk)=$zextract(%STDCx,%STDCn+1,%STDCn+%STDCm),%STDCn=%STDCn+%STDCm
 set %STDCb=$zextract(%STDCx,%STDCn+1,$zlength(%STDCx))
 quit
 ;
switch(%STDCc) ; the last chunk, then the header's one SET makes generation %STDCg the value
 if %STDCb'="" set %STDCk=%STDCk+1,@%STDCd@(%STDCg,%STDCk)=%STDCb,%STDCb=""
 set @%STDCd=$$header(%STDCc,%STDCz,%STDCk,%STDCy,%STDCg)
 set %STDCg="" ; from here on the old value is gone: nothing to take back
 do others($zpiece($zpiece(@%STDCd,";gen=",2),";"))
 quit
 ;
header(codec,size,chunks,crc,gen) ; the header node of a value
 quit "stdcompress-global;v=1;codec="_codec_";size="_size_";chunks="_chunks_";crc32="_crc_";gen="_gen
 ;
others(%STDCx) ; kill every first-level subtree of dst except generation %STDCx ("": all)
 new %STDCn
 set %STDCn="" for  set %STDCn=$order(@%STDCd@(%STDCn)) quit:%STDCn=""  kill:%STDCn'=%STDCx @%STDCd@(%STDCn)
 quit
 ;
newGen() ; above every numeric first-level subscript of dst: the new generation overwrites nothing
 new %STDCx
 set %STDCx=$order(@%STDCd@(""),-1)
 for  quit:%STDCx=""  quit:+%STDCx=%STDCx  set %STDCx=$order(@%STDCd@(%STDCx),-1)
 quit $select(%STDCx>0:%STDCx\1,1:0)+1
 ;
nodeMax() ; the most bytes one node at @dst@(G,i) takes: 1 MiB for a local; for a global, the
 ; smallest maximum record size of the regions dst and dst(G) map to, less the key's length
 ; (12-digit generation and chunk numbers) and 16 bytes, for runtimes that count the key
 new %STDCr,%STDCi,%STDCn,%STDCx
 quit:$extract(%STDCd)'="^" 1048576
 set %STDCx=$data(@%STDCd),%STDCx=$data(@%STDCd@(1)) ; opens the regions, as %PEEKBYNAME needs
 set %STDCr=$view("REGION",%STDCd)_","_$view("REGION",$name(@%STDCd@(1))),%STDCn=1048576
 for %STDCi=1:1:$length(%STDCr,",") set %STDCx=$piece(%STDCr,",",%STDCi) if %STDCx'="" set %STDCx=$$^%PEEKBYNAME("sgmnt_data.max_rec_size",%STDCx) set:%STDCx<%STDCn %STDCn=%STDCx
 set %STDCx=%STDCn,%STDCn=%STDCn-$zlength($name(@%STDCd@(999999999999,999999999999)))-16
 quit:%STDCn<16 $$fail0("GLOBAL-FAIL",%STDCd_": the record size "_%STDCx_" leaves no room for chunks")
 quit $select(%STDCn>1048576:1048576,1:%STDCn)
 ;
 ; ---- readers: state in %STDCOMPRESS("globR",id,...) ----
 ;
rOpen(%STDCs,%STDCx) ; a reader of the value at %STDCs, at most %STDCx ("" or 0: any) bytes: its id, or 0
 new %STDCf,%STDCm,%STDCh,%STDCe
 set %STDCm=$$hdr(%STDCs,.%STDCf) quit:%STDCm'="" $$corrupt(%STDCm)
 set %STDCx=$get(%STDCx) quit:%STDCx'?.18N $$bad("maxSize "_$$quote^STDCOMPRESS(%STDCx)_" is not an integer")
 if %STDCx,%STDCf("size")>%STDCx quit $$fail0("OUTPUT-TOO-LARGE",%STDCs_" holds "_%STDCf("size")_" bytes, over maxSize "_%STDCx)
 set %STDCh=0
 if %STDCf("codec")'="raw" quit:'$$sopen(%STDCf("codec"),"d","",%STDCf("size")+1,.%STDCh) 0
 set %STDCe=$increment(%STDCOMPRESS("globN"))
 set %STDCOMPRESS("globR",%STDCe)=$tlevel_","_$trestart,%STDCOMPRESS("globR",%STDCe,"h")=%STDCh
 set %STDCOMPRESS("globR",%STDCe,"base")=$name(@%STDCs@(%STDCf("gen")))
 for %STDCm="codec","size","chunks","crc" set %STDCOMPRESS("globR",%STDCe,%STDCm)=%STDCf(%STDCm)
 for %STDCm="i","got","c","p","end" set %STDCOMPRESS("globR",%STDCe,%STDCm)=0
 set %STDCOMPRESS("globR",%STDCe,"st")="open"
 quit %STDCe
 ;
isReader(%STDCe) ; is %STDCe an open reader?  (INVALID-HANDLE recorded when not)
 quit:%STDCe?1.18N&$data(%STDCOMPRESS("globR",+%STDCe)) 1
 quit $$fail0("INVALID-HANDLE","reader "_$$quote^STDCOMPRESS(%STDCe)_" is not open")
 ;
rNext(%STDCe,%STDCp) ; the next piece of reader %STDCe into .%STDCp: 1, 3 at the end (checked), 0
 new %STDCR,%STDCr
 set %STDCp=""
 quit:'$$isReader(%STDCe) 0
 set %STDCR=$name(%STDCOMPRESS("globR",+%STDCe))
 quit:@%STDCR@("st")="end" 3
 quit:@%STDCR@("st")'="open" $$fail0("BAD-ARGS","reader "_%STDCe_" ended with a failure: close it")
 for  set %STDCr=$$step() quit:%STDCr'=""
 do:'%STDCr rEnd("failed")
 quit %STDCr
 ;
step() ; one step of rNext (%STDCR the reader): "" go on, 1 a piece in %STDCp, 3 the end, 0 failed
 new %STDCx,%STDCr,%STDCi,%STDCn
 if @%STDCR@("p") set %STDCr=$$scall(2,@%STDCR@("h"),"",.%STDCx) quit:'%STDCr $$decodeFail() do  quit $$give(%STDCx)
 . set @%STDCR@("p")=(%STDCr=2) set:%STDCr=3 @%STDCR@("end")=1
 set %STDCi=@%STDCR@("i"),%STDCn=@%STDCR@("base")
 quit:%STDCi'<@%STDCR@("chunks") $$finish()
 set %STDCi=%STDCi+1,@%STDCR@("i")=%STDCi
 quit:'($data(@%STDCn@(%STDCi))#2) $$corrupt("chunk "_%STDCi_" of "_@%STDCR@("chunks")_" is missing")
 quit:@%STDCR@("end") $$corrupt("chunk "_%STDCi_" is after the end of the stream")
 set %STDCx=@%STDCn@(%STDCi)
 quit:@%STDCR@("codec")="raw" $$give(%STDCx)
 set %STDCr=$$scall(1,@%STDCR@("h"),%STDCx,.%STDCx) quit:'%STDCr $$decodeFail()
 set @%STDCR@("p")=(%STDCr=2) set:%STDCr=3 @%STDCR@("end")=1
 quit $$give(%STDCx)
 ;
give(%STDCx) ; decoded bytes: "" when none, else 1 with them in %STDCp, counted and checksummed
 quit:%STDCx="" ""
 set @%STDCR@("got")=@%STDCR@("got")+$zlength(%STDCx)
 quit:@%STDCR@("got")>@%STDCR@("size") $$corrupt("it decodes to more than the "_@%STDCR@("size")_" bytes of its header")
 set @%STDCR@("c")=$&stdcompress.crc32(%STDCx,@%STDCR@("c")),%STDCp=%STDCx
 quit 1
 ;
finish() ; every chunk read: no extra chunk, the stream at its end, size and checksum: 3, or 0
 new %STDCn,%STDCx,%STDCr
 set %STDCn=@%STDCR@("base")
 quit:$order(@%STDCn@(@%STDCR@("chunks")))'="" $$corrupt("a chunk after the "_@%STDCR@("chunks")_" of its header")
 quit:@%STDCR@("chunks")&($order(@%STDCn@(""))'=1) $$corrupt("a chunk before chunk 1")
 if @%STDCR@("codec")'="raw" do  quit:'%STDCr 0
 . set %STDCr=0
 . if '@%STDCR@("end") set %STDCr=$$corrupt("its stream is truncated (chunks missing or short)") quit
 . set %STDCr=$$scall(5,@%STDCR@("h"),"",.%STDCx) if '%STDCr set %STDCr=$$decodeFail() quit
 . if %STDCx'="" set %STDCr=$$corrupt($zlength(%STDCx)_" byte(s) after the end of its stream") quit
 . set %STDCr=$$scall(4,@%STDCR@("h"),"",.%STDCx) if '%STDCr set %STDCr=$$decodeFail() quit
 . set @%STDCR@("h")=0
 quit:@%STDCR@("got")'=@%STDCR@("size") $$corrupt("it decodes to "_@%STDCR@("got")_" bytes, its header says "_@%STDCR@("size"))
 quit:@%STDCR@("c")'=@%STDCR@("crc") $$corrupt("checksum mismatch: crc32 "_@%STDCR@("c")_", its header says "_@%STDCR@("crc"))
 do rEnd("end")
 quit 3
 ;
decodeFail() ; the stream's failure: the codec's errors and OUTPUT-TOO-LARGE mean corrupt chunks
 new %STDCx
 set %STDCx=$get(%STDCOMPRESS("lastError"))
 quit:$piece(%STDCx," ")'?1"LIB".E1"-FAIL"&($piece(%STDCx," ")'="OUTPUT-TOO-LARGE") 0
 quit $$corrupt("chunk "_@%STDCR@("i")_": "_%STDCx)
 ;
rEnd(%STDCx) ; reader %STDCR ends ("end" or "failed"): its stream is freed, it stays until closed
 new %STDCr
 if @%STDCR@("h") set %STDCr=$&stdcompress.handleFree(@%STDCR@("h")),@%STDCR@("h")=0
 set @%STDCR@("st")=%STDCx
 quit
 ;
rClose(%STDCe) ; free reader %STDCe and its stream
 new %STDCr
 set %STDCr=+$get(%STDCOMPRESS("globR",%STDCe,"h"))
 if %STDCr set %STDCr=$&stdcompress.handleFree(%STDCr)
 kill %STDCOMPRESS("globR",%STDCe)
 quit
 ;
sweep ; free the streams of calls a TP restart cut short (their frames are gone, no trap ran)
 ; A reader opened inside a transaction belongs to it: once the transaction has restarted
 ; ($TRESTART above the one it was opened at), the reader is freed.  Seen outside any
 ; transaction, a reader is kept from then on.
 new %STDCx,%STDCy
 set %STDCx="" for  set %STDCx=$order(%STDCOMPRESS("globH",%STDCx)) quit:%STDCx=""  set %STDCy=$&stdcompress.handleFree(%STDCx) kill %STDCOMPRESS("globH",%STDCx)
 set %STDCx="" for  set %STDCx=$order(%STDCOMPRESS("globR",%STDCx)) quit:%STDCx=""  set %STDCy=%STDCOMPRESS("globR",%STDCx) if +%STDCy do
 . if '$tlevel set %STDCOMPRESS("globR",%STDCx)="0,0" quit
 . if $trestart>$piece(%STDCy,",",2) do rClose(%STDCx)
 quit
 ;
 ; ---- arguments, headers, failures ----
 ;
names() ; src and dst of the work frame as $NAME gives them, neither within the other: 1, or 0
 quit:'$$canon(%STDCs,.%STDCs,"src") 0
 quit:'$$canon(%STDCd,.%STDCd,"dst") 0
 quit:$$within(%STDCs,%STDCd)!$$within(%STDCd,%STDCs) $$bad("src "_%STDCs_" and dst "_%STDCd_" overlap")
 quit 1
 ;
canon(%STDCx,%STDCy,%STDCw) ; .%STDCy: the name %STDCx as $NAME gives it: 1, or 0 (BAD-ARGS)
 set %STDCy=$$canonName(%STDCx)
 quit:%STDCy'="" 1
 quit $$bad(%STDCw_" "_$$quote^STDCOMPRESS(%STDCx)_" is not the name of a node it can use")
 ;
canonName(%STDCx) ; $NAME of %STDCx, or "" when it is not a name (its own %STDC... locals neither)
 new $etrap set $etrap="set $ecode="""" quit:$quit """" quit"
 quit:%STDCx'?.1"^"1(1A,1"%").AN.1(1"(".E1")") ""
 quit:$extract(%STDCx,1,5)="%STDC" ""
 quit $name(@%STDCx)
 ;
within(%STDCa,%STDCx) ; is name %STDCx the node %STDCa or under it?
 quit:%STDCa=%STDCx 1
 quit:%STDCa'["(" $extract(%STDCx,1,$length(%STDCa)+1)=(%STDCa_"(")
 quit $extract(%STDCx,1,$length(%STDCa))=($extract(%STDCa,1,$length(%STDCa)-1)_",")
 ;
hdr(%STDCn,%STDCf) ; the header at @%STDCn into %STDCf(field): "" when it is one, else why not
 new %STDCx,%STDCk,%STDCv
 kill %STDCf
 quit:'($data(@%STDCn)#2) %STDCn_" holds no value"
 set %STDCx=@%STDCn
 for %STDCk="v","codec","size","chunks","crc32","gen" set %STDCf(%STDCk)=$zpiece($zpiece(%STDCx_";",";"_%STDCk_"=",2),";")
 set %STDCf("crc")=%STDCf("crc32")
 quit:$$header(%STDCf("codec"),%STDCf("size"),%STDCf("chunks"),%STDCf("crc"),%STDCf("gen"))'=%STDCx %STDCn_" does not hold a stdcompress-global v=1 header"
 quit:(","_$$codecs()_",raw,")'[(","_%STDCf("codec")_",") %STDCn_": unknown codec in its header"
 quit:%STDCf("size")'?1.15N!(%STDCf("chunks")'?1.15N)!(%STDCf("crc")'?1.10N)!(%STDCf("gen")'?1.15N) %STDCn_": a number in its header is not one"
 quit:%STDCf("crc")>4294967295!'%STDCf("gen")!(+%STDCf("size")'=%STDCf("size")) %STDCn_": a number in its header is out of range"
 quit ""
 ;
codecs() ; the codecs a header may name besides raw: the C registry's stream codecs (tests/test_registry.py)
 quit "gzip,deflate,zlib,zstd,lz4,brotli,xz"
 ;
bad(%STDCx) ; BAD-ARGS
 quit $$fail0("BAD-ARGS",%STDCx)
 ;
corrupt(%STDCx) ; GLOBAL-CORRUPT: the stored value is damaged
 quit $$fail0("GLOBAL-CORRUPT",%STDCx)
 ;
fail0(%STDCc,%STDCx) ; record failure code %STDCc for this call: 0
 set %STDCOMPRESS("lastError")=%STDCc_" "_$get(%STDCo,"STDCGLOB")_": "_%STDCx
 quit 0
 ;
undone() ; after a failure (recorded): take back what this call did, 0
 do undo
 quit 0
 ;
undo ; free this call's stream and reader; roll back (in the caller's transaction) or kill the
 ; generation it was writing.  Errors here are dropped: the first failure is the one reported.
 new $etrap,%STDCx set $etrap="set $ecode="""" quit"
 if $get(%STDCh)>0 kill %STDCOMPRESS("globH",%STDCh) set %STDCx=$&stdcompress.handleFree(%STDCh),%STDCh=0
 if $get(%STDCe)>0 do rClose(%STDCe) set %STDCe=0
 if $get(%STDCt),$tlevel>%STDCt trollback %STDCt quit
 if '$get(%STDCt),$get(%STDCg)'="" kill @%STDCd@(%STDCg)
 quit
 ;
fail ; the work frames' $ETRAP (ZGOTO here, into the work frame): a runtime error (REC2BIG,
 ; TRANS2BIG, ...) becomes GLOBAL-FAIL with the runtime's text, and the call is taken back
 set $etrap="set $ecode="""" quit:$quit 0 quit"
 set %STDCOMPRESS("lastError")="GLOBAL-FAIL "_$get(%STDCo)_": "_$piece($zstatus,",",3,$length($zstatus,","))
 set $ecode=""
 do undo
 quit 0
 ;
 ; ---- streams, through STDCOMPRESS's call frames (no indirection in these frames) ----
 ;
sopen(codec,direction,level,maxOutput,h) ; .h a new stream: 1, or 0
 new dict,workers
 quit $$streamOpenC^STDCOMPRESS()
 ;
scall(op,h,chunk,out) ; op 1 write, 2 read, 4 close, 5 unused on stream h: 1, 2, 3, or 0
 quit $$streamC^STDCOMPRESS(op)
