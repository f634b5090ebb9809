#!/bin/bash
# The lead's runner (session 11, helper overhead): the base build (1b0638a) against this branch's build on the
# 1-element add with and without grad, ABBA processes, median of 100k-call batches of this thread's processor time.
# Usage, from the repository root on a quiet machine:  bash bench/results/2026-12-07-overhead-s11-epyc-family25-model1/lead-runner.sh
# About 1 minute to build both harnesses (the base's sources come from `git archive`, nothing in the tree changes), then
# 16 runs of about 5 s each.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
base=1b0638a501cd09c1c7fb89e6c8f55b19ebf79104
work="$(mktemp -d /tmp/overhead-runner.XXXXXX)"
git -C "$repo" archive "$base" src/Descent Directory.Build.props | tar -x -C "$work" && mkdir -p "$work/old-src" && mv "$work/src" "$work/Directory.Build.props" "$work/old-src/"
for side in old new; do
  mkdir -p "$work/h-$side"
  cp "$here/harness-overhead.cs.txt" "$work/h-$side/Program.cs"
  cp "$here/harness-overhead.csproj.txt" "$work/h-$side/Harness.csproj"
  proj="$repo/src/Descent/Descent.csproj"; [ "$side" = old ] && proj="$work/old-src/src/Descent/Descent.csproj"
  dotnet build "$work/h-$side/Harness.csproj" -c Release -p:DescentProject="$proj" -o "$work/bin-$side" 2>&1 | grep -E "error|Warn|Elapsed" || true
done
for mode in add addgrad; do
  for round in 1 2; do
    for side in old new new old; do
      echo "$mode $side $(dotnet "$work/bin-$side/Descent.Bench.dll" $mode 3 1 2>&1 | sed -n 2p | grep -o '[0-9.]* B/call\|thread CPU.*' | tr '\n' ' ')"
    done
  done
done
rm -rf "$work"
