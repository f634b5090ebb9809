#!/usr/bin/env bash
# The lead's check of gemm256 on a quiet machine: Gemm.Run from the base build (1b0638a) against this branch's build,
# paired ABBA rounds in one process (1 thread: thread CPU time; 2 threads: wall time), products n 64..2048 and the
# MLP's batch-1024 products. Builds first (not timed), then about 3 minutes of timing.
# usage: bash lead-runner.sh [NEW_COMMIT]   (default: gemm256's head)
set -euo pipefail
REPO=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
NEW=${1:-$(git -C "$REPO" rev-parse gemm256)}
W=$(mktemp -d /tmp/gemm256-lead.XXXX)
for side in old:1b0638a501cd09c1c7fb89e6c8f55b19ebf79104 new:$NEW; do
  name=${side%%:*}; commit=${side#*:}
  mkdir -p "$W/src-$name"
  git -C "$REPO" archive "$commit" src/Descent Directory.Build.props $(git -C "$REPO" ls-tree --name-only "$commit" | grep -E '^(Directory\.Packages\.props|global\.json|NuGet\.config|nuget\.config)$' || true) | tar -x -C "$W/src-$name"
  dotnet build "$W/src-$name/src/Descent/Descent.csproj" -c Release -p:CopyLocalLockFileAssemblies=true -o "$W/$name" -nologo -v q | tail -2
done
mkdir -p "$W/pp"
cp "$(dirname "$0")/harness-products-pair.cs.txt" "$W/pp/Program.cs"
cp "$(dirname "$0")/harness-products-pair.csproj.txt" "$W/pp/pp.csproj"
dotnet build "$W/pp" -c Release -nologo -v q | tail -2
PP="$W/pp/bin/Release/net10.0/pp.dll"
SHAPES="NN:128x128x128,NN:256x256x256,NN:512x512x512,NN:1024x1024x1024,NT:1024x256x784,NN:1024x256x128,TN:256x784x1024"
ROUNDS=11 dotnet "$PP" 1 "$W/old" "$W/new" "$SHAPES"
ROUNDS=11 dotnet "$PP" 2 "$W/old" "$W/new" "$SHAPES"
echo "B/A < 1: the branch is faster; 'bits same' checks both builds' outputs agree."
