//! `identity`: the PKCS#12 fixtures of testdata/pki (made by the OpenSSL command line, see
//! testdata/pki/README.md), hostile bytes, key/certificate mismatches, certificate fields and
//! password sources.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use estreamer_client::identity::{Identity, IdentityError, PasswordSource, cert_info};
use estreamer_testkit::certs::{self, PkiOptions};
use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use zeroize::Zeroizing;

const LEGACY: &[u8] = include_bytes!("../../testdata/pki/client-legacy.p12");
const AES: &[u8] = include_bytes!("../../testdata/pki/client-aes.p12");
const CA_PEM: &[u8] = include_bytes!("../../testdata/pki/ca.pem");
const CLIENT_PEM: &[u8] = include_bytes!("../../testdata/pki/client.pem");
const PASSWORD: &str = "estreamer-fixture";
const CLIENT_IP: &str = "192.0.2.10";
const CA_CN: &str = "estreamer-rs fixture CA";
/// `-set_serial` of the commands in testdata/pki/README.md.
const CLIENT_SERIAL: &str = "1D2E3F40";
const CA_SERIAL: &str = "CA0001";
/// The fixtures were made on 2026-11-28 with `-days 3650`.
const NOT_AFTER_YEAR: i32 = 2036;

// DER encodings (tag, length, value) of the algorithm identifiers the fixtures must use.
const OID_RC2_40: &[u8] = &[
    0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x06,
];
const OID_3DES: &[u8] = &[
    0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03,
];
const OID_SHA1: &[u8] = &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a];
const OID_PBES2: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
];
const OID_AES256_CBC: &[u8] = &[
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a,
];
const OID_HMAC_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
const OID_SHA256: &[u8] = &[
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn pem_cert(pem: &[u8]) -> CertificateDer<'static> {
    CertificateDer::from_pem_slice(pem).unwrap()
}

fn year(unix: i64) -> i32 {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap()
        .year()
}

fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "estreamer-identity-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn check_fixture_identity(id: &Identity) {
    assert!(matches!(id.key, PrivateKeyDer::Pkcs8(_)));
    assert!(!id.key.secret_der().is_empty());
    assert_eq!(
        id.chain.len(),
        1,
        "the chain is the leaf only (the CA is a root)"
    );
    assert_eq!(id.leaf(), &pem_cert(CLIENT_PEM));
    assert_eq!(id.ca, vec![pem_cert(CA_PEM)]);
    assert_eq!(id.trust_anchors(), vec![pem_cert(CA_PEM)]);

    let leaf = cert_info(id.leaf()).unwrap();
    assert_eq!(leaf.common_name.as_deref(), Some(CLIENT_IP));
    // The key is the leaf's: rustls agrees.
    let signing_key = rustls::crypto::ring::sign::any_supported_type(&id.key).unwrap();
    let certified = rustls::sign::CertifiedKey::new(id.chain.clone(), signing_key);
    certified.keys_match().unwrap();
}

#[test]
fn legacy_fixture_is_rc2_3des_sha1_and_loads() {
    assert!(contains(LEGACY, OID_RC2_40), "certificates under RC2-40");
    assert!(contains(LEGACY, OID_3DES), "key under 3DES");
    assert!(contains(LEGACY, OID_SHA1), "SHA-1 MAC");
    assert!(!contains(LEGACY, OID_PBES2));
    let id = Identity::from_pkcs12(LEGACY, PASSWORD).unwrap();
    check_fixture_identity(&id);
}

#[test]
fn aes_fixture_is_pbes2_aes256_sha256_and_loads() {
    assert!(contains(AES, OID_PBES2));
    assert!(contains(AES, OID_AES256_CBC));
    assert!(contains(AES, OID_HMAC_SHA256), "PBKDF2 with HMAC-SHA-256");
    assert!(contains(AES, OID_SHA256), "SHA-256 MAC");
    assert!(!contains(AES, OID_3DES) && !contains(AES, OID_RC2_40));
    let id = Identity::from_pkcs12(AES, PASSWORD).unwrap();
    check_fixture_identity(&id);
}

#[test]
fn both_fixtures_hold_the_same_identity() {
    let legacy = Identity::from_pkcs12(LEGACY, PASSWORD).unwrap();
    let aes = Identity::from_pkcs12(AES, PASSWORD).unwrap();
    assert_eq!(legacy.key.secret_der(), aes.key.secret_der());
    assert_eq!(legacy.chain, aes.chain);
    assert_eq!(legacy.ca, aes.ca);
}

