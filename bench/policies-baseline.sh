#!/usr/bin/env bash
# Runs bench/policies.ts of this tree against the policies of an earlier commit (default b03e69e,
# the pack before issue #13's speed work), so "before" and "now" are measured the same way.
# The earlier tree is a temporary git worktree sharing this one's node_modules; results go to
# bench/results/policies-baseline.json.
set -eu
commit=${1:-b03e69e}
here=$(cd "$(dirname "$0")/.." && pwd)
[ -d "$here/bench/node_modules" ] || npm --prefix "$here/bench" ci --no-audit --no-fund --ignore-scripts
tree=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$tree"' EXIT
git -C "$here" worktree add --quiet --detach "$tree" "$commit"
ln -s "$here/node_modules" "$tree/node_modules"
mkdir -p "$tree/bench"
ln -s "$here/bench/node_modules" "$tree/bench/node_modules"
cp "$here/bench/policies.ts" "$tree/bench/policies.ts"
cd "$tree"
node -r ts-node/register/transpile-only bench/policies.ts "${2:-10000}" "$here/bench/results/policies-baseline.json" >/dev/null
echo "baseline of $commit: $here/bench/results/policies-baseline.json"
