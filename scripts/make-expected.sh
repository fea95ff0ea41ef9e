#!/bin/sh
# Regenerates what `go tool pprof` prints for the corpus, the reference the golden tests
# compare Flamelens's reports with:
#   testdata/expected/<profile>/<I>.<type>.{top.txt,cum.txt,lines.top.txt,tree.txt,dot}
#   testdata/expected-diff/<base>__vs__<new>/<I>.<type>.{top.txt,dot}  (pairs: testdata/diff-pairs.txt)
#   testdata/expected/GENERATED_BY.txt   (the Go version, so the pprof version, that made them)
#   testdata/expected-list/<name>.txt     (-list; cases: testdata/list-cases.txt; last section)
# Only stdout goes into the files. Outputs over 256 KiB are stored gzipped as <name>.gz.
# Profiles that pprof rejects get no folder. If `go` is missing, Debian's golang-go is installed.
#
# Usage: scripts/make-expected.sh [--profiles DIR] [--out DIR] [--pairs FILE] [--out-diff DIR]
#   (defaults: the corpus under testdata/; the options let you run the same commands on another
#   set of profiles, e.g. to compare two pprof versions)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
profiles=$root/testdata/profiles
out=$root/testdata/expected
pairs=$root/testdata/diff-pairs.txt
outdiff=$root/testdata/expected-diff
while [ $# -gt 0 ]; do
  case $1 in
    --profiles) profiles=$(cd "$2" && pwd); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --pairs) pairs=$2; shift 2 ;;
    --out-diff) outdiff=$2; shift 2 ;;
    *) echo "usage: $0 [--profiles DIR] [--out DIR] [--pairs FILE] [--out-diff DIR]" >&2; exit 2 ;;
  esac
done
mkdir -p "$out" "$outdiff"
out=$(cd "$out" && pwd)
outdiff=$(cd "$outdiff" && pwd)

if ! command -v go >/dev/null 2>&1; then
  echo "go not found: installing Debian's golang-go" >&2
  sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update
  $sudo apt-get install -y golang-go
fi

# Same output wherever this runs: times print in UTC, and pprof looks for no local binaries to
# symbolize with (it still tries a mapping's own path; the corpus's paths don't exist).
export TZ=UTC
export PPROF_BINARY_PATH=/nonexistent/flamelens-make-expected

LIMIT=262144 # bytes; larger outputs are gzipped

# emit FILE CMD...: runs CMD in the profiles folder, stores its stdout as FILE (or FILE.gz).
emit() {
  file=$1
  shift
  (cd "$profiles" && "$@") >"$file.tmp" 2>/dev/null || {
    echo "failed: $* (in $profiles)" >&2
    rm -f "$file.tmp"
    return 1
  }
  if [ "$(wc -c <"$file.tmp")" -gt "$LIMIT" ]; then
    gzip -9 -n -c "$file.tmp" >"$file.gz"
    rm -f "$file.tmp"
  else
    mv "$file.tmp" "$file"
  fi
}

# sample_types FILE: one "type/unit" per line, in sample index order; fails if pprof rejects FILE.
sample_types() {
  (cd "$profiles" && go tool pprof -raw "$1" 2>/dev/null) | sed -n '/^Samples:$/{n;p;q;}' | tr ' ' '\n' | sed '/^$/d'
}

go version >"$out/GENERATED_BY.txt"
vendored=$(go env GOROOT)/src/cmd/vendor/modules.txt
if [ -f "$vendored" ]; then
  grep '^# github.com/google/pprof ' "$vendored" | sed 's/^# /pprof: /' >>"$out/GENERATED_BY.txt" || true
fi

