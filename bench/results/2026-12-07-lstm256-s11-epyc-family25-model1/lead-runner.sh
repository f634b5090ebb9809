#!/usr/bin/env bash
# The lead's runner for the lstm256 branch: the benchmark's LSTM(64,128) training step, B32 T64, AdamW, MSE, in a
# StepScope, with the old and the new Descent.dll loaded side by side in one process, rounds in ABBA order; 1 thread
# (this thread's CPU time) and 2 threads (wall clock). Also checks that both builds give the same first loss, bit
# for bit (a line "FIRST LOSS DIFFERS" would say otherwise).
# usage: lead-runner.sh [OLD_COMMIT] [NEW_COMMIT]   (defaults: the session's base 1b0638a and the branch lstm256)
# About 1-2 minutes to build on a quiet machine, then about a minute of rounds (ROUNDS, ITERS override 30 and 5).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
old=${1:-1b0638a501cd09c1c7fb89e6c8f55b19ebf79104}
new=${2:-lstm256}
work=$(mktemp -d /tmp/lstm256-runner.XXXXXX)
for side in old new; do
  commit=${!side}
  mkdir -p "$work/src-$side"
  git -C "$repo" archive "$commit" src/Descent Directory.Build.props .editorconfig | tar -x -C "$work/src-$side"
  dotnet build "$work/src-$side/src/Descent/Descent.csproj" -c Release -o "$work/$side" -p:CopyLocalLockFileAssemblies=true -v q -nologo | grep -E "error|Warn|Elapsed" || true
done
mkdir -p "$work/harness"
cp "$here/harness-lstm-pair.cs.txt" "$work/harness/Program.cs"
cp "$here/harness-lstm-pair.csproj.txt" "$work/harness/pair.csproj"
dotnet build "$work/harness" -c Release -v q -nologo | grep -E "error|Elapsed" || true
echo "old = $old, new = $new ($(git -C "$repo" rev-parse --short "$new")); $(grep -m1 'model name' /proc/cpuinfo)"
export ROUNDS=${ROUNDS:-30} ITERS=${ITERS:-5}
dotnet "$work/harness/bin/Release/net10.0/pair.dll" 1 "$work/old" "$work/new"
WALL=1 dotnet "$work/harness/bin/Release/net10.0/pair.dll" 2 "$work/old" "$work/new"
WALL=1 dotnet "$work/harness/bin/Release/net10.0/pair.dll" 2 "$work/new" "$work/old"
