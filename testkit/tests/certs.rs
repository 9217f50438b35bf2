//! `certs`: the generated test PKI loads back, OpenSSL accepts its PKCS#12 files, rustls
//! completes a mutually authenticated handshake with it (TLS 1.3 and 1.2) and rejects a client
//! or server from another generated PKI; `write_dir` writes the files and will not overwrite.

use std::io::{Read, Write};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use estreamer_client::identity::{Identity, IdentityError, PasswordSource, cert_info};
use estreamer_testkit::certs::{self, CertsError, P12Encryption, Pki, PkiOptions};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};
use x509_parser::extensions::ParsedExtension;
use zeroize::Zeroizing;

const PASSWORD: &str = "estreamer";

// DER encodings (tag, length, value) of the algorithm identifiers in the PKCS#12 files.
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
const OID_SHA256: &[u8] = &[
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn options(encryption: P12Encryption) -> PkiOptions {
    PkiOptions {
        client_ip: "192.0.2.77".parse().unwrap(),
        encryption,
        ..PkiOptions::default()
    }
}

fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "estreamer-certs-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots(anchors: &[CertificateDer<'static>]) -> Arc<RootCertStore> {
    let mut store = RootCertStore::empty();
    for anchor in anchors {
        store.add(anchor.clone()).unwrap();
    }
    Arc::new(store)
}

