//! TLS configuration for both ends of a session, with rustls and the ring provider.
//!
//! # Verifying the server (decision)
//! A Management Center's server certificate is issued by the FMC's own CA, the same CA whose
//! certificate comes inside the client's PKCS#12, and it does not carry the host name or
//! address clients use to reach it. So the client verifies the server's chain and validity
//! against the CA certificates of the PKCS#12 ([`Identity::trust_anchors`]) and does not check
//! the name. [`ServerVerification::InsecureNoVerification`] skips verification altogether; it
//! exists for broken deployments, is named loudly, and `estreamer stream` prints a warning
//! when it is used. Cisco's client never verifies the server.
//!
//! # The server side
//! [`server_config`] requires a client certificate issued by the given CA: a client without
//! one, or with one from another CA, fails the handshake and is never served (the FMC
//! behaves so; the session sees [`crate::session::CloseReason::ClosedBeforeFirstMessage`]).
//!
//! # The CA's own validity (decision)
//! A trust anchor is only a name and a key to webpki: the validity dates of the CA certificate
//! it came from are not checked, so a certificate issued by an expired CA would be accepted.
//! Both directions therefore use only the CA certificates valid at the time of the handshake,
//! as `doctor` judges them: a chain that only an expired (or not yet valid) CA certificate
//! would complete fails with an error naming that CA and its dates.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ParsedCertificate, WebPkiClientVerifier};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::identity::Identity;

/// How the client checks the server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServerVerification {
    /// Chain and validity against the CA certificates inside the client's PKCS#12; no name
    /// check (the FMC's certificate does not carry it).
    #[default]
    CaFromPkcs12,
    /// No verification at all: anyone on the path can read and alter the stream.
    InsecureNoVerification,
}

/// A TLS setup error.
#[derive(Debug)]
pub enum TlsSetupError {
    /// The PKCS#12 holds no CA certificate to verify the server with.
    NoTrustAnchor,
    /// A certificate or key was refused by rustls.
    Rustls(rustls::Error),
    /// The client-certificate verifier could not be built.
    Verifier(String),
}

impl fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsSetupError::NoTrustAnchor => f.write_str(
                "the PKCS#12 holds no CA certificate to verify the server with (download the \
                 client certificate again from the FMC, or use --insecure-skip-server-verification)",
            ),
            TlsSetupError::Rustls(e) => write!(f, "TLS setup failed: {e}"),
            TlsSetupError::Verifier(e) => write!(f, "TLS client verifier: {e}"),
        }
    }
}

impl std::error::Error for TlsSetupError {}

impl From<rustls::Error> for TlsSetupError {
    fn from(e: rustls::Error) -> Self {
        TlsSetupError::Rustls(e)
    }
}

/// The crypto provider every configuration here uses (ring).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots(certs: &[CertificateDer<'static>]) -> Result<RootCertStore, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    for c in certs {
        roots.add(c.clone())?;
    }
    if roots.is_empty() {
        return Err(TlsSetupError::NoTrustAnchor);
    }
    Ok(roots)
}

/// A CA certificate with its validity.
#[derive(Debug, Clone)]
struct Anchor {
    der: CertificateDer<'static>,
    subject: String,
    not_before: u64,
    not_after: u64,
}

/// The CA certificates, with their dates (a certificate whose dates cannot be read counts as
/// always valid: webpki parses it again and refuses it if it is malformed).
fn anchors(certs: &[CertificateDer<'static>]) -> Result<Vec<Anchor>, TlsSetupError> {
    roots(certs)?;
    Ok(certs
        .iter()
        .map(|der| {
            let info = crate::identity::cert_info(der).ok();
            Anchor {
                der: der.clone(),
                subject: info
                    .as_ref()
                    .map_or_else(String::new, |i| i.subject.clone()),
                not_before: info
                    .as_ref()
                    .map_or(0, |i| u64::try_from(i.not_before).unwrap_or(0)),
                not_after: info
                    .as_ref()
                    .map_or(u64::MAX, |i| u64::try_from(i.not_after).unwrap_or(0)),
            }
        })
        .collect())
}

/// The anchors valid at `now` as a root store (`None`: none is), and the others.
fn valid_at(anchors: &[Anchor], now: UnixTime) -> (Option<RootCertStore>, Vec<&Anchor>) {
    let t = now.as_secs();
    let mut store = RootCertStore::empty();
    let mut invalid = Vec::new();
    for a in anchors {
        if a.not_before <= t && t <= a.not_after && store.add(a.der.clone()).is_ok() {
            continue;
        }
        invalid.push(a);
    }
    ((!store.is_empty()).then_some(store), invalid)
}

/// The error for a chain that only the CA certificate `a`, not valid at `now`, completes.
fn invalid_ca(a: &Anchor, now: UnixTime, whose: &str) -> rustls::Error {
    let t = now.as_secs();
    let (what, when) = if t > a.not_after {
        ("expired", a.not_after)
    } else {
        ("is not valid yet; it starts", a.not_before)
    };
    let text = format!(
        "the {whose} certificate is issued by the CA certificate {:?}, which {what} at {} \
         (UNIX seconds; now {t}): get a new certificate from the FMC (System > Integration > \
         eStreamer) or check this machine's clock",
        a.subject, when
    );
    rustls::Error::InvalidCertificate(rustls::CertificateError::Other(rustls::OtherError(
        Arc::new(InvalidCa(text)),
    )))
}

/// The text of [`invalid_ca`].
#[derive(Debug)]
struct InvalidCa(String);

impl fmt::Display for InvalidCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidCa {}

/// `verify` with the CA certificates valid at `now`; when that fails but one that is not valid
/// completes the chain, an error naming it.
fn verify_with_valid_anchors<T>(
    anchors: &[Anchor],
    now: UnixTime,
    whose: &str,
    verify: impl Fn(&RootCertStore) -> Result<T, rustls::Error>,
) -> Result<T, rustls::Error> {
    let (store, invalid) = valid_at(anchors, now);
    let result = match &store {
        Some(store) => verify(store),
        None => Err(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer,
        )),
    };
    let Err(e) = result else { return result };
    for a in invalid {
        let mut one = RootCertStore::empty();
        if one.add(a.der.clone()).is_ok() && verify(&one).is_ok() {
            return Err(invalid_ca(a, now, whose));
        }
    }
    Err(e)
}

