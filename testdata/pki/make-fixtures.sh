#!/bin/sh
# Regenerates the PKCS#12 fixtures of testdata/pki with the OpenSSL 3 command line, the way a
# Management Center issues an eStreamer client certificate: an RSA CA, a client certificate
# whose Subject CN is the client's IP address, both packed with the client's key into a
# password-protected PKCS#12. See README.md in this directory.
#
# Private keys are generated into a temporary directory and deleted at the end: only
# certificates and the encrypted .p12 files are written here.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
umask 077

password=estreamer-fixture
client_ip=192.0.2.10

# Fixtures for the error paths, from the client key in $tmp/client.key.
make_extra_fixtures() {
    # No MAC at all: a wrong password shows only when decryption fails.
    openssl pkcs12 -export -nomac -name "$client_ip" \
        -inkey "$tmp/client.key" -in "$here/client.pem" -certfile "$here/ca.pem" \
        -passout "pass:$password" -out "$here/client-nomac.p12"
    # pbeWithSHAAnd128BitRC2-CBC, which the PKCS#12 reader does not implement.
    openssl pkcs12 -export -legacy -keypbe PBE-SHA1-RC2-128 -certpbe PBE-SHA1-RC2-128 \
        -name "$client_ip" -inkey "$tmp/client.key" -in "$here/client.pem" \
        -certfile "$here/ca.pem" -passout "pass:$password" -out "$here/client-rc2-128.p12"
    # A key on secp256k1, which TLS (rustls with ring) cannot sign with.
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out "$tmp/k1.key"
    openssl req -x509 -key "$tmp/k1.key" -days 3650 -sha256 -set_serial 0x5EC256 \
        -subj "/CN=$client_ip" -out "$tmp/k1.pem"
    openssl pkcs12 -export -name "$client_ip" -inkey "$tmp/k1.key" -in "$tmp/k1.pem" \
        -passout "pass:$password" -out "$here/secp256k1.p12"
}

if [ "${1:-}" = --extra-only ]; then
    # Remake only the error-path fixtures, with the client key taken from client-aes.p12.
    openssl pkcs12 -in "$here/client-aes.p12" -passin "pass:$password" -nocerts -nodes \
        -out "$tmp/client.key"
    make_extra_fixtures
    chmod 644 "$here"/*.p12
    exit 0
fi

# The CA (self-signed, 10 years).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -out "$here/ca.pem" \
    -days 3650 -sha256 -set_serial 0x0CA0001 \
    -subj "/O=estreamer-rs fixtures/CN=estreamer-rs fixture CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash"

# The client key and certificate: CN and IP SAN are the client's address, clientAuth EKU.
openssl req -new -newkey rsa:2048 -nodes -keyout "$tmp/client.key" -out "$tmp/client.csr" \
    -subj "/CN=$client_ip"
cat > "$tmp/client.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
subjectAltName=IP:$client_ip
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EXT
openssl x509 -req -in "$tmp/client.csr" -CA "$here/ca.pem" -CAkey "$tmp/ca.key" \
    -set_serial 0x1D2E3F40 -days 3650 -sha256 -extfile "$tmp/client.ext" -out "$here/client.pem"

# Legacy encoding (older FMCs, OpenSSL 1.x default): certificates pbeWithSHAAnd40BitRC2-CBC,
# key pbeWithSHAAnd3-KeyTripleDES-CBC, HMAC-SHA-1 MAC.
openssl pkcs12 -export -legacy -name "$client_ip" \
    -inkey "$tmp/client.key" -in "$here/client.pem" -certfile "$here/ca.pem" \
    -passout "pass:$password" -out "$here/client-legacy.p12"

# Modern encoding (OpenSSL 3 default): PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC for
# certificates and key, HMAC-SHA-256 MAC.
openssl pkcs12 -export -name "$client_ip" \
    -inkey "$tmp/client.key" -in "$here/client.pem" -certfile "$here/ca.pem" \
    -passout "pass:$password" -out "$here/client-aes.p12"

make_extra_fixtures

chmod 644 "$here"/*.pem "$here"/*.p12