# Folders of profiles that are gone.
for dir in "$out"/*/; do
  [ -d "$dir" ] || continue
  [ -f "$profiles/$(basename "$dir")" ] || rm -rf "$dir"
done

for path in "$profiles"/*; do
  [ -f "$path" ] || continue
  name=$(basename "$path")
  rm -rf "${out:?}/$name"
  types=$(sample_types "$name")
  if [ -z "$types" ]; then
    echo "skipped $name: go tool pprof cannot read it" >&2
    continue
  fi
  mkdir -p "$out/$name"
  i=0
  for t in $types; do
    base=$out/$name/$i.${t%/*}
    emit "$base.top.txt" go tool pprof -top -nodefraction=0 -sample_index=$i "$name"
    emit "$base.cum.txt" go tool pprof -top -cum -nodefraction=0 -sample_index=$i "$name"
    emit "$base.lines.top.txt" go tool pprof -top -lines -nodefraction=0 -sample_index=$i "$name"
    emit "$base.tree.txt" go tool pprof -tree -sample_index=$i "$name"
    emit "$base.dot" go tool pprof -dot -sample_index=$i "$name"
    i=$((i + 1))
  done
  echo "expected/$name: $i sample type(s)"
done

[ -f "$pairs" ] || pairs=/dev/null # no pairs: the loop below has nothing to do
# diff-pairs.txt: "<base> <new>" per line, names in the profiles folder; '#' starts a comment.
sed 's/#.*//' "$pairs" | while read -r base new; do
  [ -n "$base" ] || continue
  dir=$outdiff/${base}__vs__$new
  rm -rf "$dir"
  mkdir -p "$dir"
  i=0
  for t in $(sample_types "$new"); do
    emit "$dir/$i.${t%/*}.top.txt" go tool pprof -top -nodefraction=0 -sample_index=$i -diff_base="$base" "$new"
    emit "$dir/$i.${t%/*}.dot" go tool pprof -dot -sample_index=$i -diff_base="$base" "$new"
    i=$((i + 1))
  done
  echo "expected-diff/${base}__vs__$new: $i sample type(s)"
done

# ---- -list: annotated source (the Source view's goldens) -------------------------------------
# For each case of list-cases.txt beside the profiles folder: go tool pprof -list '<regexp>', with
# the sources beside the profiles: profgen is built with -trimpath, so its files are named
# flamelens.dev/testdata/profgen/<file>.go (found in go/ once that prefix is trimmed), and the Node
# profiles name /app/testdata/node/make-profiles.mjs (found from the repository root once /app is
# trimmed). The paths are relative, as emit runs in the profiles folder, so that no path of this
# machine is in an output. Outputs: expected-list/<name>.txt beside expected/.
corpus=$(dirname "$profiles")
listcases=$corpus/list-cases.txt
outlist=$(dirname "$out")/expected-list
if [ -f "$listcases" ]; then
  rm -rf "$outlist"
  mkdir -p "$outlist"
  go version >"$outlist/GENERATED_BY.txt"
  if [ -f "$vendored" ]; then
    grep '^# github.com/google/pprof ' "$vendored" | sed 's/^# /pprof: /' >>"$outlist/GENERATED_BY.txt" || true
  fi
  # Fields: <name> <sample index> <profile> <base or -> <regexp (rest of the line)>; '#' starts a comment line.
  grep -v '^[[:space:]]*#' "$listcases" | while read -r name index profile base regex; do
    [ -n "$name" ] || continue
    set -- go tool pprof -list "$regex" -sample_index="$index" -source_path=../go:../.. \
      -trim_path=flamelens.dev/testdata/profgen:/app
    [ "$base" = - ] || set -- "$@" -diff_base="$base"
    emit "$outlist/$name.txt" "$@" "$profile"
    echo "expected-list/$name.txt"
  done
fi

# ---------------------------------------------------------------------------------------------
# The tag options (tagfocus, tagignore, tagshow, taghide, tagroot, tagleaf) and the -tags report.
# tag-variants.txt, beside the profiles folder: "<name> <profile> <flags...>" per line ('#' starts
# a comment; no flag holds a space). For each variant, expected-tags/<name>/ (beside expected/):
#   tags.txt  go tool pprof -tags FLAGS PROFILE
#   top.txt   go tool pprof -top -nodefraction=0 FLAGS PROFILE
#   dot       go tool pprof -dot FLAGS PROFILE
# Variants whose profile is not in the profiles folder are skipped.
variants=$(dirname "$profiles")/tag-variants.txt
outtags=$(dirname "$out")/expected-tags
if [ -f "$variants" ]; then
  rm -rf "${outtags:?}"
  mkdir -p "$outtags"
  cp "$out/GENERATED_BY.txt" "$outtags/GENERATED_BY.txt"
  set -f # the flags are regexps: no glob expansion of the unquoted $flags below
  sed 's/#.*//' "$variants" | while read -r name profile flags; do
    [ -n "$name" ] || continue
    if [ ! -f "$profiles/$profile" ]; then
      echo "skipped tag variant $name: no $profile" >&2
      continue
    fi
    mkdir -p "$outtags/$name"
    # shellcheck disable=SC2086 # one word per flag
    emit "$outtags/$name/tags.txt" go tool pprof -tags $flags "$profile"
    # shellcheck disable=SC2086
    emit "$outtags/$name/top.txt" go tool pprof -top -nodefraction=0 $flags "$profile"
    # shellcheck disable=SC2086
    emit "$outtags/$name/dot" go tool pprof -dot $flags "$profile"
    echo "expected-tags/$name"
  done
  set +f
fi