#[test]
fn load_reads_a_file_and_names_a_missing_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/pki/client-aes.p12");
    check_fixture_identity(&Identity::load(&path, PASSWORD).unwrap());

    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/pki/no-such.p12");
    match Identity::load(&missing, PASSWORD) {
        Err(e @ IdentityError::Io { .. }) => {
            let IdentityError::Io { path, source } = &e else {
                unreachable!()
            };
            assert_eq!(path, &missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
            assert!(e.to_string().contains("no-such.p12"), "{e}");
            assert!(std::error::Error::source(&e).is_some());
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn wrong_password_is_reported_as_such() {
    for (name, p12) in [("legacy", LEGACY), ("aes", AES)] {
        for password in ["wrong", "", "estreamer-fixture ", "Estreamer-fixture"] {
            match Identity::from_pkcs12(p12, password) {
                Err(IdentityError::WrongPassword) => {}
                other => panic!("{name} with {password:?}: expected WrongPassword, got {other:?}"),
            }
        }
    }
    let message = IdentityError::WrongPassword.to_string();
    assert_eq!(
        message,
        "the PKCS#12 password is wrong (MAC verification failed)"
    );
}

#[test]
fn without_a_mac_a_wrong_password_fails_decryption() {
    let p12 = include_bytes!("../../testdata/pki/client-nomac.p12");
    check_fixture_identity(&Identity::from_pkcs12(p12, PASSWORD).unwrap());
    match Identity::from_pkcs12(p12, "wrong") {
        Err(e @ IdentityError::DecryptionFailed) => {
            assert!(e.to_string().contains("password is wrong"), "{e}")
        }
        other => panic!("expected DecryptionFailed, got {other:?}"),
    }
}

#[test]
fn rc2_128_is_reported_as_unsupported() {
    let p12 = include_bytes!("../../testdata/pki/client-rc2-128.p12");
    match Identity::from_pkcs12(p12, PASSWORD) {
        Err(e @ IdentityError::Unsupported(_)) => {
            let message = e.to_string();
            assert!(message.contains("128-bit RC2"), "{message}");
            assert!(message.contains("openssl pkcs12"), "{message}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn a_key_rustls_cannot_sign_with_is_reported() {
    let p12 = include_bytes!("../../testdata/pki/secp256k1.p12");
    match Identity::from_pkcs12(p12, PASSWORD) {
        Err(e @ IdentityError::UnsupportedKey(_)) => {
            assert!(e.to_string().contains("ECDSA P-256/P-384"), "{e}")
        }
        other => panic!("expected UnsupportedKey, got {other:?}"),
    }
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    for p12 in [LEGACY, AES] {
        for len in 0..p12.len() {
            let result = Identity::from_pkcs12(&p12[..len], PASSWORD);
            assert!(
                matches!(result, Err(IdentityError::Malformed(_))),
                "prefix of {len} bytes: {result:?}"
            );
        }
    }
}

#[test]
fn garbage_and_flipped_bytes_are_errors_not_panics() {
    let garbage: [&[u8]; 5] = [
        b"",
        b"not a pkcs12 file",
        CA_PEM,
        &[0x30, 0x80, 0x00, 0x00],
        &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x03],
    ];
    for bytes in garbage {
        let result = Identity::from_pkcs12(bytes, PASSWORD);
        assert!(
            matches!(result, Err(IdentityError::Malformed(_))),
            "{result:?}"
        );
    }
    // A certificate alone (DER) is not a PKCS#12.
    let result = Identity::from_pkcs12(pem_cert(CA_PEM).as_ref(), PASSWORD);
    assert!(result.is_err());

    // Pseudo-random bytes after a plausible header.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = vec![0x30, 0x82, 0x03, 0x00];
    noise.extend((0..0x300).map(|_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as u8
    }));
    assert!(Identity::from_pkcs12(&noise, PASSWORD).is_err());

    // One flipped bit at a spread of positions: the MAC or the DER catches each.
    for p12 in [LEGACY, AES] {
        for position in (0..p12.len()).step_by(61) {
            let mut bytes = p12.to_vec();
            bytes[position] ^= 0x10;
            let result = Identity::from_pkcs12(&bytes, PASSWORD);
            assert!(result.is_err(), "flip at {position} accepted");
        }
    }
}

#[test]
fn cert_info_of_the_fixture_certificates() {
    let client = cert_info(&pem_cert(CLIENT_PEM)).unwrap();
    assert_eq!(client.subject, format!("CN={CLIENT_IP}"));
    assert_eq!(
        client.issuer,
        format!("O=estreamer-rs fixtures, CN={CA_CN}")
    );
    assert_eq!(client.common_name.as_deref(), Some(CLIENT_IP));
    // In the SAN and in the CN: listed once.
    assert_eq!(
        client.ip_addresses,
        vec![CLIENT_IP.parse::<IpAddr>().unwrap()]
    );
    assert!(client.dns_names.is_empty());
    assert_eq!(client.serial_hex, CLIENT_SERIAL);
    assert!(!client.is_ca);
    assert!(!client.self_signed);
    assert_eq!(year(client.not_after), NOT_AFTER_YEAR);
    assert_eq!(client.not_after - client.not_before, 3650 * 86_400);

    let ca = cert_info(&pem_cert(CA_PEM)).unwrap();
    assert_eq!(ca.subject, format!("O=estreamer-rs fixtures, CN={CA_CN}"));
    assert_eq!(ca.issuer, ca.subject);
    assert_eq!(ca.common_name.as_deref(), Some(CA_CN));
    assert_eq!(ca.serial_hex, CA_SERIAL);
    assert!(ca.is_ca);
    assert!(ca.self_signed);
    assert!(ca.ip_addresses.is_empty());
    assert_eq!(year(ca.not_after), NOT_AFTER_YEAR);
}

#[test]
fn cert_info_rejects_bad_certificates() {
    let cert = pem_cert(CLIENT_PEM);
    for bad in [
        Vec::new(),
        cert.as_ref()[..cert.len() - 1].to_vec(),
        [cert.as_ref(), &[0]].concat(),
        b"garbage".to_vec(),
    ] {
        let result = cert_info(&CertificateDer::from(bad));
        assert!(
            matches!(result, Err(IdentityError::Certificate(_))),
            "{result:?}"
        );
    }
}

#[test]
fn debug_shows_no_key_material() {
    for p12 in [LEGACY, AES] {
        let id = Identity::from_pkcs12(p12, PASSWORD).unwrap();
        let debug = format!("{id:?}");
        let pretty = format!("{id:#?}");
        assert!(debug.contains("redacted"), "{debug}");
        assert!(debug.contains(CLIENT_IP), "{debug}");
        let key = id.key.secret_der();
        for window in key.windows(8).step_by(8) {
            let hex_lower: String = window.iter().map(|b| format!("{b:02x}")).collect();
            let hex_upper = hex_lower.to_uppercase();
            let decimal = format!("{window:?}");
            let decimal = &decimal[1..decimal.len() - 1];
            for text in [&debug, &pretty] {
                assert!(!text.contains(&hex_lower) && !text.contains(&hex_upper));
                assert!(!text.contains(decimal), "{decimal} in {text}");
            }
        }
        // The PKCS#8 header bytes, as a Debug of a byte slice would print them.
        assert!(!debug.contains("48, 130"));
    }
}

#[test]
fn clone_keeps_everything_and_into_parts_gives_it_back() {
    let id = Identity::from_pkcs12(AES, PASSWORD).unwrap();
    let copy = id.clone();
    assert_eq!(copy.key.secret_der(), id.key.secret_der());
    assert_eq!(copy.chain, id.chain);
    assert_eq!(copy.ca, id.ca);
    let (key, chain, ca) = copy.into_parts();
    assert_eq!(key.secret_der(), id.key.secret_der());
    assert_eq!(chain, id.chain);
    assert_eq!(ca, id.ca);
}

/// A PKCS#12 written with p12-keystore from the given key and certificates.
fn p12_with(
    key: Option<&PrivateKeyDer<'_>>,
    chain: &[&CertificateDer<'_>],
    extra_ca: &[&CertificateDer<'_>],
) -> Vec<u8> {
    let mut store = KeyStore::new();
    for (i, ca) in extra_ca.iter().enumerate() {
        store.add_entry(
            &format!("ca{i}"),
            KeyStoreEntry::Certificate(Certificate::from_der(ca.as_ref()).unwrap()),
        );
    }
    if let Some(key) = key {
        let certs = chain
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).unwrap());
        let key = PrivateKey::from_der(key.secret_der()).unwrap();
        store.add_entry(
            "identity",
            KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(b"id".as_slice(), key, certs)),
        );
    }
    store
        .writer("pw")
        .encryption_algorithm(EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
        .mac_algorithm(MacAlgorithm::HmacSha256)
        .encryption_iterations(16)
        .mac_iterations(16)
        .write()
        .unwrap()
}

#[test]
fn leaf_is_chosen_by_key_not_by_position() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let client_cert = pki.client.leaf();
    // The CA comes first in the file and carries the key's localKeyId; the leaf comes second.
    let p12 = p12_with(Some(&pki.client.key), &[&pki.ca_cert, client_cert], &[]);
    let id = Identity::from_pkcs12(&p12, "pw").unwrap();
    assert_eq!(id.leaf(), client_cert);
    assert_eq!(id.chain, vec![client_cert.clone()]);
    assert_eq!(id.ca, vec![pki.ca_cert.clone()]);
}

#[test]
fn trusted_certificate_bags_are_ca_certificates() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let other = certs::generate(&PkiOptions::default()).unwrap();
    let p12 = p12_with(
        Some(&pki.client.key),
        &[pki.client.leaf()],
        &[&pki.ca_cert, &other.ca_cert, other.client.leaf()],
    );
    let id = Identity::from_pkcs12(&p12, "pw").unwrap();
    assert_eq!(id.chain, vec![pki.client.leaf().clone()]);
    // Both CAs are anchors; the unrelated end-entity certificate is dropped.
    assert_eq!(id.ca.len(), 2);
    assert!(id.ca.contains(&pki.ca_cert) && id.ca.contains(&other.ca_cert));
    assert_eq!(id.trust_anchors().len(), 2);
}

#[test]
fn key_without_its_certificate_is_rejected() {
    let a = certs::generate(&PkiOptions::default()).unwrap();
    let b = certs::generate(&PkiOptions::default()).unwrap();
    let p12 = p12_with(Some(&a.client.key), &[b.client.leaf(), &b.ca_cert], &[]);
    match Identity::from_pkcs12(&p12, "pw") {
        Err(e @ IdentityError::KeyDoesNotMatchCertificate) => {
            assert!(e.to_string().contains("eStreamer page"), "{e}");
        }
        other => panic!("expected KeyDoesNotMatchCertificate, got {other:?}"),
    }
}

#[test]
fn missing_key_or_certificate_is_rejected() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();

    let certs_only = p12_with(None, &[], &[pki.client.leaf(), &pki.ca_cert]);
    match Identity::from_pkcs12(&certs_only, "pw") {
        Err(e @ IdentityError::NoKey) => assert_eq!(
            e.to_string(),
            "the PKCS#12 holds no private key: download the client certificate again from the \
             FMC's eStreamer page (System > Integration > eStreamer, or System > Local > \
             Registration > eStreamer)"
        ),
        other => panic!("expected NoKey, got {other:?}"),
    }

    let key_only = p12_with(Some(&pki.client.key), &[], &[]);
    let result = Identity::from_pkcs12(&key_only, "pw");
    assert!(
        matches!(result, Err(IdentityError::NoCertificate)),
        "{result:?}"
    );
}

#[test]
fn leaf_of_a_hand_built_identity_without_chain_is_empty() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let id = Identity {
        key: pki.client.key.clone_key(),
        chain: Vec::new(),
        ca: Vec::new(),
    };
    assert!(id.leaf().is_empty());
    assert!(id.trust_anchors().is_empty());
}

