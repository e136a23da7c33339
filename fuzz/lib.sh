# Shared by fuzz/run and fuzz/smoke (sourced, not run). Everything is relative to the repository root.
# shellcheck shell=bash

FUZZ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FUZZ_DIR="$FUZZ_ROOT/fuzz"
FUZZ_PROJECT="$FUZZ_DIR/Venus.ChainSync.Fuzz/Venus.ChainSync.Fuzz.csproj"
FUZZ_BUILD="$FUZZ_DIR/build"
FUZZ_BIN="$FUZZ_BUILD/instrumented"
FUZZ_DLL="$FUZZ_BIN/Venus.ChainSync.Fuzz.dll"
FUZZ_OUT="$FUZZ_DIR/out"
FUZZ_GENERATED="$FUZZ_DIR/corpus-generated"
# The library assemblies afl-fuzz gets coverage from. Not the fuzz project itself, not BCL or third-party code.
FUZZ_INSTRUMENTED=(Venus.ChainSync.Primitives Venus.ChainSync.Exchange Venus.ChainSync.Libp2p)
# Targets fed text rather than CBOR, so they get the text dictionary.
FUZZ_TEXT_TARGETS=" address-text cid-text peer-id multiaddr-text "

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fuzz_log() { printf '[fuzz] %s\n' "$*" >&2; }

# afl-fuzz from Debian's afl++ package (4.04c here), installed when missing.
fuzz_ensure_afl() {
  command -v afl-fuzz >/dev/null 2>&1 && return 0
  fuzz_log "afl-fuzz is missing; installing Debian's afl++"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y afl++ || { $sudo apt-get update && $sudo apt-get install -y afl++; }
}

# The sharpfuzz instrumentation tool, from the repository's local tool manifest (.config/dotnet-tools.json).
fuzz_ensure_tools() {
  (cd "$FUZZ_ROOT" && dotnet tool restore >/dev/null)
}

# A Release build in its own folder, copied and instrumented: fuzz/build/bin is what msbuild writes (and may
# skip rewriting), fuzz/build/instrumented is rebuilt from it every time, so an assembly is never instrumented twice.
fuzz_build() {
  fuzz_log "building $FUZZ_PROJECT (Release) into $FUZZ_BUILD"
  dotnet build "$FUZZ_PROJECT" -c Release -o "$FUZZ_BUILD/bin" -warnaserror -nologo -v quiet >/dev/null \
    || { dotnet build "$FUZZ_PROJECT" -c Release -o "$FUZZ_BUILD/bin" -warnaserror -nologo -v quiet; return 1; }
  rm -rf "$FUZZ_BIN"
  cp -r "$FUZZ_BUILD/bin" "$FUZZ_BIN"
  local assembly
  for assembly in "${FUZZ_INSTRUMENTED[@]}"; do
    (cd "$FUZZ_ROOT" && dotnet tool run sharpfuzz "$FUZZ_BIN/$assembly.dll") >/dev/null \
      || { fuzz_log "sharpfuzz failed on $assembly.dll"; return 1; }
  done
}

# The generated seed corpus (gitignored), written by the fuzz executable's seeds verb when it is missing.
fuzz_ensure_seeds() {
  [ -d "$FUZZ_GENERATED" ] && [ -n "$(ls -A "$FUZZ_GENERATED" 2>/dev/null)" ] && return 0
  fuzz_log "generating seeds into $FUZZ_GENERATED"
  (cd "$FUZZ_ROOT" && dotnet "$FUZZ_DLL" seeds --vectors "$FUZZ_ROOT/../shared/vectors" --out "$FUZZ_GENERATED") >/dev/null
}

fuzz_targets() { dotnet "$FUZZ_DLL" list | awk '{print $1}'; }

# The corpus folders of a target that exist: the committed hand-picked set, then the generated one.
fuzz_corpus_dirs() {
  local target=$1 dir
  for dir in "$FUZZ_DIR/corpus/$target" "$FUZZ_GENERATED/$target"; do
    [ -d "$dir" ] && printf '%s\n' "$dir"
  done
}

