#!/usr/bin/env bash
# attn256's lead's runner: the paired harness (harness-attn256.cs.txt) against two Descent.dll builds, ABBA, on a quiet
# machine; about 2 minutes once both DLLs exist.
#   bash run-ab.sh [OLD_DESCENT_DLL] [NEW_DESCENT_DLL]
# OLD defaults to a Release build of the base commit 1b0638a (made here with git archive if absent: a few minutes
# more), NEW to this worktree's src/Descent/bin/Release/net10.0/Descent.dll (run `dotnet build src/Descent -c Release`).
# Prints, per case, thread CPU and wall time per call (median and fastest batch) for each run; compare A (old) with
# B (new) on the same lines. Cases: the attention kernel alone (48 heads of 64 x 64 x 32, forward and backward, 1
# thread), the transformer block step (B12 T64 d128, AdamW) on 1 and 2 threads.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="${TMPDIR:-/tmp}/attn256-ab"
old="${1:-}"
new="${2:-$root/src/Descent/bin/Release/net10.0/Descent.dll}"
mkdir -p "$work"
if [ -z "$old" ]; then
  old="$work/base/src/Descent/bin/Release/net10.0/Descent.dll"
  if [ ! -f "$old" ]; then
    rm -rf "$work/base" && mkdir -p "$work/base"
    git -C "$root" archive 1b0638a501cd09c1c7fb89e6c8f55b19ebf79104 | tar -x -C "$work/base"
    dotnet build "$work/base/src/Descent" -c Release -nologo -v q
  fi
fi
[ -f "$new" ] || { echo "no new Descent.dll at $new: build src/Descent -c Release first"; exit 1; }
mkdir -p "$work/harness"
cp "$here/harness-attn256.cs.txt" "$work/harness/Program.cs"
cp "$here/harness-attn256.csproj.txt" "$work/harness/Harness.csproj"
dotnet build "$work/harness" -c Release -nologo -v q -p:DescentDll="$old" -o "$work/out" >/dev/null
rm -rf "$work/A" "$work/B"
cp -r "$work/out" "$work/A" && cp "$old" "$work/A/Descent.dll"
cp -r "$work/out" "$work/B" && cp "$new" "$work/B/Descent.dll"
echo "A = $old"
echo "B = $new"
for c in "attnkernel 4 1" "transformer 5 1" "transformer 5 2"; do
  for side in A B B A; do
    echo -n "$side "
    dotnet "$work/$side/Descent.Bench.dll" $c
  done
done
