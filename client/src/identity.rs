//! The client's identity: the private key, certificate and CA certificate(s) a Management Center
//! issues as a password-protected PKCS#12 file on its eStreamer page.
//!
//! [`Identity::load`] reads such a file; both the legacy encoding older FMCs and OpenSSL 1.x
//! write (certificates under pbeWithSHAAnd40BitRC2-CBC, key under
//! pbeWithSHAAnd3-KeyTripleDES-CBC, HMAC-SHA-1 MAC) and the modern one of OpenSSL 3 (PBES2 with
//! PBKDF2-HMAC-SHA256 and AES-256-CBC, HMAC-SHA-256 MAC) are read. The leaf certificate is the
//! one whose public key matches the private key, whatever its position in the file.
//!
//! [`PasswordSource`] says where the password comes from (a file, an environment variable, the
//! terminal or a literal); [`cert_info`] extracts what a user needs to see of a certificate (the
//! FMC writes the client's IP address into the Subject CN, and the server checks it).

use std::fmt;
use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use p12_keystore::Pkcs12Archive;
use p12_keystore::error::Error as P12Error;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use x509_parser::certificate::X509Certificate;
use x509_parser::error::X509Error;
use x509_parser::extensions::GeneralName;
use zeroize::{Zeroize, Zeroizing};

/// What to tell a user who needs a new PKCS#12 file.
const DOWNLOAD_AGAIN: &str = "download the client certificate again from the FMC's eStreamer page \
     (System > Integration > eStreamer, or System > Local > Registration > eStreamer)";

/// Returned by [`Identity::leaf`] for a hand-built identity whose chain is empty.
static NO_CERTIFICATE: CertificateDer<'static> = CertificateDer::from_slice(&[]);

/// A client (or server) identity for TLS: private key, certificate chain and CA certificates.
///
/// The private key stays in memory only and is zeroized when the identity is dropped. Because
/// of that `Drop`, fields cannot be moved out of an `Identity`; clone them
/// ([`PrivateKeyDer::clone_key`]) or take them all with [`Identity::into_parts`].
pub struct Identity {
    /// Private key (PKCS#8 DER), kept in memory only (zeroized on drop where possible).
    pub key: PrivateKeyDer<'static>,
    /// Client certificate chain, leaf first (the certificate whose public key matches `key`).
    pub chain: Vec<CertificateDer<'static>>,
    /// CA certificates found in the file that are not in `chain` (trust anchors for verifying
    /// the server).
    pub ca: Vec<CertificateDer<'static>>,
}

impl Identity {
    /// Reads an identity from the bytes of a PKCS#12 (PFX) file.
    ///
    /// The MAC is checked with `password` first, so a wrong password gives
    /// [`IdentityError::WrongPassword`]. Of the private keys in the file, the first one that
    /// rustls can use and whose public key matches a certificate of the file is taken; that
    /// certificate is the leaf. `chain` is the leaf followed by the intermediate CA
    /// certificates of the file that link it to a root; the other CA or self-signed certificates
    /// of the file become `ca`. Certificates that are neither in the chain nor CA certificates
    /// are ignored.
    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<Identity, IdentityError> {
        let archive = Pkcs12Archive::from_pkcs12(der, password).map_err(map_p12_error)?;
        if archive.keys.is_empty() {
            return Err(IdentityError::NoKey);
        }

        let mut certs: Vec<CertificateDer<'static>> = Vec::new();
        for bag in &archive.certs {
            let der = bag.cert.as_der();
            if !certs.iter().any(|c| c.as_ref() == der) {
                certs.push(CertificateDer::from(der.to_vec()));
            }
        }
        if certs.is_empty() {
            return Err(IdentityError::NoCertificate);
        }
        let parsed = certs
            .iter()
            .map(|c| parse_certificate(c))
            .collect::<Result<Vec<_>, _>>()?;

        let mut unusable_key = None;
        let mut usable_keys = 0usize;
        for bag in &archive.keys {
            let key = Zeroizing::new(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                bag.key.as_der().to_vec(),
            )));
            let spki = match rustls::crypto::ring::sign::any_supported_type(&key) {
                Ok(signing_key) => match signing_key.public_key() {
                    Some(spki) => spki.as_ref().to_vec(),
                    None => {
                        unusable_key
                            .get_or_insert_with(|| "its public key cannot be derived".to_owned());
                        continue;
                    }
                },
                Err(_) => {
                    unusable_key.get_or_insert_with(|| {
                        "its type or size is not one rustls can sign with".to_owned()
                    });
                    continue;
                }
            };
            usable_keys += 1;
            let Some(leaf) = parsed
                .iter()
                .position(|c| c.tbs_certificate.subject_pki.raw == spki.as_slice())
            else {
                continue;
            };