/// A server that requires client certificates issued by its own CA.
fn server_config(
    server: &Identity,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<ServerConfig> {
    let verifier = WebPkiClientVerifier::builder_with_provider(roots(&server.ca), provider())
        .build()
        .unwrap();
    Arc::new(
        ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(versions)
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(server.chain.clone(), server.key.clone_key())
            .unwrap(),
    )
}

/// A client presenting `client` and trusting the anchors of its PKCS#12.
fn client_config(
    client: &Identity,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<ClientConfig> {
    Arc::new(
        ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(versions)
            .unwrap()
            .with_root_certificates(roots(&client.trust_anchors()))
            .with_client_auth_cert(client.chain.clone(), client.key.clone_key())
            .unwrap(),
    )
}

/// Which side failed, and how.
#[derive(Debug)]
enum Failure {
    Client(rustls::Error),
    Server(rustls::Error),
}

/// Runs a handshake in memory, then sends a message each way. Returns the client certificate
/// the server saw.
fn handshake(
    server: Arc<ServerConfig>,
    client: Arc<ClientConfig>,
) -> Result<Vec<CertificateDer<'static>>, Failure> {
    let mut server = ServerConnection::new(server).unwrap();
    let mut client =
        ClientConnection::new(client, ServerName::try_from("localhost").unwrap()).unwrap();
    client.writer().write_all(b"hello server").unwrap();
    server.writer().write_all(b"hello client").unwrap();

    let mut to_server = Vec::new();
    let mut to_client = Vec::new();
    let mut got_at_server = Vec::new();
    let mut got_at_client = Vec::new();
    for _ in 0..20 {
        while client.wants_write() {
            client.write_tls(&mut to_server).unwrap();
        }
        let mut input = &to_server[..];
        while !input.is_empty() {
            server.read_tls(&mut input).unwrap();
            server.process_new_packets().map_err(Failure::Server)?;
        }
        to_server.clear();
        while server.wants_write() {
            server.write_tls(&mut to_client).unwrap();
        }
        let mut input = &to_client[..];
        while !input.is_empty() {
            client.read_tls(&mut input).unwrap();
            client.process_new_packets().map_err(Failure::Client)?;
        }
        to_client.clear();
        let _ = server.reader().read_to_end(&mut got_at_server);
        let _ = client.reader().read_to_end(&mut got_at_client);
        if !client.is_handshaking()
            && !server.is_handshaking()
            && got_at_server.len() == 12
            && got_at_client.len() == 12
        {
            break;
        }
    }
    assert!(!client.is_handshaking() && !server.is_handshaking());
    assert_eq!(got_at_server, b"hello server");
    assert_eq!(got_at_client, b"hello client");
    Ok(server.peer_certificates().unwrap().to_vec())
}

const BOTH_VERSIONS: [&[&rustls::SupportedProtocolVersion]; 2] =
    [&[&rustls::version::TLS13], &[&rustls::version::TLS12]];

fn check_loaded(pki: &Pki, encryption: P12Encryption) {
    for (p12, expected) in [
        (&pki.client_p12, &pki.client),
        (&pki.server_p12, &pki.server),
    ] {
        match encryption {
            P12Encryption::Legacy3Des => {
                assert!(contains(p12, OID_3DES) && contains(p12, OID_SHA1));
                assert!(!contains(p12, OID_PBES2));
            }
            P12Encryption::Aes256 => {
                assert!(contains(p12, OID_PBES2) && contains(p12, OID_AES256_CBC));
                assert!(contains(p12, OID_SHA256));
                assert!(!contains(p12, OID_3DES));
            }
        }
        let loaded = Identity::from_pkcs12(p12, PASSWORD).unwrap();
        assert_eq!(loaded.key.secret_der(), expected.key.secret_der());
        assert_eq!(loaded.chain, expected.chain);
        assert_eq!(loaded.ca, vec![pki.ca_cert.clone()]);
        assert_eq!(loaded.trust_anchors(), vec![pki.ca_cert.clone()]);
        assert!(matches!(
            Identity::from_pkcs12(p12, "not the password"),
            Err(IdentityError::WrongPassword)
        ));
    }
}

#[test]
fn generated_p12_files_load_back_aes256() {
    let pki = certs::generate(&options(P12Encryption::Aes256)).unwrap();
    check_loaded(&pki, P12Encryption::Aes256);
}

#[test]
fn generated_p12_files_load_back_legacy_3des() {
    let pki = certs::generate(&options(P12Encryption::Legacy3Des)).unwrap();
    check_loaded(&pki, P12Encryption::Legacy3Des);
}

/// The extended key usages of a certificate: (serverAuth, clientAuth).
fn eku(cert: &CertificateDer<'_>) -> (bool, bool) {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).unwrap();
    for ext in parsed.extensions() {
        if let ParsedExtension::ExtendedKeyUsage(eku) = ext.parsed_extension() {
            return (eku.server_auth, eku.client_auth);
        }
    }
    (false, false)
}

#[test]
fn certificates_are_made_like_a_management_center_makes_them() {
    let opts = PkiOptions {
        client_ip: "2001:db8::5".parse().unwrap(),
        server_names: vec![
            "fmc.example.test".into(),
            "localhost".into(),
            "10.0.0.1".into(),
        ],
        validity_days: 30,
        ca_name: "Internal CA of a test FMC".into(),
        ..PkiOptions::default()
    };
    let pki = certs::generate(&opts).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;

    let ca = cert_info(&pki.ca_cert).unwrap();
    assert_eq!(ca.common_name.as_deref(), Some("Internal CA of a test FMC"));
    assert!(ca.is_ca && ca.self_signed);
    assert_eq!(
        CertificateDer::from_pem_slice(pki.ca_pem.as_bytes()).unwrap(),
        pki.ca_cert
    );
    assert!(pki.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));

    let client = cert_info(pki.client.leaf()).unwrap();
    assert_eq!(client.common_name.as_deref(), Some("2001:db8::5"));
    assert_eq!(
        client.ip_addresses,
        vec!["2001:db8::5".parse::<IpAddr>().unwrap()]
    );
    assert_eq!(client.issuer, ca.subject);
    assert!(!client.is_ca && !client.self_signed);
    assert_eq!(eku(pki.client.leaf()), (false, true));
    assert!(client.not_before <= now && now < client.not_after);
    let days = (client.not_after - now) as f64 / 86_400.0;
    assert!((29.9..=30.1).contains(&days), "{days}");

    let server = cert_info(pki.server.leaf()).unwrap();
    assert_eq!(server.common_name.as_deref(), Some("fmc.example.test"));
    assert_eq!(server.dns_names, vec!["fmc.example.test", "localhost"]);
    assert_eq!(
        server.ip_addresses,
        vec!["10.0.0.1".parse::<IpAddr>().unwrap()]
    );
    assert_eq!(eku(pki.server.leaf()), (true, false));
    assert!(!server.is_ca);
    assert_ne!(server.serial_hex, client.serial_hex);
}

#[test]
fn defaults_are_the_documented_ones() {
    let opts = PkiOptions::default();
    assert_eq!(opts.client_ip, IpAddr::from([127, 0, 0, 1]));
    assert_eq!(opts.server_names, vec!["localhost", "127.0.0.1"]);
    assert_eq!(opts.validity_days, 365);
    assert_eq!(opts.password.as_str(), "estreamer");
    assert_eq!(opts.encryption, P12Encryption::Aes256);
    assert_eq!(opts.ca_name, "estreamer-rs test CA");
    assert!(!format!("{opts:?}").contains("estreamer\""), "{opts:?}");

    let pki = certs::generate(&opts).unwrap();
    let server = cert_info(pki.server.leaf()).unwrap();
    assert_eq!(server.dns_names, vec!["localhost"]);
    assert_eq!(server.ip_addresses, vec![IpAddr::from([127, 0, 0, 1])]);
    assert_eq!(
        cert_info(&pki.ca_cert).unwrap().common_name.as_deref(),
        Some("estreamer-rs test CA")
    );
}

