//! A test PKI made the way a Management Center makes it: a CA, a server certificate and a client
//! certificate whose Subject CN is the client's IP address, with the identities packed into
//! password-protected PKCS#12 files.
//!
//! For tests, the test server and trying a client without an FMC; never for production. Keys are
//! ECDSA P-256. The private keys are generated in memory and leave it only inside the encrypted
//! PKCS#12 files.

use std::fmt;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

use estreamer_client::identity::Identity;

/// PBKDF2 / PKCS#12-KDF iterations for encryption and MAC: OpenSSL's default.
const P12_ITERATIONS: u32 = 2048;

/// Organization of every generated certificate, so nobody mistakes them for real ones.
const TEST_ORGANIZATION: &str = "estreamer-rs test PKI";

/// How the PKCS#12 files are encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum P12Encryption {
    /// pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates, HMAC-SHA-1 MAC (as older FMCs).
    Legacy3Des,
    /// PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, HMAC-SHA-256 MAC (as OpenSSL 3).
    Aes256,
}

/// What to generate.
#[derive(Clone)]
pub struct PkiOptions {
    /// The client's address: Subject CN and IP subjectAltName of the client certificate.
    pub client_ip: IpAddr,
    /// DNS names and/or IP addresses (as strings) for the server certificate's subjectAltName;
    /// the first is also its Subject CN. Default `["localhost", "127.0.0.1"]`.
    pub server_names: Vec<String>,
    /// Validity of all certificates, in days from now (they start one hour ago, for clock skew).
    pub validity_days: u32,
    /// Password of both PKCS#12 files.
    pub password: Zeroizing<String>,
    /// Encryption of both PKCS#12 files.
    pub encryption: P12Encryption,
    /// Subject CN of the CA. Default `"estreamer-rs test CA"`.
    pub ca_name: String,
    /// The CA's own validity, in days from now (e.g. `-30..-1` for a CA that expired
    /// yesterday), for testing how peers treat it; default `None`: the same as the others.
    pub ca_valid_days: Option<std::ops::Range<i64>>,
}

impl Default for PkiOptions {
    fn default() -> Self {
        PkiOptions {
            client_ip: IpAddr::from([127, 0, 0, 1]),
            server_names: vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
            validity_days: 365,
            password: Zeroizing::new("estreamer".to_owned()),
            encryption: P12Encryption::Aes256,
            ca_name: "estreamer-rs test CA".to_owned(),
            ca_valid_days: None,
        }
    }
}

impl fmt::Debug for PkiOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkiOptions")
            .field("client_ip", &self.client_ip)
            .field("server_names", &self.server_names)
            .field("validity_days", &self.validity_days)
            .field("password", &"<redacted>")
            .field("encryption", &self.encryption)
            .field("ca_name", &self.ca_name)
            .field("ca_valid_days", &self.ca_valid_days)
            .finish()
    }
}

/// A generated test PKI.
#[derive(Clone)]
pub struct Pki {
    /// The CA certificate (DER).
    pub ca_cert: CertificateDer<'static>,
    /// The CA certificate (PEM).
    pub ca_pem: String,
    /// Server key, chain `[server cert]`, ca `[CA cert]`.
    pub server: Identity,
    /// Client key, chain `[client cert]`, ca `[CA cert]`.
    pub client: Identity,
    /// The client identity as PKCS#12 (key, client certificate, CA certificate), encrypted with
    /// the options' password and encryption.
    pub client_p12: Vec<u8>,
    /// The server identity as PKCS#12, likewise.
    pub server_p12: Vec<u8>,
}

impl fmt::Debug for Pki {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pki")
            .field("server", &self.server)
            .field("client", &self.client)
            .field(
                "client_p12",
                &format_args!("<{} bytes>", self.client_p12.len()),
            )
            .field(
                "server_p12",
                &format_args!("<{} bytes>", self.server_p12.len()),
            )
            .finish_non_exhaustive()
    }
}

