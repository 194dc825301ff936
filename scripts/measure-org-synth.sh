#!/bin/sh
# Measures the organization synth (docs/deploy.md §10, "Measured"): wall time and max RSS of
# `cdk synth` for 3 OUs x 4 regions, offline with empty credentials, RUNS times; then each
# template's size and resource count, and the spoke's resources by type. Prints the load average,
# which is part of every timing on a shared machine.
set -eu
RUNS=${RUNS:-3}
OUT=${OUT:-$(mktemp -d)}
cd "$(dirname "$0")/.."
i=1
while [ "$i" -le "$RUNS" ]; do
  rm -rf "$OUT/cdk.out"
  echo "load average before run $i: $(cut -d' ' -f1-3 /proc/loadavg)"
  env AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= AWS_PROFILE= AWS_EC2_METADATA_DISABLED=true \
    /usr/bin/time -f "run $i: %e s wall, %M KB max RSS" npx cdk synth -q -o "$OUT/cdk.out" \
    -c organizationId=o-abcdefghij \
    -c organizationalUnits=ou-abc1-aaaaaaaa,ou-abc1-bbbbbbbb,ou-abc1-cccccccc \
    -c regions=us-east-1,eu-west-1,ap-southeast-2,us-west-2 \
    -c account=111111111111 -c region=us-east-1 2>&1 | grep '^run '
  i=$((i + 1))
done
cd "$OUT/cdk.out"
for f in *.template.json; do
  node -e "const fs=require('fs');const t=JSON.parse(fs.readFileSync('$f','utf8'));const types={};for(const r of Object.values(t.Resources||{}))types[r.Type]=(types[r.Type]||0)+1;console.log('$f: '+fs.statSync('$f').size+' bytes, '+Object.keys(t.Resources||{}).length+' resources'+('$f'.includes('stackset')?' '+JSON.stringify(types):''))"
done
rm -rf "$OUT"