#[test]
fn bad_options_are_refused() {
    for opts in [
        PkiOptions {
            server_names: Vec::new(),
            ..PkiOptions::default()
        },
        PkiOptions {
            validity_days: 0,
            ..PkiOptions::default()
        },
        PkiOptions {
            server_names: vec!["not a host name!".into()],
            ..PkiOptions::default()
        },
    ] {
        let result = certs::generate(&opts);
        assert!(
            matches!(result, Err(CertsError::InvalidOptions(_))),
            "{opts:?}: {result:?}"
        );
    }
}

#[test]
fn openssl_accepts_the_generated_p12_files() {
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("note: openssl is not on PATH, skipping the OpenSSL check");
        return;
    }
    let dir = temp_dir("openssl");
    for encryption in [P12Encryption::Aes256, P12Encryption::Legacy3Des] {
        let pki = certs::generate(&options(encryption)).unwrap();
        let written = certs::write_dir(&pki, &dir, PASSWORD, true).unwrap();
        for file in ["client.p12", "server.p12"] {
            let path = dir.join(file);
            assert!(written.contains(&path));
            let info = Command::new("openssl")
                .args(["pkcs12", "-info", "-noout", "-passin"])
                .arg(format!("pass:{PASSWORD}"))
                .arg("-in")
                .arg(&path)
                .output()
                .unwrap();
            let report = String::from_utf8_lossy(&info.stderr);
            assert!(info.status.success(), "{encryption:?} {file}: {report}");
            match encryption {
                P12Encryption::Aes256 => {
                    assert!(report.contains("MAC: sha256"), "{report}");
                    assert!(report.contains("AES-256-CBC"), "{report}");
                }
                P12Encryption::Legacy3Des => {
                    assert!(report.contains("MAC: sha1"), "{report}");
                    assert!(
                        report.contains("pbeWithSHA1And3-KeyTripleDES-CBC"),
                        "{report}"
                    );
                }
            }
            assert!(report.contains("Shrouded Keybag"), "{report}");

            // OpenSSL decrypts the key (into this process's pipe, not onto disk) and finds the
            // certificate that goes with it.
            let extracted = Command::new("openssl")
                .args(["pkcs12", "-nodes", "-clcerts", "-passin"])
                .arg(format!("pass:{PASSWORD}"))
                .arg("-in")
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                extracted.status.success(),
                "{}",
                String::from_utf8_lossy(&extracted.stderr)
            );
            let pem = Zeroizing::new(String::from_utf8(extracted.stdout).unwrap());
            assert!(pem.contains("-----BEGIN PRIVATE KEY-----"));
            assert!(pem.contains("-----BEGIN CERTIFICATE-----"));

            // And rejects a wrong password.
            let wrong = Command::new("openssl")
                .args(["pkcs12", "-info", "-noout", "-passin", "pass:wrong", "-in"])
                .arg(&path)
                .output()
                .unwrap();
            assert!(!wrong.status.success());
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mutual_tls_handshake_succeeds_within_one_pki() {
    for encryption in [P12Encryption::Aes256, P12Encryption::Legacy3Des] {
        let pki = certs::generate(&options(encryption)).unwrap();
        // Both sides as they come out of their PKCS#12 files.
        let server = Identity::from_pkcs12(&pki.server_p12, PASSWORD).unwrap();
        let client = Identity::from_pkcs12(&pki.client_p12, PASSWORD).unwrap();
        for versions in BOTH_VERSIONS {
            let seen = handshake(
                server_config(&server, versions),
                client_config(&client, versions),
            )
            .unwrap_or_else(|e| panic!("{encryption:?} {versions:?}: {e:?}"));
            assert_eq!(seen, client.chain);
            let info = cert_info(&seen[0]).unwrap();
            assert_eq!(info.common_name.as_deref(), Some("192.0.2.77"));
        }
    }
}

/// Another PKI: with a CA of the same name (as two Management Centers may have), webpki finds
/// the anchor by name and the signature fails; with another name, no issuer is found.
fn foreign_pkis() -> [(Pki, rustls::CertificateError); 2] {
    [
        (
            certs::generate(&PkiOptions::default()).unwrap(),
            rustls::CertificateError::BadSignature,
        ),
        (
            certs::generate(&PkiOptions {
                ca_name: "some other CA".into(),
                ..PkiOptions::default()
            })
            .unwrap(),
            rustls::CertificateError::UnknownIssuer,
        ),
    ]
}

#[test]
fn client_from_a_foreign_ca_is_rejected() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    for (foreign, expected) in foreign_pkis() {
        assert_ne!(pki.ca_cert, foreign.ca_cert);
        for versions in BOTH_VERSIONS {
            // The client trusts the server's CA but presents a certificate from another CA.
            let client = Arc::new(
                ClientConfig::builder_with_provider(provider())
                    .with_protocol_versions(versions)
                    .unwrap()
                    .with_root_certificates(roots(&pki.client.trust_anchors()))
                    .with_client_auth_cert(
                        foreign.client.chain.clone(),
                        foreign.client.key.clone_key(),
                    )
                    .unwrap(),
            );
            match handshake(server_config(&pki.server, versions), client) {
                Err(Failure::Server(rustls::Error::InvalidCertificate(e))) if e == expected => {}
                other => panic!("{versions:?}: expected the server to reject, got {other:?}"),
            }
        }
    }
}