#[test]
fn password_from_a_file_loses_one_line_ending() {
    let dir = temp_dir("password");
    for (contents, expected) in [
        ("secret", "secret"),
        ("secret\n", "secret"),
        ("secret\r\n", "secret"),
        ("secret\n\n", "secret\n"),
        (" spaced secret \n", " spaced secret "),
        ("\n", ""),
        ("", ""),
        ("pässwörd\n", "pässwörd"),
    ] {
        let path = dir.join("password.txt");
        std::fs::write(&path, contents).unwrap();
        let password = PasswordSource::File(path).read().unwrap();
        assert_eq!(password.as_str(), expected, "{contents:?}");
    }

    let path = dir.join("not-utf8.txt");
    std::fs::write(&path, [0xff, 0xfe, b'\n']).unwrap();
    let e = PasswordSource::File(path).read().unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);

    let missing = dir.join("missing.txt");
    let e = PasswordSource::File(missing).read().unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    assert!(e.to_string().contains("missing.txt"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn password_from_the_environment_and_literal() {
    // Tests cannot set variables (set_var is unsafe and unsafe code is forbidden): read one the
    // test harness always has, and one nobody sets.
    let expected = std::env::var("CARGO_PKG_NAME");
    let read = PasswordSource::Env("CARGO_PKG_NAME".to_owned()).read();
    match expected {
        Ok(value) => assert_eq!(read.unwrap().as_str(), value),
        Err(_) => assert!(read.is_err()),
    }
    let e = PasswordSource::Env("ESTREAMER_RS_TEST_NEVER_SET_7F3A".to_owned())
        .read()
        .unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    assert!(
        e.to_string().contains("ESTREAMER_RS_TEST_NEVER_SET_7F3A"),
        "{e}"
    );

    let literal = PasswordSource::Literal(Zeroizing::new("estreamer".to_owned()));
    assert_eq!(literal.read().unwrap().as_str(), "estreamer");
    assert_eq!(format!("{literal:?}"), "Literal(<redacted>)");
}

#[test]
fn readme_names_the_fixture_password_and_ip() {
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/pki/README.md"),
    )
    .unwrap();
    assert!(readme.contains(PASSWORD));
    assert!(readme.contains(CLIENT_IP));
}