/// Why a test PKI could not be generated or written.
#[derive(Debug)]
#[non_exhaustive]
pub enum CertsError {
    /// The options cannot make a usable PKI; the string says why.
    InvalidOptions(String),
    /// Key or certificate generation failed.
    Generate(String),
    /// Writing a PKCS#12 file failed.
    Pkcs12(String),
    /// A file to write exists already (and `force` was not given).
    Exists(PathBuf),
    /// Creating or writing a file or directory failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

impl fmt::Display for CertsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertsError::InvalidOptions(why) => write!(f, "cannot generate the test PKI: {why}"),
            CertsError::Generate(why) => write!(f, "generating a test certificate failed: {why}"),
            CertsError::Pkcs12(why) => write!(f, "writing a PKCS#12 file failed: {why}"),
            CertsError::Exists(path) => write!(
                f,
                "{} exists already: choose another directory or overwrite with --force",
                path.display()
            ),
            CertsError::Io { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for CertsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CertsError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn generate_error(e: rcgen::Error) -> CertsError {
    CertsError::Generate(e.to_string())
}

fn pkcs12_error(e: p12_keystore::error::Error) -> CertsError {
    CertsError::Pkcs12(e.to_string())
}

/// Generates a CA, a server and a client identity, and the two PKCS#12 files.
///
/// Like a Management Center: the CA has basicConstraints CA:TRUE and keyCertSign; the server
/// certificate has the serverAuth extended key usage and `server_names` as subjectAltName; the
/// client certificate's Subject CN is `client_ip` (also an IP subjectAltName) and it has the
/// clientAuth extended key usage.
pub fn generate(opts: &PkiOptions) -> Result<Pki, CertsError> {
    if opts.validity_days == 0 {
        return Err(CertsError::InvalidOptions(
            "validity_days must be at least 1".to_owned(),
        ));
    }
    let Some(server_cn) = opts.server_names.first() else {
        return Err(CertsError::InvalidOptions(
            "server_names is empty: the server certificate needs at least one name".to_owned(),
        ));
    };
    for server_name in &opts.server_names {
        if ServerName::try_from(server_name.as_str()).is_err() {
            return Err(CertsError::InvalidOptions(format!(
                "server name {server_name:?} is neither a DNS name nor an IP address"
            )));
        }
    }
    let now = OffsetDateTime::now_utc();
    let not_before = now - Duration::hours(1);
    let not_after = now + Duration::days(i64::from(opts.validity_days));

    // The CA.
    let mut ca_params = CertificateParams::default();
    ca_params.distinguished_name = name(&opts.ca_name);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    match &opts.ca_valid_days {
        Some(days) => {
            ca_params.not_before = now + Duration::days(days.start);
            ca_params.not_after = now + Duration::days(days.end);
        }
        None => {
            ca_params.not_before = not_before;
            ca_params.not_after = not_after;
        }
    }
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(generate_error)?;
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(generate_error)?;
    let ca_cert = ca.der().clone();

    // The server.
    let mut server_params = CertificateParams::new(opts.server_names.clone()).map_err(|e| {
        CertsError::InvalidOptions(format!(
            "server_names {:?}: {e} (give DNS names or IP addresses)",
            opts.server_names
        ))
    })?;
    server_params.distinguished_name = name(server_cn);
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server_params.use_authority_key_identifier_extension = true;
    server_params.not_before = not_before;
    server_params.not_after = not_after;
    let server_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(generate_error)?;
    let server_cert = server_params
        .signed_by(&server_key, &ca)
        .map_err(generate_error)?;

    // The client: CN and IP subjectAltName are its address, as the FMC issues them.
    let client_cn = opts.client_ip.to_string();
    let mut client_params = CertificateParams::default();
    client_params.distinguished_name = name(&client_cn);
    client_params.subject_alt_names = vec![SanType::IpAddress(opts.client_ip)];
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    client_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    client_params.use_authority_key_identifier_extension = true;
    client_params.not_before = not_before;
    client_params.not_after = not_after;
    let client_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(generate_error)?;
    let client_cert = client_params
        .signed_by(&client_key, &ca)
        .map_err(generate_error)?;

    let client_p12 = pkcs12(
        &client_key,
        client_cert.der(),
        &ca_cert,
        &client_cn,
        &opts.password,
        opts.encryption,
    )?;
    let server_p12 = pkcs12(
        &server_key,
        server_cert.der(),
        &ca_cert,
        server_cn,
        &opts.password,
        opts.encryption,
    )?;

    Ok(Pki {
        ca_pem: ca.pem(),
        server: identity(&server_key, server_cert.der(), &ca_cert),
        client: identity(&client_key, client_cert.der(), &ca_cert),
        ca_cert,
        client_p12,
        server_p12,
    })
}

/// `O=estreamer-rs test PKI, CN=<cn>`.
fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, TEST_ORGANIZATION);
    dn.push(DnType::CommonName, common_name);
    dn
}

fn identity(
    key: &KeyPair,
    cert: &CertificateDer<'static>,
    ca: &CertificateDer<'static>,
) -> Identity {
    Identity {
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        chain: vec![cert.clone()],
        ca: vec![ca.clone()],
    }
}