#[test]
fn server_from_a_foreign_ca_is_rejected() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    for (foreign, expected) in foreign_pkis() {
        for versions in BOTH_VERSIONS {
            match handshake(
                server_config(&foreign.server, versions),
                client_config(&pki.client, versions),
            ) {
                Err(Failure::Client(rustls::Error::InvalidCertificate(e))) if e == expected => {}
                other => panic!("{versions:?}: expected the client to reject, got {other:?}"),
            }
        }
    }
}

#[test]
fn write_dir_writes_the_files_and_refuses_to_overwrite() {
    let dir = temp_dir("write").join("nested");
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let written = certs::write_dir(&pki, &dir, PASSWORD, false).unwrap();
    let names: Vec<_> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "ca.pem",
            "server.p12",
            "client.p12",
            "password.txt",
            "README.txt"
        ]
    );
    for path in &written {
        assert_eq!(path.parent().unwrap(), dir);
    }

    assert_eq!(
        std::fs::read_to_string(dir.join("ca.pem")).unwrap(),
        pki.ca_pem
    );
    assert_eq!(
        std::fs::read(dir.join("client.p12")).unwrap(),
        pki.client_p12
    );
    assert_eq!(
        std::fs::read(dir.join("server.p12")).unwrap(),
        pki.server_p12
    );
    let password = PasswordSource::File(dir.join("password.txt"))
        .read()
        .unwrap();
    assert_eq!(password.as_str(), PASSWORD);
    let client = Identity::load(&dir.join("client.p12"), &password).unwrap();
    assert_eq!(client.key.secret_der(), pki.client.key.secret_der());
    let readme = std::fs::read_to_string(dir.join("README.txt")).unwrap();
    assert!(readme.contains("TEST PKI"), "{readme}");
    // No private key in the clear anywhere in the directory.
    for path in &written {
        let bytes = std::fs::read(path).unwrap();
        assert!(!contains(&bytes, b"PRIVATE KEY"));
        assert!(!contains(&bytes, pki.client.key.secret_der()));
        assert!(!contains(&bytes, pki.server.key.secret_der()));
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |name: &str| {
            std::fs::metadata(dir.join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("client.p12"), 0o600);
        assert_eq!(mode("server.p12"), 0o600);
        assert_eq!(mode("password.txt"), 0o600);
        assert_eq!(mode("ca.pem"), 0o644);
    }

    // Again without force: refused, nothing changed.
    let other = certs::generate(&PkiOptions::default()).unwrap();
    match certs::write_dir(&other, &dir, "other", false) {
        Err(e @ CertsError::Exists(_)) => assert!(e.to_string().contains("--force"), "{e}"),
        other => panic!("expected Exists, got {other:?}"),
    }
    assert_eq!(
        std::fs::read(dir.join("client.p12")).unwrap(),
        pki.client_p12
    );

    // One file left over is enough to refuse, and nothing is written then.
    let partial = temp_dir("partial");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::write(partial.join("password.txt"), "keep me\n").unwrap();
    assert!(matches!(
        certs::write_dir(&other, &partial, "other", false),
        Err(CertsError::Exists(path)) if path == partial.join("password.txt")
    ));
    assert!(!partial.join("ca.pem").exists());
    std::fs::remove_dir_all(&partial).unwrap();

    // With force: overwritten, modes enforced even on a file that was world-readable.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("password.txt"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
    }
    certs::write_dir(&other, &dir, "other", true).unwrap();
    assert_eq!(
        std::fs::read(dir.join("client.p12")).unwrap(),
        other.client_p12
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("password.txt")).unwrap(),
        "other\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("password.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

#[test]
fn pki_debug_shows_no_key_material() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let debug = format!("{pki:?}");
    assert!(debug.contains("redacted"));
    for key in [pki.client.key.secret_der(), pki.server.key.secret_der()] {
        for window in key.windows(8).step_by(8) {
            let hex: String = window.iter().map(|b| format!("{b:02x}")).collect();
            let decimal = format!("{window:?}");
            assert!(!debug.contains(&hex));
            assert!(!debug.contains(&decimal[1..decimal.len() - 1]));
        }
    }
}