            let chain_indices = build_chain(&parsed, leaf);
            let chain = chain_indices.iter().map(|&i| certs[i].clone()).collect();
            let ca = parsed
                .iter()
                .enumerate()
                .filter(|(i, c)| !chain_indices.contains(i) && (c.is_ca() || is_self_signed(c)))
                .map(|(i, _)| certs[i].clone())
                .collect();
            return Ok(Identity {
                key: key.clone_key(),
                chain,
                ca,
            });
        }

        // No key matched a certificate. If some key could be used, the file pairs it with the
        // wrong certificates; if none could, say why.
        match unusable_key {
            Some(reason) if usable_keys == 0 => Err(IdentityError::UnsupportedKey(reason)),
            _ => Err(IdentityError::KeyDoesNotMatchCertificate),
        }
    }

    /// Reads an identity from a PKCS#12 file (see [`Identity::from_pkcs12`]).
    pub fn load(path: &Path, password: &str) -> Result<Identity, IdentityError> {
        let der = std::fs::read(path).map_err(|source| IdentityError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Identity::from_pkcs12(&der, password)
    }

    /// All certificates usable as trust anchors to verify the server: `ca`, plus
    /// self-signed/CA certs of `chain` beyond the leaf.
    ///
    /// A Management Center signs both its eStreamer server certificate and the client
    /// certificate with its internal CA, which it ships in the client's PKCS#12.
    pub fn trust_anchors(&self) -> Vec<CertificateDer<'static>> {
        let mut anchors: Vec<CertificateDer<'static>> = Vec::new();
        let from_chain = self.chain.iter().skip(1).filter(|c| {
            parse_certificate(c).is_ok_and(|parsed| parsed.is_ca() || is_self_signed(&parsed))
        });
        for cert in self.ca.iter().chain(from_chain) {
            if !anchors.contains(cert) {
                anchors.push(cert.clone());
            }
        }
        anchors
    }

    /// The leaf (end-entity) certificate: the first of `chain`.
    ///
    /// An identity read by [`Identity::from_pkcs12`] always has one; for a hand-built identity
    /// with an empty chain this is an empty certificate.
    pub fn leaf(&self) -> &CertificateDer<'static> {
        self.chain.first().unwrap_or(&NO_CERTIFICATE)
    }

    /// Takes the key, chain and CA certificates out of the identity (its `Drop` forbids moving
    /// fields out directly).
    pub fn into_parts(
        mut self,
    ) -> (
        PrivateKeyDer<'static>,
        Vec<CertificateDer<'static>>,
        Vec<CertificateDer<'static>>,
    ) {
        let key = std::mem::replace(
            &mut self.key,
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(Vec::new())),
        );
        (
            key,
            std::mem::take(&mut self.chain),
            std::mem::take(&mut self.ca),
        )
    }
}

impl Clone for Identity {
    fn clone(&self) -> Self {
        Identity {
            key: self.key.clone_key(),
            chain: self.chain.clone(),
            ca: self.ca.clone(),
        }
    }
}

impl Drop for Identity {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key_kind = match &self.key {
            PrivateKeyDer::Pkcs1(_) => "PKCS#1",
            PrivateKeyDer::Sec1(_) => "SEC1",
            PrivateKeyDer::Pkcs8(_) => "PKCS#8",
            _ => "other",
        };
        let subject = |c: &CertificateDer<'_>| {
            cert_info(c).map_or_else(|_| "<unparsable certificate>".to_owned(), |i| i.subject)
        };
        f.debug_struct("Identity")
            .field("key", &format_args!("<{key_kind} private key, redacted>"))
            .field("chain", &self.chain.iter().map(subject).collect::<Vec<_>>())
            .field("ca", &self.ca.iter().map(subject).collect::<Vec<_>>())
            .finish()
    }
}

