STDCOMPRESSCONF ; conformance runner for STDCOMPRESS: mumps -run STDCOMPRESSCONF jobfile resultfile
 ;
 ; jobfile: one case a line, fields separated by a TAB:
 ;   key  op  codec  level  inpath  outpath
 ;   op "compress" or "decompress"; codec gzip, deflate, zlib, zstd, lz4 (size-prefixed
 ;   block), lz4frame, brotli (level: the quality) or xz; level "" for the
 ;   default (always "" for decompress).
 ; For each case the input file is read as bytes, run through the STDCOMPRESS extrinsic,
 ; and on success the result is written to outpath as bytes.  resultfile gets one line a
 ; case: "key<TAB>OK" or "key<TAB>FAIL<TAB>CODE<TAB>message", then "END<TAB>n".
 ; Also the binary-safe file helpers readFile/writeFile and the comp/decomp dispatch that
 ; STDCOMPRESSTST uses.
 new args
 set args=$zcmdline
 do run($piece(args," ",1),$piece(args," ",2))
 quit
 ;
run(jobs,results) ; run every case of file jobs, write outcomes to file results
 new line,n,io
 set io=$io,n=0
 open jobs:(readonly:chset="M")
 open results:(newversion:chset="M")
 for  use jobs read line quit:$zeof  if line'="" do case(line,results) set n=n+1
 use results write "END",$char(9),n,!
 close jobs close results
 use io
 quit
 ;
case(line,results) ; one job line
 new key,op,codec,level,in,out,data,res,r,caught,$etrap,t
 set t=$char(9)
 set key=$piece(line,t,1),op=$piece(line,t,2),codec=$piece(line,t,3),level=$piece(line,t,4)
 set in=$piece(line,t,5),out=$piece(line,t,6)
 ; STDCOMPRESS failures arrive here as ,U-STDCOMPRESS-CODE,.  Any other M error (a file
 ; that cannot be read, ...) is this case's failure, not the end of the run.
 set $etrap="set caught=$ecode,$ecode="""" quit:$quit """" quit"
 set caught="",data=$$readFile(in)
 if caught'="" use results write key,t,"FAIL",t,"M-ERROR",t,$$clean($zstatus),! quit
 if op="compress",level="" set r=$$comp(codec,data,.res)
 if op="compress",level'="" set r=$$comp(codec,data,.res,level)
 if op'="compress" set r=$$decomp(codec,data,.res)
 if 'r use results write key,t,"FAIL",t,$piece($piece(caught,",",2),"-",3,9),t,$$clean($$lastError^STDCOMPRESS()),! quit
 do writeFile(out,res)
 if caught'="" use results write key,t,"FAIL",t,"M-ERROR",t,$$clean($zstatus),! quit
 use results write key,t,"OK",!
 quit
 ;
clean(x) ; x without TABs and line ends, to fit one result field
 quit $translate(x,$char(9,10,13),"   ")
 ;
comp(codec,data,out,level) ; compress data with codec into .out; level optional
 if $data(level) quit $select(codec="gzip":$$gzip^STDCOMPRESS(data,.out,level),codec="deflate":$$deflate^STDCOMPRESS(data,.out,level),codec="zlib":$$zlib^STDCOMPRESS(data,.out,level),codec="lz4":$$lz4Compress^STDCOMPRESS(data,.out,level),codec="lz4frame":$$lz4FrameCompress^STDCOMPRESS(data,.out,level),codec="brotli":$$brotliCompress^STDCOMPRESS(data,.out,level),codec="xz":$$xzCompress^STDCOMPRESS(data,.out,level),1:$$zstdCompress^STDCOMPRESS(data,.out,level))
 quit $select(codec="gzip":$$gzip^STDCOMPRESS(data,.out),codec="deflate":$$deflate^STDCOMPRESS(data,.out),codec="zlib":$$zlib^STDCOMPRESS(data,.out),codec="lz4":$$lz4Compress^STDCOMPRESS(data,.out),codec="lz4frame":$$lz4FrameCompress^STDCOMPRESS(data,.out),codec="brotli":$$brotliCompress^STDCOMPRESS(data,.out),codec="xz":$$xzCompress^STDCOMPRESS(data,.out),1:$$zstdCompress^STDCOMPRESS(data,.out))
 ;
decomp(codec,data,out) ; decompress data with codec into .out
 quit $select(codec="gzip":$$gunzip^STDCOMPRESS(data,.out),codec="deflate":$$inflate^STDCOMPRESS(data,.out),codec="zlib":$$unzlib^STDCOMPRESS(data,.out),codec="lz4":$$lz4Decompress^STDCOMPRESS(data,.out),codec="lz4frame":$$lz4FrameDecompress^STDCOMPRESS(data,.out),codec="brotli":$$brotliDecompress^STDCOMPRESS(data,.out),codec="xz":$$xzDecompress^STDCOMPRESS(data,.out),1:$$zstdDecompress^STDCOMPRESS(data,.out))
 ;
 ; ---- binary-safe files (any bytes, both gtm_chset modes; at most the 1 MiB string limit) ----
 ;
readFile(path) ; the bytes of file path
 ; FIXED records with CHSET "M": no line terminators are interpreted, no characters decoded;
 ; the last record comes back short rather than padded.
 new io,x,s
 set io=$io,s=""
 open path:(readonly:fixed:recordsize=65536:chset="M")
 use path for  read x quit:$zeof  set s=s_x
 close path use io
 quit s
 ;
writeFile(path,data) ; replace file path with the bytes of data
 ; One FIXED record exactly as long as data: nothing is padded, and unlike STREAM no line
 ; end is added on CLOSE.  An empty file is just created.
 new io
 set io=$io
 if data="" open path:(newversion:chset="M") close path use io quit
 open path:(newversion:fixed:recordsize=$zlength(data):chset="M")
 use path write data
 close path use io
 quit
 ;
versions ; print $$versions^STDCOMPRESS() and engine=NAME VERSION, for the host's versions()
 new engine set engine=$piece($zversion," ",1,2)
 do yottadb(.engine)
 write $$versions^STDCOMPRESS(),",engine=",engine,!
 quit
yottadb(engine) ; $ZYRELEASE exists in YottaDB only: xecuted, GT.M's error trapped
 new $etrap set $etrap="set $ecode="""" quit"
 xecute "set engine=$piece($zyrelease,"" "",1,2)"
 quit