/// The client's TLS configuration: `identity` as client certificate, the server verified as
/// `verification` says. TLS 1.2 and 1.3 are offered (FMCs speak 1.2).
pub fn client_config(
    identity: &Identity,
    verification: ServerVerification,
) -> Result<rustls::ClientConfig, TlsSetupError> {
    let provider = provider();
    let verifier: Arc<dyn ServerCertVerifier> = match verification {
        ServerVerification::CaFromPkcs12 => Arc::new(Verifier {
            roots: Some(anchors(&identity.trust_anchors())?),
            algs: provider.signature_verification_algorithms,
        }),
        ServerVerification::InsecureNoVerification => Arc::new(Verifier {
            roots: None,
            algs: provider.signature_verification_algorithms,
        }),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_auth_cert(identity.chain.clone(), identity.key.clone_key())?;
    Ok(config)
}

/// The server's TLS configuration: `identity` as server certificate; clients must present a
/// certificate issued by one of `client_cas` (for the test server: the CA of the PKI). TLS 1.2
/// and 1.3.
pub fn server_config(
    identity: &Identity,
    client_cas: &[CertificateDer<'static>],
) -> Result<rustls::ServerConfig, TlsSetupError> {
    server_config_with_versions(identity, client_cas, rustls::DEFAULT_VERSIONS)
}

/// [`server_config`] offering only `versions` (e.g. `&[&rustls::version::TLS12]`, as
/// Management Centers are commonly configured).
pub fn server_config_with_versions(
    identity: &Identity,
    client_cas: &[CertificateDer<'static>],
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Result<rustls::ServerConfig, TlsSetupError> {
    let provider = provider();
    let all =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots(client_cas)?), provider.clone())
            .build()
            .map_err(|e| TlsSetupError::Verifier(e.to_string()))?;
    let verifier = Arc::new(ClientVerifier {
        anchors: anchors(client_cas)?,
        subjects: all.root_hint_subjects().to_vec(),
        all,
        provider: provider.clone(),
    });
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(identity.chain.clone(), identity.key.clone_key())?;
    Ok(config)
}

/// The server's client-certificate verifier: webpki's, with the CA certificates valid at the
/// time of the handshake only (module documentation).
#[derive(Debug)]
struct ClientVerifier {
    anchors: Vec<Anchor>,
    subjects: Vec<rustls::DistinguishedName>,
    /// With every CA: for the handshake signatures, which do not depend on the CA.
    all: Arc<dyn ClientCertVerifier>,
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for ClientVerifier {
    fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
        &self.subjects
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        verify_with_valid_anchors(&self.anchors, now, "client", |store| {
            WebPkiClientVerifier::builder_with_provider(
                Arc::new(store.clone()),
                self.provider.clone(),
            )
            .build()
            .map_err(|e| rustls::Error::General(e.to_string()))?
            .verify_client_cert(end_entity, intermediates, now)
        })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.all.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.all.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.all.supported_verify_schemes()
    }
}

/// The name given to rustls for `host` (an IP address or a DNS name); it is not verified.
pub fn server_name(host: &str) -> ServerName<'static> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match ServerName::try_from(host.to_owned()) {
        Ok(n) => n,
        // Not a valid DNS name or address (e.g. an underscore): any name does, it is not
        // checked against the certificate.
        Err(_) => {
            ServerName::IpAddress(std::net::IpAddr::from(std::net::Ipv4Addr::LOCALHOST).into())
        }
    }
}

/// The client's server-certificate verifier: chain and validity against fixed roots without a
/// name check, or (roots `None`) no certificate check at all. The handshake signatures are
/// checked either way, so the peer holds the key of the certificate it showed.
#[derive(Debug)]
struct Verifier {
    roots: Option<Vec<Anchor>>,
    algs: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(anchors) = &self.roots {
            let cert = ParsedCertificate::try_from(end_entity)?;
            verify_with_valid_anchors(anchors, now, "server", |store| {
                rustls::client::verify_server_cert_signed_by_trust_anchor(
                    &cert,
                    store,
                    intermediates,
                    now,
                    self.algs.all,
                )
            })?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}
