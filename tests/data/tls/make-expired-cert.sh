#!/bin/sh
# Makes expired.pem/expired.key: a leaf for localhost and 127.0.0.1, signed by the test CA
# (ca.pem/ca.key), valid only on 1 January 2020, so it is already expired. Run from this directory.
set -e
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout expired.key -out "$work/expired.csr" -subj "/CN=localhost"
cat > "$work/ca.cnf" <<CONF
[ca]
default_ca = test
[test]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = anything
[anything]
commonName = supplied
[leaf]
subjectAltName = DNS:localhost,IP:127.0.0.1
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
CONF
: > "$work/index.txt"
echo 01 > "$work/serial"
# `openssl ca` is the one openssl 3.0 command that takes explicit validity dates.
openssl ca -batch -notext -config "$work/ca.cnf" -cert ca.pem -keyfile ca.key \
  -in "$work/expired.csr" -out expired.pem -extensions leaf \
  -startdate 20200101000000Z -enddate 20200102000000Z