/// Why a PKCS#12 file (or a certificate) could not be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum IdentityError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The password is wrong: the PKCS#12 MAC did not verify.
    WrongPassword,
    /// The MAC verified (or the file has none) but the encrypted contents did not decrypt: the
    /// password is wrong for a MAC-less file, or the file is damaged.
    DecryptionFailed,
    /// The file uses an encryption, MAC or content type that is not implemented; the string
    /// names it.
    Unsupported(String),
    /// The bytes are not a well-formed PKCS#12 file; the string says what is wrong.
    Malformed(String),
    /// The file holds no private key.
    NoKey,
    /// The file holds a private key but no certificate.
    NoCertificate,
    /// No certificate in the file carries the public key of the private key.
    KeyDoesNotMatchCertificate,
    /// The private key is of a type TLS cannot sign with here; the string says why.
    UnsupportedKey(String),
    /// A certificate could not be parsed; the string says why.
    Certificate(String),
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityError::Io { path, source } => {
                write!(
                    f,
                    "cannot read the PKCS#12 file {}: {source}",
                    path.display()
                )
            }
            IdentityError::WrongPassword => {
                f.write_str("the PKCS#12 password is wrong (MAC verification failed)")
            }
            IdentityError::DecryptionFailed => f.write_str(
                "the PKCS#12 contents could not be decrypted with this password: the password is \
                 wrong or the file is damaged",
            ),
            IdentityError::Unsupported(what) => write!(
                f,
                "the PKCS#12 file uses {what}, which is not supported: convert it with OpenSSL 3 \
                 (read it with `openssl pkcs12 -legacy`, write it again with `openssl pkcs12 \
                 -export`, whose default is AES-256-CBC with a SHA-256 MAC), or {DOWNLOAD_AGAIN}"
            ),
            IdentityError::Malformed(why) => write!(
                f,
                "the file is not a valid PKCS#12 file ({why}): check that it is the .p12 file \
                 itself, or {DOWNLOAD_AGAIN}"
            ),
            IdentityError::NoKey => write!(f, "the PKCS#12 holds no private key: {DOWNLOAD_AGAIN}"),
            IdentityError::NoCertificate => write!(
                f,
                "the PKCS#12 holds a private key but no certificate: {DOWNLOAD_AGAIN}"
            ),
            IdentityError::KeyDoesNotMatchCertificate => write!(
                f,
                "the private key in the PKCS#12 matches none of its certificates (the file was \
                 assembled from parts of different identities): {DOWNLOAD_AGAIN}"
            ),
            IdentityError::UnsupportedKey(why) => write!(
                f,
                "the private key in the PKCS#12 cannot be used for TLS: {why}; RSA (2048 bits or \
                 more), ECDSA P-256/P-384 and Ed25519 keys are supported"
            ),
            IdentityError::Certificate(why) => write!(f, "invalid certificate: {why}"),
        }
    }
}

impl std::error::Error for IdentityError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IdentityError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Turns a p12-keystore error into what it means for the user.
fn map_p12_error(e: P12Error) -> IdentityError {
    match e {
        P12Error::MacError(_) => IdentityError::WrongPassword,
        P12Error::UnpadError => IdentityError::DecryptionFailed,
        P12Error::Pkcs5Error(msg) if msg.contains("decryption failed") => {
            IdentityError::DecryptionFailed
        }
        P12Error::Pkcs5Error(msg) if msg.contains("unsupported") => IdentityError::Unsupported(msg),
        P12Error::UnsupportedEncryptionScheme => IdentityError::Unsupported(
            "an encryption or MAC algorithm other than PBES2 (PBKDF2, AES-CBC), \
             pbeWithSHAAnd3-KeyTripleDES-CBC, pbeWithSHAAnd40BitRC2-CBC and HMAC-SHA-1/SHA-2 \
             (for example PBMAC1 or 128-bit RC2)"
                .to_owned(),
        ),
        P12Error::UnsupportedMacAlgorithm => {
            IdentityError::Unsupported("an unsupported MAC algorithm".to_owned())
        }
        P12Error::UnsupportedContentType => IdentityError::Unsupported(
            "public-key integrity or privacy mode (content other than password-protected data)"
                .to_owned(),
        ),
        P12Error::UnsupportedCertificateType => {
            IdentityError::Unsupported("a certificate type other than X.509".to_owned())
        }
        P12Error::InvalidParameters => IdentityError::Malformed(
            "invalid algorithm parameters, or an iteration count above 1,000,000".to_owned(),
        ),
        P12Error::InvalidVersion => IdentityError::Malformed("PFX version is not 3".to_owned()),
        other => IdentityError::Malformed(other.to_string()),
    }
}