/// A PKCS#12 holding `key`, `cert` (with the key's localKeyId) and `ca`.
fn pkcs12(
    key: &KeyPair,
    cert: &CertificateDer<'_>,
    ca: &CertificateDer<'_>,
    friendly_name: &str,
    password: &str,
    encryption: P12Encryption,
) -> Result<Vec<u8>, CertsError> {
    let private_key = PrivateKey::from_der(key.serialized_der()).map_err(pkcs12_error)?;
    let leaf = Certificate::from_der(cert.as_ref()).map_err(pkcs12_error)?;
    let local_key_id = leaf_serial(cert);
    let ca = Certificate::from_der(ca.as_ref()).map_err(pkcs12_error)?;
    let mut store = KeyStore::new();
    store.add_entry(
        friendly_name,
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(local_key_id, private_key, [leaf, ca])),
    );
    let (encryption, mac) = match encryption {
        P12Encryption::Legacy3Des => (
            EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
            MacAlgorithm::HmacSha1,
        ),
        P12Encryption::Aes256 => (
            EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
            MacAlgorithm::HmacSha256,
        ),
    };
    store
        .writer(password)
        .encryption_algorithm(encryption)
        .encryption_iterations(P12_ITERATIONS)
        .mac_algorithm(mac)
        .mac_iterations(P12_ITERATIONS)
        .write()
        .map_err(pkcs12_error)
}

/// The localKeyId linking key and certificate in the PKCS#12: the certificate's serial number
/// (unique per generated certificate; OpenSSL uses a SHA-1 of the certificate instead).
fn leaf_serial(cert: &CertificateDer<'_>) -> Vec<u8> {
    match x509_parser::parse_x509_certificate(cert.as_ref()) {
        Ok((_, parsed)) => parsed.raw_serial().to_vec(),
        Err(_) => b"estreamer-rs".to_vec(),
    }
}

/// The README written into a test PKI directory.
const DIR_README: &str = "\
THIS IS A TEST PKI generated by estreamer-rs. Do not use it in production.

ca.pem       the test CA certificate (the trust anchor of client and server)
server.p12   the test server's key, certificate and the CA certificate (PKCS#12)
client.p12   the client's key, certificate (Subject CN = the client's IP address, as a
             Management Center issues it) and the CA certificate (PKCS#12)
password.txt the password of both .p12 files

The private keys exist only inside the password-protected .p12 files.
";

/// Writes ca.pem, server.p12, client.p12 and password.txt (mode 0600 on unix; the README of the
/// dir says this is a test PKI) into dir, creating it; refuses to overwrite existing files
/// unless `force`. Returns the paths written.
///
/// The README is `README.txt`. On unix, the .p12 files and password.txt are mode 0600, ca.pem
/// and README.txt 0644, and a directory created here 0700. Without `force`, nothing is written
/// if any of the files exists ([`CertsError::Exists`]).
pub fn write_dir(
    pki: &Pki,
    dir: &Path,
    password: &str,
    force: bool,
) -> Result<Vec<PathBuf>, CertsError> {
    let password_line = Zeroizing::new(format!("{password}\n"));
    let files: [(&str, &[u8], u32); 5] = [
        ("ca.pem", pki.ca_pem.as_bytes(), 0o644),
        ("server.p12", &pki.server_p12, 0o600),
        ("client.p12", &pki.client_p12, 0o600),
        ("password.txt", password_line.as_bytes(), 0o600),
        ("README.txt", DIR_README.as_bytes(), 0o644),
    ];
    if !force {
        for (file, _, _) in &files {
            let path = dir.join(file);
            if path.exists() {
                return Err(CertsError::Exists(path));
            }
        }
    }
    create_dir(dir)?;
    let mut written = Vec::with_capacity(files.len());
    for (file, contents, mode) in files {
        let path = dir.join(file);
        write_file(&path, contents, mode, force)?;
        written.push(path);
    }
    Ok(written)
}

fn create_dir(dir: &Path) -> Result<(), CertsError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| CertsError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

fn write_file(path: &Path, contents: &[u8], mode: u32, force: bool) -> Result<(), CertsError> {
    let io_error = |source| CertsError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CertsError::Exists(path.to_path_buf())
        } else {
            io_error(e)
        }
    })?;
    // An existing file keeps its mode when opened: set it before writing anything secret.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io_error)?;
    }
    file.write_all(contents).map_err(io_error)?;
    file.sync_all().map_err(io_error)
}