fuzz_replay() {
  local target=$1
  mapfile -t dirs < <(fuzz_corpus_dirs "$target")
  if [ ${#dirs[@]} -eq 0 ]; then
    fuzz_log "$target: no corpus to replay"
    return 1
  fi
  dotnet "$FUZZ_DLL" "$target" --replay "${dirs[@]}"
}

# One bounded afl-fuzz run: fuzz_afl TARGET SECONDS OUTDIR [extra afl-fuzz options...]
# Seeds are the target's corpus folders merged and deduplicated by content. Prints the summary from fuzzer_stats.
fuzz_afl() {
  local target=$1 seconds=$2 out=$3
  shift 3
  local seeds="$out/seeds" file dict
  rm -rf "$out"
  mkdir -p "$seeds"
  while IFS= read -r dir; do
    for file in "$dir"/*; do
      [ -f "$file" ] || continue
      cp "$file" "$seeds/$(sha1sum "$file" | cut -c1-12)"
    done
  done < <(fuzz_corpus_dirs "$target")
  # afl-fuzz needs one seed at least.
  [ -n "$(ls -A "$seeds")" ] || printf '\x00' > "$seeds/empty"

  if [[ "$FUZZ_TEXT_TARGETS" == *" $target "* ]]; then dict="$FUZZ_DIR/text.dict"; else dict="$FUZZ_DIR/cbor.dict"; fi

  # SharpFuzz's fork server is not an instrumented binary (skip the check); core dumps and CPU scaling do not
  # matter for managed crashes; two instances may share the two cores (no affinity). -t 5000: a dotnet child that
  # hangs is killed, and SharpFuzz starts another, after 5 s; with less, on a loaded machine a restarted child can
  # take longer than the timeout to start, and every exec of the cascade counts as a hang. -m none: the runtime
  # reserves far more virtual memory than afl-fuzz's default limit. The status screen only when one run has the
  # terminal; otherwise a log.
  local command=(afl-fuzz -i "$seeds" -o "$out/afl" -x "$dict" -t 5000 -m none -V "$seconds" "$@" -- dotnet "$FUZZ_DLL" "$target")
  export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_CRASH_README=1
  if [ -t 1 ] && [ -z "${FUZZ_NO_UI:-}" ]; then
    env -u AFL_NO_UI "${command[@]}"
  else
    AFL_NO_UI=1 "${command[@]}" > "$out/afl.log" 2>&1
  fi
  local status=$?
  if [ ! -f "$out/afl/default/fuzzer_stats" ]; then
    fuzz_log "$target: afl-fuzz did not start (exit $status)"
    [ -f "$out/afl.log" ] && tail -20 "$out/afl.log" >&2
    return 2
  fi
  fuzz_summary "$target" "$out/afl/default/fuzzer_stats"
}

fuzz_stat() { awk -F' *: *' -v key="$2" '$1 == key { print $2 }' "$1"; }

fuzz_summary() {
  local target=$1 stats=$2
  printf '%-18s %4ss %10s execs %9s/s  corpus %5s (%4s new)  edges %5s  stability %7s  crashes %3s  hangs %3s\n' \
    "$target" "$(fuzz_stat "$stats" run_time)" "$(fuzz_stat "$stats" execs_done)" "$(fuzz_stat "$stats" execs_per_sec)" \
    "$(fuzz_stat "$stats" corpus_count)" "$(fuzz_stat "$stats" corpus_found)" "$(fuzz_stat "$stats" edges_found)" \
    "$(fuzz_stat "$stats" stability)" "$(fuzz_stat "$stats" saved_crashes)" "$(fuzz_stat "$stats" saved_hangs)"
}

# Copies crashes and hangs of a run into fuzz/findings/<target>/, named by content so reruns do not duplicate them.
fuzz_collect_findings() {
  local target=$1 out=$2 pair kind file copied=0
  for pair in crashes:crash hangs:hang; do
    kind=${pair#*:}
    for file in "$out/afl/default/${pair%:*}"/id:*; do
      [ -f "$file" ] || continue
      mkdir -p "$FUZZ_DIR/findings/$target"
      cp "$file" "$FUZZ_DIR/findings/$target/$kind-$(sha1sum "$file" | cut -c1-12)"
      copied=$((copied + 1))
    done
  done
  [ "$copied" -eq 0 ] || fuzz_log "$target: $copied crash/hang inputs copied to fuzz/findings/$target/"
}
