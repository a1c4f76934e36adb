STDCGLOBTST ; tests of values in globals (tests/test_globals.py drives it): one job a line
 ; mumps -run STDCGLOBTST jobsfile   each line: OP<tab>args (tab-separated); one result line
 ; per job, tab-separated, starting with OP; then DONE.
 new io,jobs,line,op,a,i
 set io=$io,jobs=$zcmdline
 open jobs:(readonly:chset="M")
 for  use jobs read line quit:$zeof  if line'="" do
 . set op=$zpiece(line,$char(9)) for i=2:1:9 set a(i-1)=$zpiece(line,$char(9),i)
 . use io do @op
 close jobs
 use io write "DONE",!
 quit
 ;
RT ; a(1) codec, a(2) input file, a(3) output prefix, a(4) dst: store, read back three ways
 new src,r,info,x,code,h,p,n,g,m,len
 do load(a(2),.src)
 set code="",r=$$try("set x=$$compressToGlobal^STDCOMPRESS(a(1),""src"",a(4))")
 set info=$select(r:$$globalInfo^STDCOMPRESS(a(4)),1:"")
 ; the stored stream, every chunk, and the longest chunk
 set g=$zpiece($zpiece(@a(4),";gen=",2),";"),m=0
 set io2=a(3)_".z" open io2:(newversion:stream:nowrap:chset="M") use io2
 set n="" for  set n=$order(@a(4)@(g,n)) quit:n=""  set x=@a(4)@(g,n) write x set $x=0 set:$zlength(x)>m m=$zlength(x)
 close io2 use $principal
 kill ^STDCOUT
 set r=r_","_$$try("set x=$$decompressFromGlobal^STDCOMPRESS(a(4),""^STDCOUT"")")
 do dumpValue("^STDCOUT",a(3)_".out")
 do dumpValue(a(4),a(3)_".rd")
 write "RT",$char(9),a(1),$char(9),r,$char(9),info,$char(9),m,$char(9),$$recsize(a(4)),$char(9),$zlength($name(@a(4)@(g,999999))),$char(9),$$handles(),!
 quit
 ;