/// Parses a whole DER certificate (trailing bytes are an error).
fn parse_certificate<'a>(
    der: &'a CertificateDer<'_>,
) -> Result<X509Certificate<'a>, IdentityError> {
    match x509_parser::parse_x509_certificate(der.as_ref()) {
        Ok((rest, _)) if !rest.is_empty() => Err(IdentityError::Certificate(format!(
            "{} bytes after the end of the certificate",
            rest.len()
        ))),
        Ok((_, cert)) => Ok(cert),
        Err(e) => Err(IdentityError::Certificate(e.to_string())),
    }
}

/// Subject equals issuer and the certificate's own key verifies its signature (or the signature
/// algorithm is one the verifier does not implement, in which case the names decide).
fn is_self_signed(cert: &X509Certificate<'_>) -> bool {
    cert.subject().as_raw() == cert.issuer().as_raw()
        && match cert.verify_signature(None) {
            Ok(()) => true,
            Err(X509Error::SignatureUnsupportedAlgorithm) => true,
            Err(_) => false,
        }
}

/// Whether `issuer` issued `cert`: names link and `issuer`'s key verifies `cert`'s signature
/// (names alone when the signature algorithm is not implemented).
fn issued(issuer: &X509Certificate<'_>, cert: &X509Certificate<'_>) -> bool {
    issuer.subject().as_raw() == cert.issuer().as_raw()
        && match cert.verify_signature(Some(issuer.public_key())) {
            Ok(()) => true,
            Err(X509Error::SignatureUnsupportedAlgorithm) => true,
            Err(_) => false,
        }
}

