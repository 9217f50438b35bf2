//! A session shaped like one with a real Management Center: RSA 2048 keys and certificates made
//! by the OpenSSL command line, the client's identity in a legacy PKCS#12 (RC2/3DES, SHA-1 MAC)
//! as older FMCs issue it, and a server that speaks TLS 1.2 only. Skipped (with a note) when
//! `openssl` is not on PATH.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use estreamer_client::connect::{self, Backoff, RecordRef, Sink, StreamOptions};
use estreamer_client::identity::Identity;
use estreamer_client::session::SessionConfig;
use estreamer_client::tls::{self, ServerVerification};
use estreamer_codec::InitialTimestamp;
use estreamer_testkit::server::{self, Capture, ServeConfig};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// CA, server and client (CN = 127.0.0.1), all RSA 2048; returns (client legacy .p12, server
/// .p12) bytes, password "fmc".
fn rsa_pki(dir: &Path) -> (Vec<u8>, Vec<u8>) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "30",
            "-sha256",
            "-subj",
            "/CN=fmc-shaped CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    std::fs::write(dir.join("client.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\nsubjectAltName=IP:127.0.0.1\n").unwrap();
    std::fs::write(dir.join("server.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:fmc.example\n").unwrap();
    for (name, cn) in [("client", "127.0.0.1"), ("server", "fmc.example")] {
        openssl(
            dir,
            &[
                "req",
                "-new",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
                "-subj",
                &format!("/CN={cn}"),
            ],
        );
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "30",
                "-sha256",
                "-extfile",
                &format!("{name}.ext"),
                "-out",
                &format!("{name}.pem"),
            ],
        );
    }
    // The client as an older FMC packs it; the server in OpenSSL's default encoding.
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-legacy",
            "-inkey",
            "client.key",
            "-in",
            "client.pem",
            "-certfile",
            "ca.pem",
            "-passout",
            "pass:fmc",
            "-out",
            "client.p12",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "server.key",
            "-in",
            "server.pem",
            "-certfile",
            "ca.pem",
            "-passout",
            "pass:fmc",
            "-out",
            "server.p12",
        ],
    );
    for key in ["ca.key", "client.key", "server.key"] {
        std::fs::remove_file(dir.join(key)).unwrap();
    }
    (
        std::fs::read(dir.join("client.p12")).unwrap(),
        std::fs::read(dir.join("server.p12")).unwrap(),
    )
}

struct Count(u64);

impl Sink for Count {
    fn record(&mut self, _r: RecordRef<'_>) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsa_legacy_pkcs12_over_tls12() {
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("openssl not on PATH: skipping the FMC-shaped session");
        return;
    }
    let dir = std::env::temp_dir().join(format!("estreamer-fmc-shaped-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (client_p12, server_p12) = rsa_pki(&dir);
    let client = Identity::from_pkcs12(&client_p12, "fmc").unwrap();
    let server = Identity::from_pkcs12(&server_p12, "fmc").unwrap();
    assert_eq!(
        client.ca.len(),
        1,
        "the CA came inside the client's PKCS#12"
    );

    // A TLS 1.2-only server (as FMCs are configured), client certificates required.
    let server_tls = tls::server_config_with_versions(
        &server,
        &server.trust_anchors(),
        &[&rustls::version::TLS12],
    )
    .unwrap();
    let capture = estreamer_synth::synth(&estreamer_synth::SynthConfig {
        target_bytes: 128 << 10,
        ..estreamer_synth::SynthConfig::DEFAULT
    })
    .bytes;
    let capture = Capture::parse(&capture).unwrap();
    let total = capture.len() as u64;
    let handle = server::serve(
        "127.0.0.1:0".parse().unwrap(),
        server_tls,
        ServeConfig::new(capture),
    )
    .await
    .unwrap();

    // The client verifies the server against the CA from its PKCS#12; the server's name
    // (fmc.example) is not the address we dial, and must not matter.
    let client_tls = tls::client_config(&client, ServerVerification::CaFromPkcs12).unwrap();
    let session = SessionConfig {
        initial_timestamp: InitialTimestamp::Genesis,
        ..SessionConfig::default()
    };
    let mut opts = StreamOptions::new(handle.local_addr.to_string(), Arc::new(client_tls), session);
    opts.backoff = Backoff {
        max_attempts: Some(3),
        ..Backoff::default()
    };
    let mut sink = Count(0);
    let stats = handle.stats.clone();
    let summary = connect::run(&opts, &mut sink, async {
        for _ in 0..1000 {
            if stats.records.load(std::sync::atomic::Ordering::Relaxed) >= total {
                tokio::time::sleep(Duration::from_millis(100)).await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap();
    assert_eq!(summary.sessions, 1);
    assert_eq!(sink.0, total, "every record over TLS 1.2 with RSA keys");
    handle.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
