STDCSTREAM ; the 1 GiB stream campaign's M side (bench/campaign.py): mumps -run STDCSTREAM codec mib level base out
 ;
 ; Streams mib MiB through a compressor of codec and, piece by piece as they come out, through a
 ; decompressor, never holding more than a chunk: MiB i is the MiB of real text in file base with
 ; its byte values shifted by i, and what comes out is compared with it as it comes.  The
 ; compressed stream is also written to file out, for the harness to check with the codec's CLI.
 ; Prints "OK in=<bytes> compressed=<bytes>" or "FAIL <why>" (the harness measures the peak RSS).
 new codec,mib,level,base,c,d,i,z,r,cur,at,k,ok,comp,from,sink,io
 set codec=$piece($zcmdline," ",1),mib=+$piece($zcmdline," ",2),level=+$piece($zcmdline," ",3)
 set base=$$read($piece($zcmdline," ",4)),sink=$piece($zcmdline," ",5),io=$io
 if $zlength(base)'=1048576 write "FAIL the base text is ",$zlength(base)," bytes, not 1 MiB",! quit
 set from="" for i=0:1:255 set from=from_$zchar(i)
 open sink:(newversion:stream:nowrap:chset="M")
 set c=$$streamOpen^STDCOMPRESS(codec,"c",$select(level:level,1:"")),d=$$streamOpen^STDCOMPRESS(codec,"d")
 if 'c!'d write "FAIL open: ",$$lastError^STDCOMPRESS(),! quit
 set k=0,cur=$$chunk(0),at=0,ok=1,comp=0
 for i=0:1:mib-1 do  quit:'ok
 . set r=$$streamWrite^STDCOMPRESS(c,$$chunk(i),.z) do feed(z)
 . for  quit:r'=2!'ok  set r=$$streamRead^STDCOMPRESS(c,.z) do feed(z)
 if ok set r=$$streamClose^STDCOMPRESS(c,.z) do feed(z) for  quit:r'=2!'ok  set r=$$streamRead^STDCOMPRESS(c,.z) do feed(z)
 close sink
 if ok,k'=mib!at set ok=0 write "FAIL ",k," MiB came back of ",mib,!
 if ok set r=$$streamClose^STDCOMPRESS(d,.z) if 'r set ok=0 write "FAIL close: ",$$lastError^STDCOMPRESS(),!
 write:ok "OK in=",mib*1048576," compressed=",comp,!
 quit
 ;
feed(z) ; compressed bytes z to the file and into the decompressor; what comes out is checked
 new r,y
 quit:z=""
 set comp=comp+$zlength(z)
 use sink write z set $x=0 use io
 set r=$$streamWrite^STDCOMPRESS(d,z,.y) do take(y)
 for  quit:r'=2!'ok  set r=$$streamRead^STDCOMPRESS(d,.y) do take(y)
 if 'r set ok=0 write "FAIL decompress: ",$$lastError^STDCOMPRESS(),!
 quit
 ;
take(y) ; compare with the chunks as it comes: cur is MiB k, of which at bytes came back so far
 new p,m set p=1
 for  quit:p>$zlength(y)!'ok  set m=1048576-at set:m>($zlength(y)-p+1) m=$zlength(y)-p+1 do
 . if $zextract(y,p,p+m-1)'=$zextract(cur,at+1,at+m) set ok=0 write "FAIL MiB ",k," differs",! quit
 . set p=p+m,at=at+m quit:at<1048576
 . set k=k+1,at=0,cur=$select(k<mib:$$chunk(k),1:"")
 quit
 ;
chunk(i) ; MiB i: base with every byte value shifted by i (mod 256)
 new to set to=$zextract(from,i#256+1,256)_$zextract(from,1,i#256)
 quit $ztranslate(base,from,to)
 ;
read(path) ; the whole of a file of at most 1 MiB, as bytes
 new x,s,io set io=$io,s=""
 open path:(readonly:fixed:recordsize=65536:chset="M") use path
 for  read x#65536 quit:$zeof&(x="")  set s=s_x quit:$zeof
 close path use io
 quit s