/// Indices of the leaf and the intermediate CA certificates above it, in order; stops at a
/// self-signed certificate (a root, which goes to `ca`) or where no issuer is in the file.
fn build_chain(certs: &[X509Certificate<'_>], leaf: usize) -> Vec<usize> {
    let mut chain = vec![leaf];
    let mut current = leaf;
    while chain.len() < certs.len() {
        let Some(cert) = certs.get(current) else {
            break;
        };
        if is_self_signed(cert) {
            break;
        }
        let next = certs.iter().enumerate().position(|(i, candidate)| {
            !chain.contains(&i)
                && candidate.is_ca()
                && !is_self_signed(candidate)
                && issued(candidate, cert)
        });
        match next {
            Some(i) => {
                chain.push(i);
                current = i;
            }
            None => break,
        }
    }
    chain
}

/// What a user needs to know about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// Subject distinguished name, e.g. `CN=192.0.2.10` (attributes in encoded order).
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number in upper-case hexadecimal without separators or leading zero bytes (as
    /// `openssl x509 -serial` prints it).
    pub serial_hex: String,
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// basicConstraints says CA:TRUE.
    pub is_ca: bool,
    /// Subject equals issuer and the certificate's own key verifies its signature.
    pub self_signed: bool,
    /// IP addresses from the subjectAltName and from a Subject CN that parses as an IP address
    /// (the FMC puts the client's address in the CN), without duplicates.
    pub ip_addresses: Vec<IpAddr>,
    /// DNS names from the subjectAltName.
    pub dns_names: Vec<String>,
    /// The first Subject CN, if any.
    pub common_name: Option<String>,
}

/// Extracts the [`CertInfo`] of a DER certificate.
pub fn cert_info(der: &CertificateDer<'_>) -> Result<CertInfo, IdentityError> {
    let cert = parse_certificate(der)?;

    let raw_serial = cert.raw_serial();
    let significant = raw_serial
        .iter()
        .position(|&b| b != 0)
        .map_or(&[0u8][..], |start| &raw_serial[start..]);
    let serial_hex = significant.iter().map(|b| format!("{b:02X}")).collect();

    let common_name = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned);

    let mut ip_addresses = Vec::new();
    let mut dns_names = Vec::new();
    let san = cert
        .subject_alternative_name()
        .map_err(|e| IdentityError::Certificate(format!("subjectAltName: {e}")))?;
    if let Some(san) = san {
        for name in &san.value.general_names {
            match name {
                GeneralName::IPAddress(bytes) => {
                    let ip = match bytes.len() {
                        4 => <[u8; 4]>::try_from(*bytes).ok().map(IpAddr::from),
                        16 => <[u8; 16]>::try_from(*bytes).ok().map(IpAddr::from),
                        _ => None,
                    };
                    if let Some(ip) = ip.filter(|ip| !ip_addresses.contains(ip)) {
                        ip_addresses.push(ip);
                    }
                }
                GeneralName::DNSName(dns) => dns_names.push((*dns).to_owned()),
                _ => {}
            }
        }
    }
    if let Some(ip) = common_name
        .as_deref()
        .and_then(|cn| cn.trim().parse::<IpAddr>().ok())
        .filter(|ip| !ip_addresses.contains(ip))
    {
        ip_addresses.push(ip);
    }

    Ok(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial_hex,
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        is_ca: cert.is_ca(),
        self_signed: is_self_signed(&cert),
        ip_addresses,
        dns_names,
        common_name,
    })
}

/// Where the PKCS#12 password comes from.
#[derive(Clone)]
pub enum PasswordSource {
    /// A file holding the password; one trailing `"\n"` or `"\r\n"` is removed.
    File(PathBuf),
    /// An environment variable holding the password (for example `ESTREAMER_PKCS12_PASSWORD`).
    Env(String),
    /// The password itself.
    Literal(Zeroizing<String>),
}

impl fmt::Debug for PasswordSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordSource::File(path) => f.debug_tuple("File").field(path).finish(),
            PasswordSource::Env(name) => f.debug_tuple("Env").field(name).finish(),
            PasswordSource::Literal(_) => f.write_str("Literal(<redacted>)"),
        }
    }
}

impl PasswordSource {
    /// Reads the password. Nothing is written anywhere; the returned string is zeroized when
    /// dropped.
    ///
    /// Errors: the file cannot be read or is not UTF-8; the variable is unset or not UTF-8. (A
    /// prompt on the terminal is the command's business: `estreamer` asks when neither is
    /// given.)
    pub fn read(&self) -> io::Result<Zeroizing<String>> {
        match self {
            PasswordSource::File(path) => read_password_file(path),
            PasswordSource::Env(name) => match std::env::var(name) {
                Ok(value) => Ok(Zeroizing::new(value)),
                Err(std::env::VarError::NotPresent) => Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("the environment variable {name} (the PKCS#12 password) is not set"),
                )),
                Err(std::env::VarError::NotUnicode(_)) => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the environment variable {name} (the PKCS#12 password) is not UTF-8"),
                )),
            },
            PasswordSource::Literal(password) => Ok(password.clone()),
        }
    }
}

/// The password in `path`, with one trailing line ending removed.
fn read_password_file(path: &Path) -> io::Result<Zeroizing<String>> {
    let bytes = std::fs::read(path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot read the password file {}: {e}", path.display()),
        )
    })?;
    let mut password = match String::from_utf8(bytes) {
        Ok(text) => Zeroizing::new(text),
        Err(e) => {
            e.into_bytes().zeroize();
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the password file {} is not UTF-8", path.display()),
            ));
        }
    };
    let ending = if password.ends_with("\r\n") {
        2
    } else if password.ends_with('\n') {
        1
    } else {
        0
    };
    let len = password.len() - ending;
    password.truncate(len);
    Ok(password)
}
