#!/usr/bin/env bash
# Refreshes aws-models/ from the botocore wheel on PyPI: the ECS and EKS service models, their
# waiters and paginators, and botocore's licence and notice.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/refresh-aws-models.sh VERSION

Downloads botocore==VERSION from PyPI (pip download --no-deps), and copies the
service model, waiters and paginators of botocore/data/ecs/2014-11-13 and
botocore/data/eks/2017-11-01 into aws-models/,
with LICENSE.txt and NOTICE, and records VERSION in aws-models/README.md.
Then run the model test: it names every member the new models add that
src/api/ecs-fields.ts does not classify yet.
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  '') usage >&2; exit 2 ;;
esac
version="$1"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "refresh-aws-models: VERSION must look like 1.44.18, not \"$version\"" >&2
  exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/aws-models"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pip download --quiet --no-deps --only-binary=:all: --dest "$work" "botocore==$version"
wheel="$(ls "$work"/botocore-"$version"-*.whl)"
unzip -q "$wheel" -d "$work/wheel"
data="$work/wheel/botocore/data"
info="$(ls -d "$work"/wheel/botocore-"$version".dist-info)"

for model in ecs/2014-11-13 eks/2017-11-01; do
  target="$dest/${model/\//-}"
  rm -rf "$target"
  mkdir -p "$target"
  # The models, waiters and paginators; endpoint rules and examples are not part of the contract.
  for file in service-2.json.gz waiters-2.json paginators-1.json; do cp "$data/$model/$file" "$target/"; done
done
# The wheel's licence files sit in the dist-info folder (under licenses/ in newer wheels).
for file in LICENSE.txt NOTICE; do
  found="$(find "$info" -name "$file" | head -n 1)"
  if [ -z "$found" ]; then echo "refresh-aws-models: $file not found in the wheel" >&2; exit 1; fi
  cp "$found" "$dest/$file"
done
sed -i -E "s/\*\*version [0-9]+\.[0-9]+\.[0-9]+\*\*/**version $version**/; s/(refresh-aws-models\.sh )[0-9]+\.[0-9]+\.[0-9]+/\1$version/" "$dest/README.md"
echo "aws-models/ now holds botocore $version"
