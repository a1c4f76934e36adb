STDCSTREAM ; the 1 GiB stream campaign's M side (bench/campaign.py): mumps -run STDCSTREAM codec mib level
 ;
 ; Streams mib MiB through a compressor of codec and, piece by piece as they come out, through a
 ; decompressor, never holding more than a chunk: each MiB is one text MiB with its byte values
 ; shifted by the chunk number, and what comes out is compared with it as it comes.  Prints
 ; "OK in=<bytes> compressed=<bytes>" or "FAIL <why>" (the harness measures the peak RSS).
 new codec,mib,level,base,c,d,i,z,r,buf,k,ok,comp,total,from
 set codec=$piece($zcmdline," ",1),mib=+$piece($zcmdline," ",2),level=$piece($zcmdline," ",3)
 set base=$$text(1048576),from="" for i=0:1:255 set from=from_$zchar(i)
 set c=$$streamOpen^STDCOMPRESS(codec,"c",level),d=$$streamOpen^STDCOMPRESS(codec,"d")
 if 'c!'d write "FAIL open: ",$$lastError^STDCOMPRESS(),! quit
 set buf="",k=0,ok=1,comp=0,total=0
 for i=0:1:mib-1 do  quit:'ok
 . set r=$$streamWrite^STDCOMPRESS(c,$$chunk(i),.z) do feed(z)
 . for  quit:r'=2!'ok  set r=$$streamRead^STDCOMPRESS(c,.z) do feed(z)
 if ok set r=$$streamClose^STDCOMPRESS(c,.z) do feed(z) for  quit:r'=2!'ok  set r=$$streamRead^STDCOMPRESS(c,.z) do feed(z)
 if ok,k'=mib!(buf'="") set ok=0 write "FAIL ",k," MiB came back of ",mib,!
 if ok set r=$$streamClose^STDCOMPRESS(d,.z) if 'r set ok=0 write "FAIL close: ",$$lastError^STDCOMPRESS(),!
 write:ok "OK in=",mib*1048576," compressed=",comp,!
 quit
 ;
feed(z) ; compressed bytes z into the decompressor; what comes out is checked
 new r,y
 quit:z=""
 set comp=comp+$zlength(z)
 set r=$$streamWrite^STDCOMPRESS(d,z,.y) do take(y)
 for  quit:r'=2!'ok  set r=$$streamRead^STDCOMPRESS(d,.y) do take(y)
 if 'r set ok=0 write "FAIL decompress: ",$$lastError^STDCOMPRESS(),!
 quit
 ;
take(y) ; compare with the chunks, one MiB at a time
 new p,m set p=1
 for  quit:p>$zlength(y)  set m=1048576-$zlength(buf),buf=buf_$zextract(y,p,p+m-1),p=p+m do:$zlength(buf)=1048576
 . if buf'=$$chunk(k) set ok=0 write "FAIL MiB ",k," differs",!
 . set buf="",k=k+1
 quit
 ;
chunk(i) ; MiB i: base with every byte value shifted by i (mod 256)
 new to set to=$zextract(from,i#256+1,256)_$zextract(from,1,i#256)
 quit $ztranslate(base,from,to)
 ;
text(n) ; n bytes of word-like text
 new w,x,s,c,nw
 set w="SET KILL QUIT DO NEW FOR IF ELSE WRITE READ ^PATIENT ^LOG $ZH $ZLENGTH gzip zstd error level 2026-05-07 the a to of record field value 0 1 42 1048576"
 set nw=$length(w," "),x=7,s=""
 for  quit:$zlength(s)'<n  set c="" do  set s=s_$zextract(c,1,n-$zlength(s))
 . new j for j=1:1:400 set x=x*69069+1#4294967296,c=c_$piece(w," ",x\65536#nw+1)_$select(x#7=0:$char(10),1:" ")
 quit $zextract(s,1,n)
