STDCBENCH ; timing loops of the benchmark (bench/engine.py runs them); not part of the library
 ;
 ; mumps -run run^STDCBENCH DIR N REPEATS JOB ...
 ; For each JOB (a name in loop below) on the bytes of file DIR/JOB.in: a warm-up loop, then
 ; the best of REPEATS loops of N calls timed with $ZH (every job's loop in turn, each repeat),
 ; less the best empty loop of N; prints
 ; "JOB <microseconds per call> <input bytes>" and writes the last call's result to DIR/JOB.out
 ; for the caller to compare with the bridge's.  Job floor.<n>: the runtime alone (a call-out
 ; of bench/runtime_floor.c, no work) returning an n-byte result through a 1 MiB output;
 ; floor1k.<n>.<job>: the same through a 1 KiB output (the small-item jobs' raw tier);
 ; frame1k.<n>.<job>: that call inside one extrinsic function frame, as a wrapper must make;
 ; trap1k.<n>.<job>: inside a frame that also sets its own $ETRAP, as a wrapper that reports
 ; the runtime's errors in its own codes (CALLOUT-MISSING) must.
 ; cfloor.zstd, cfloor.gzip: the C floor's work (bench/runtime_floor.c) as a call-out;
 ; cftrap.zstd, cftrap.gzip: that call inside trap's frame; cfloor1m.<entry>: the C floor
 ; of a 1 MiB job (gzip, gunzip, zstdCompress, zstdDecompress) as a call-out.
 ; A job that fails prints "JOB skipped <$ZSTATUS>" and the others still run.
 quit
 ;
run ;
 ; The jobs' timed loops are interleaved (each repeat runs every job once, in turn), so a slow
 ; spell of the machine falls on all of them alike, as bench/timing.py does for Python.
 new args,dir,n,reps,k,job,jobs,r,t,best,input,result
 set args=$zcmdline,dir=$piece(args," ",1),n=$piece(args," ",2),reps=$piece(args," ",3)
 for k=4:1:$length(args," ") set job=$piece(args," ",k) do prepare
 set best("empty")=""
 for r=0:1:reps do
 . set t=$$loop("empty",$select(r:n,1:n\10+1)) set:r&(best("empty")=""!(t<best("empty"))) best("empty")=t
 . set job="" for  set job=$order(jobs(job)) quit:job=""  do:'$data(result(job,"failed")) timed
 set job="" for  set job=$order(jobs(job)) quit:job=""  do report
 quit
 ;
prepare ; read job's input; a job that fails prints "JOB skipped ..." and the others still run
 new $etrap
 set $etrap="zgoto "_$zlevel_":failed^STDCBENCH"
 set jobs(job)="",input(job)=$$read(dir_"/"_job_".in")
 quit
 ;
timed ; one loop of job (repeat r; r=0 is the warm-up, n\10+1 calls), its best kept
 new $etrap,data,out
 set $etrap="zgoto "_$zlevel_":failed^STDCBENCH"
 set data=input(job),t=$$loop(job,$select(r:n,1:n\10+1)),result(job)=out
 if r,$get(best(job))=""!(t<$get(best(job))) set best(job)=t
 quit
 ;
report ; job's line, and its last result written back for the caller to compare
 if $data(result(job,"failed")) write job," skipped ",result(job,"failed"),! quit
 do write(dir_"/"_job_".out",result(job))
 write job," ",best(job)-best("empty")/n," ",$zlength(input(job)),!
 quit
 ;
failed ; reached by zgoto from prepare's or timed's $etrap, in that frame
 set jobs(job)="",result(job,"failed")=$select($ecode[",U-BENCH-":$ecode,1:$zstatus)
 set $ecode=""
 quit
 ;
loop(job,n) ; microseconds for n calls of job on data; the result is left in out
 new i,rc,t0,size
 set rc=0,t0=$zh
 if job="empty" for i=1:1:n set rc=0
 if job="raw.zstdCompress1k" for i=1:1:n set rc=$&stdcompress.zstdCompress1k(data,.out)
 if job="raw.gzip1k" for i=1:1:n set rc=$&stdcompress.gzip1k(data,.out)
 if job="raw.gzip" for i=1:1:n set rc=$&stdcompress.gzip(data,.out)
 if job="raw.gunzip" for i=1:1:n set rc=$&stdcompress.gunzip(data,.out)
 if job="raw.zstdCompress" for i=1:1:n set rc=$&stdcompress.zstdCompress(data,.out)
 if job="raw.zstdDecompress" for i=1:1:n set rc=$&stdcompress.zstdDecompress(data,.out)
 if job="wrap.gzip" for i=1:1:n set rc='$$gzip^STDCOMPRESS(data,.out)
 if job="wrap.gunzip" for i=1:1:n set rc='$$gunzip^STDCOMPRESS(data,.out)
 if job="wrap.zstdCompress" for i=1:1:n set rc='$$zstdCompress^STDCOMPRESS(data,.out)
 if job="wrap.zstdDecompress" for i=1:1:n set rc='$$zstdDecompress^STDCOMPRESS(data,.out)
 if $piece(job,".")="floor" set size=$piece(job,".",2) for i=1:1:n set rc=$&stdcbench.declare(data,.out,size)
 if $piece(job,".")="floor1k" set size=$piece(job,".",2) for i=1:1:n set rc=$&stdcbench.declare1k(data,.out,size)
 if $piece(job,".")="frame1k" set size=$piece(job,".",2) for i=1:1:n set rc='$$frame(data,.out,size)
 if $piece(job,".")="trap1k" set size=$piece(job,".",2) for i=1:1:n set rc='$$trap(data,.out,size)
 if job="cfloor.zstd" for i=1:1:n set rc=$&stdcbench.zstd1k(data,.out)
 if job="cfloor1m.gzip" for i=1:1:n set rc=$&stdcbench.gzip1m(data,.out)
 if job="cfloor1m.gunzip" for i=1:1:n set rc=$&stdcbench.gunzip1m(data,.out)
 if job="cfloor1m.zstdCompress" for i=1:1:n set rc=$&stdcbench.zstdCompress1m(data,.out)
 if job="cfloor1m.zstdDecompress" for i=1:1:n set rc=$&stdcbench.zstdDecompress1m(data,.out)
 if job="cfloor.gzip" for i=1:1:n set rc=$&stdcbench.gzip1k(data,.out)
 if job="cftrap.zstd" for i=1:1:n set rc='$$trapZstd(data,.out)
 if job="cftrap.gzip" for i=1:1:n set rc='$$trapGzip(data,.out)
 set t0=$$us(t0,$zh)
 if rc set $ecode=",U-BENCH-"_job_"-RETURNED-"_rc_","
 quit t0
 ;
frame(data,out,size) ; the least an M wrapper is: one extrinsic frame around the call-out
 quit '$&stdcbench.declare1k(data,.out,size)
 ;
trap(data,out,size) ; the least a wrapper with its own error trap is: frame's, and SET $ETRAP
 new $etrap set $etrap="goto trap^STDCOMPRESS"
 quit '$&stdcbench.declare1k(data,.out,size)
 ;
trapZstd(data,out) ; the C floor's zstd work as a call-out, inside trap's frame
 new $etrap set $etrap="goto trap^STDCOMPRESS"
 quit '$&stdcbench.zstd1k(data,.out)
 ;
trapGzip(data,out) ; the C floor's gzip work as a call-out, inside trap's frame
 new $etrap set $etrap="goto trap^STDCOMPRESS"
 quit '$&stdcbench.gzip1k(data,.out)
 ;
us(a,b) ; microseconds from $ZH value a to $ZH value b (M evaluates strictly left to right)
 quit $piece(b,",")-$piece(a,",")*86400+$piece(b,",",2)-$piece(a,",",2)*1E6+$piece(b,",",3)-$piece(a,",",3)
 ;
read(file) ; the bytes of file, which holds at most 1 MiB (one fixed-length record)
 new x,more
 open file:(readonly:fixed:recordsize=1048576:chset="M")
 use file read x set more="" read:'$zeof more
 close file use $principal
 if $zlength(more) set $ecode=",U-BENCH-INPUT-OVER-1MIB,"
 quit x
 ;
write(file,x) ; file's bytes become x exactly ($x=0: no newline added on close)
 open file:(newversion:stream:nowrap:chset="M")
 use file write x set $x=0
 close file use $principal
 quit