CORRUPT ; a(1) codec, a(2) input file, a(3) kind: damage ^STDCC, read it into ^STDCD
 new src,r,g,k,x,c,before,after,rr,h,p,e1,e2
 kill ^STDCC,^STDCD
 do load(a(2),.src)
 if '$$compressToGlobal^STDCOMPRESS(a(1),"src","^STDCC") write "CORRUPT",$char(9),"setup failed",! quit
 set g=$zpiece($zpiece(^STDCC,";gen=",2),";"),k=$zpiece($zpiece(^STDCC,";chunks=",2),";")
 if a(3)="truncate" set ^STDCC(g,2)=$zextract(^STDCC(g,2),1,$zlength(^STDCC(g,2))-1)
 if a(3)="drop" kill ^STDCC(g,2)
 if a(3)="swap" set x=^STDCC(g,1),^STDCC(g,1)=^STDCC(g,2),^STDCC(g,2)=x
 if a(3)="flip" set x=^STDCC(g,2),c=$zascii(x,$zlength(x)\2+1),^STDCC(g,2)=$zextract(x,1,$zlength(x)\2)_$zchar($select(c#2:c-1,1:c+1))_$zextract(x,$zlength(x)\2+2,$zlength(x))
 if a(3)="extra" set ^STDCC(g,k+1)="x"
 if a(3)="size" set ^STDCC=$zpiece(^STDCC,";size=")_";size="_($zpiece($zpiece(^STDCC,";size=",2),";")+1)_";chunks="_$zpiece(^STDCC,";chunks=",2)
 if a(3)="header" set ^STDCC="stdcompress-global;v=9;"_$zpiece(^STDCC,";",3,99)
 set ^STDCD="old",^STDCD(1,1)="old chunk"
 set before=$$snap("^STDCD")
 set r=$$try("set x=$$decompressFromGlobal^STDCOMPRESS(""^STDCC"",""^STDCD"")"),e1=code
 set after=$$snap("^STDCD")
 ; the reader sees the same damage, at open or on a later piece
 set rr=$$try("set (h,x)=$$globalReaderOpen^STDCOMPRESS(""^STDCC"") set:x>0 x=1")
 if rr for  set rr=$$try("set x=$$globalReaderNext^STDCOMPRESS(h,.p)") quit:'rr  quit:x'=1
 set e2=code if $get(h) set x=$$globalReaderClose^STDCOMPRESS(h)
 write "CORRUPT",$char(9),a(3),$char(9),r,$char(9),e1,$char(9),before=after,$char(9),rr,$char(9),e2,$char(9),$$handles(),$char(9),$$lastError^STDCOMPRESS(),!
 quit
 ;
TPROLL ; a(1) codec, a(2) input: a successful call rolled back with the caller's transaction
 new src,r,x
 kill ^STDCT do load(a(2),.src)
 tstart ():serial
 set r=$$compressToGlobal^STDCOMPRESS(a(1),"src","^STDCT"),x=$data(^STDCT)
 trollback
 write "TPROLL",$char(9),r,$char(9),x,$char(9),$data(^STDCT),$char(9),$$handles(),!
 quit
 ;
TPBIG ; a(1) codec, a(2) input too big for one transaction: GLOBAL-FAIL, nothing changed, the
 ; caller's transaction goes on
 new src,r,x,tl,before
 kill ^STDCT set ^STDCT="old",^STDCT(7)="keep" do load(a(2),.src)
 set before=$$snap("^STDCT")
 tstart ():serial
 set ^STDCMINE=1
 set r=$$try("set x=$$compressToGlobal^STDCOMPRESS(a(1),""src"",""^STDCT"")"),tl=$tlevel
 tcommit
 write "TPBIG",$char(9),r,$char(9),code,$char(9),tl,$char(9),before=$$snap("^STDCT"),$char(9),$get(^STDCMINE),$char(9),$$handles(),$char(9),$$lastError^STDCOMPRESS(),!
 quit
 ;
RESTART ; a(1) a stored value: a reader opened in a transaction that restarts is freed
 new h,p,r,x,opened
 tstart ():serial
 set h=$$globalReaderOpen^STDCOMPRESS(a(1)),r=$$globalReaderNext^STDCOMPRESS(h,.p),opened($trestart)=$$handles()
 if $trestart<1 trestart
 set r=$$globalReaderClose^STDCOMPRESS(h)
 tcommit
 write "RESTART",$char(9),$get(opened(0)),$char(9),$get(opened(1)),$char(9),$$handles(),!
 quit
 ;
WRITER ; a(1) codec, a(2) and a(3) inputs, a(4) dst: store them in turn until killed
 new one,two,i,r
 do load(a(2),.one),load(a(3),.two)
 for i=1:1 set r=$$compressToGlobal^STDCOMPRESS(a(1),$select(i#2:"one",1:"two"),a(4)) write "STORED",$char(9),i,$char(9),r,! quit:'r
 quit
 ;
READ ; a(1) a stored value, a(2) file: its bytes into the file, and its generations
 new r,g,n
 set r=$$try("set x=$$decompressFromGlobal^STDCOMPRESS(a(1),""^STDCOUT"")")
 do:r dumpValue("^STDCOUT",a(2))
 set g="",n=0 for  set g=$order(@a(1)@(g)) quit:g=""  set n=n+1
 write "READ",$char(9),r,$char(9),n,$char(9),code,!
 quit
 ;
 ; ---- helpers ----
 ;
try(cmd) ; run cmd (which sets x): 1 when x came back 1 or 3, else 0 with code the $ECODE
 new $etrap set $etrap="set code=$ecode,$ecode="""" quit:$quit 0 quit"
 set code="" xecute cmd
 quit x=1!(x=3)
 ;
load(f,arr) ; file f into arr(1..n), 65536 bytes a node
 new io,x,n set io=$io,n=0 kill arr
 open f:(readonly:fixed:recordsize=65536:chset="M") use f
 for  read x#65536 quit:$zeof&(x="")  set n=n+1,arr(n)=x quit:$zeof
 close f use io
 if 'n set arr=""
 quit
 ;
dumpValue(name,f) ; the value at name (a stored value, through the reader) into file f
 new io,h,p,r set io=$io
 open f:(newversion:stream:nowrap:chset="M") use f
 if $zpiece($get(@name),";")'="stdcompress-global" write $get(@name) set $x=0
 if $zpiece($get(@name),";")="stdcompress-global" set h=$$globalReaderOpen^STDCOMPRESS(name) for  set r=$$globalReaderNext^STDCOMPRESS(h,.p) quit:r'=1  write p set $x=0
 if $get(h) set r=$$globalReaderClose^STDCOMPRESS(h)
 close f use io
 quit
 ;
snap(name) ; every node of name and under it, with its value, as one string
 new q,s set s=$data(@name)_"="_$get(@name),q=name
 for  set q=$query(@q) quit:q=""  quit:$zextract(q,1,$zlength(name)+1)'=(name_"(")  set s=s_"|"_q_"="_@q
 quit s
 ;
recsize(name) ; the maximum record size of the region name maps to
 quit $$^%PEEKBYNAME("sgmnt_data.max_rec_size",$view("REGION",name))
 ;
handles() ; open handles now
 new x,r set r=$&stdcompress.handleStats(.x)
 quit $piece($piece(x,";"),"=",2)
 ;
CAMPAIGN ; a(1) codec, a(2) input file, a(3) work dir: the value through a global at the
 ; database's record size and through files, timed; the read-back bytes go to a(3)/back.*
 new src,t0,t1,t2,t3,t4,t5,r1,r2,r3,r4
 kill ^STDCK,^STDCOUT do load(a(2),.src)
 set t0=$zut,r1=$$compressToGlobal^STDCOMPRESS(a(1),"src","^STDCK"),t1=$zut
 set r2=$$decompressFromGlobal^STDCOMPRESS("^STDCK","^STDCOUT"),t2=$zut
 do dumpValue("^STDCOUT",a(3)_"/back.global")
 set t5=$zut,r3=$$compressFile^STDCOMPRESS(a(1),a(2),a(3)_"/file.z"),t3=$zut
 set r4=$$decompressFile^STDCOMPRESS(a(1),a(3)_"/file.z",a(3)_"/back.file"),t4=$zut
 write "CAMPAIGN",$char(9),a(1),$char(9),r1_r2_r3_r4,$char(9),t1-t0,$char(9),t2-t1,$char(9),t3-t5,$char(9),t4-t3,$char(9),$zpiece($zpiece(^STDCK,";chunks=",2),";"),$char(9),$$handles(),!
 kill ^STDCK,^STDCOUT
 quit
